/**
 * Class-balanced weighting by the effective number of samples, and the class-balanced loss.
 *
 * Cui, Jia, Lin, Song, Belongie, "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019
 * (arXiv 1901.05555). For a class with n_c positive samples the effective number is
 * E_c = (1 − β^{n_c})/(1 − β), and the weight
 *
 *   w_c = (1 − β)/(1 − β^{n_c}),   normalised so that Σ_c w_c = C
 *
 * β = 0 gives equal weights; β → 1 gives inverse class frequency. Defaults: β = 0.999.
 * For multi-label data n_c is the number of positives of class c; the weight multiplies the whole
 * column of class c (its positive and negative terms) of BCE (γ = 0) or focal loss (γ > 0).
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import { assertInRange } from '../core/validate';
import { bceElementwise } from './bce';
import { focalElementwise } from './focal';
import { callLossInfo, prepareLossCall, reduceMaskedLoss, reductionParam, type FunctionalLossOptions } from './multi-label-loss';
import type { LossCallOptions, LossInfo, MultiLabelLoss } from './registry';
import type { Reduction } from './reduction';

/**
 * Class-balanced weights w_c = (1 − β)/(1 − β^{n_c}), normalised to sum C. Counts below 1 are treated
 * as 1 (a class without positives gets the largest weight instead of ∞).
 *
 * @example
 * classBalancedWeights([100, 10, 1], 0.99)   // ≈ [0.0422, 0.2800, 2.6777]
 */
export function classBalancedWeights(classCounts: readonly number[], beta = 0.999): number[] {
  const fn = 'classBalancedWeights';
  if (!Array.isArray(classCounts) || classCounts.length === 0) fail(fn, 'classCounts', 'must be a non-empty array of counts');
  assertInRange(beta, { min: 0, max: 1, maxInclusive: false }, 'beta', fn);
  classCounts.forEach((n, i) => assertInRange(n, { min: 0 }, `classCounts[${i}]`, fn));
  const raw = classCounts.map((n) => (beta === 0 ? 1 : (1 - beta) / (1 - Math.pow(beta, Math.max(n, 1)))));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w * raw.length) / total);
}

/** Parses a registry `classCounts` string ('120,30,5'; '' = none) into numbers. */
export function parseClassCounts(text: string, fn: string): number[] | undefined {
  if (text.trim() === '') return undefined;
  const counts = text.split(',').map((s) => Number(s.trim()));
  counts.forEach((n, i) => {
    if (!Number.isFinite(n) || n < 0) fail(fn, 'classCounts', `must be comma-separated counts ≥ 0, got '${text.split(',')[i]}' at ${i}`);
  });
  return counts;
}

/** Registry entry (`'class-balanced'`). */
export const classBalancedLossInfo: LossInfo = {
  name: 'class-balanced',
  description: 'BCE or focal loss with class-balanced (effective number) class weights.',
  paper: 'Cui et al., "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019, arXiv 1901.05555.',
  params: {
    beta: { default: 0.999, min: 0, max: 0.999999, description: 'β of the effective number (0 = equal weights)' },
    gamma: { default: 0, min: 0, max: 20, description: 'γ: focal exponent (0 = BCE)' },
    classCounts: {
      default: '',
      description: "positives per class, comma-separated ('' = counts of the current batch's targets)",
    },
    reduction: reductionParam('mean'),
  },
  create: (params): MultiLabelLoss => {
    const beta = params.beta as number;
    const gamma = params.gamma as number;
    const counts = parseClassCounts(params.classCounts as string, "createLoss('class-balanced')");
    return {
      name: 'class-balanced',
      params: Object.freeze({ ...params }),
      call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor {
        return tf.tidy(() => {
          const fn = 'class-balanced.call';
          const c = prepareLossCall(logits, targets, options, params.reduction as Reduction, fn);
          const C = c.z.shape[1];
          let n = counts;
          if (!n) n = Array.from(tf.sum(c.mask ? tf.mul(c.y, c.mask) : c.y, 0).dataSync());
          if (n.length !== C) fail(fn, 'classCounts', `must have one count per class (C = ${C}), got ${n.length}`);
          let w: tf.Tensor = tf.tensor2d(classBalancedWeights(n, beta), [1, C]);
          if (c.classWeights) w = tf.mul(w, c.classWeights);
          const per = gamma === 0 ? bceElementwise(c.z, c.y) : focalElementwise(c.z, c.y, gamma, -1);
          return reduceMaskedLoss(per, c.reduction, c.mask, w);
        });
      },
    };
  },
};

/** Options of {@link classBalancedLoss}. */
export interface ClassBalancedLossOptions extends FunctionalLossOptions {
  beta?: number;
  gamma?: number;
  /** Positives per class (length C); default: counted from `targets`. */
  classCounts?: readonly number[];
}

/** Class-balanced BCE/focal loss of `logits [N, C]` against 0/1 `targets`; mean by default. */
export function classBalancedLoss(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: ClassBalancedLossOptions = {},
): tf.Tensor {
  const { classCounts, ...rest } = options;
  return callLossInfo(classBalancedLossInfo, logits, targets, { ...rest, classCounts: classCounts ? classCounts.join(',') : undefined });
}
