/**
 * Binary cross-entropy on logits (binary relevance), optionally with a positive-class weight.
 *
 * Per element, with p = σ(z) and the positive weight π (PyTorch `pos_weight`):
 *
 *   ℓ = −π·y·log p − (1 − y)·log(1 − p) = π·y·softplus(−z) + (1 − y)·softplus(z)
 *
 * Numerics: the logit form uses softplus(z) = log(1 + e^z) (stable for |z| up to 100 and beyond) and
 * softplus(−z) = softplus(z) − z, so each element costs one transcendental op. For π = 1 it is the
 * familiar stable form max(z, 0) − z·y + log(1 + e^{−|z|}) = softplus(z) − y·z.
 *
 * Defaults: π = 1, reduction `'mean'` (PyTorch `BCEWithLogitsLoss`). Rule of thumb for π: #neg / #pos.
 * BCE is ASL with γ+ = γ− = 0 and m = 0 (asl-reference.md §1.2).
 */
import * as tf from '@tensorflow/tfjs';
import {
  callLossInfo,
  elementwiseMultiLabelLoss,
  reductionParam,
  type FunctionalLossOptions,
} from './multi-label-loss';
import type { LossInfo } from './registry';
import type { Reduction } from './reduction';

/** Per-element BCE kernel (no checks): π·y·softplus(−z) + (1 − y)·softplus(z). */
export function bceElementwise(z: tf.Tensor, y: tf.Tensor, posWeight = 1): tf.Tensor {
  const sp = tf.softplus(z);
  if (posWeight === 1) return tf.sub(sp, tf.mul(y, z));
  // (1 − y)·sp + π·y·(sp − z) = sp + y·((π − 1)·sp − π·z)
  return tf.add(sp, tf.mul(y, tf.sub(tf.mul(posWeight - 1, sp), tf.mul(posWeight, z))));
}

/** Registry entry of plain BCE (`'bce'`). */
export const bceLossInfo: LossInfo = {
  name: 'bce',
  description: 'Binary cross-entropy on logits (binary relevance); ASL with γ+ = γ− = m = 0.',
  paper: 'Standard; e.g. PyTorch BCEWithLogitsLoss. Baseline of Ben-Baruch et al., ICCV 2021 (arXiv 2009.14119).',
  params: { reduction: reductionParam('mean') },
  create: (params) =>
    elementwiseMultiLabelLoss({
      name: 'bce',
      params,
      defaultReduction: params.reduction as Reduction,
      kernel: (z, y) => bceElementwise(z, y, 1),
    }),
};

/** Registry entry of weighted BCE (`'weighted-bce'`): the positive term scaled by `posWeight`. */
export const weightedBceLossInfo: LossInfo = {
  name: 'weighted-bce',
  description: 'BCE with the positive term multiplied by posWeight (PyTorch pos_weight, one value for all classes).',
  paper: 'PyTorch BCEWithLogitsLoss(pos_weight); rule of thumb π = #neg/#pos.',
  params: {
    posWeight: { default: 1, min: 0, max: 1e4, description: 'π: weight of the positive term (1 = plain BCE)' },
    reduction: reductionParam('mean'),
  },
  create: (params) =>
    elementwiseMultiLabelLoss({
      name: 'weighted-bce',
      params,
      defaultReduction: params.reduction as Reduction,
      kernel: (z, y) => bceElementwise(z, y, params.posWeight as number),
    }),
};

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends FunctionalLossOptions {
  /** π, multiplies the positive term. Default 1 (plain BCE). Per-class π: use `classWeights` on positives instead. */
  posWeight?: number;
}

/**
 * Binary cross-entropy of `logits [N, C]` against 0/1 `targets [N, C]`; mean by default.
 *
 * @example
 * binaryCrossEntropy([[0]], [[1]])          // log 2 = 0.693147
 * binaryCrossEntropy(z, y, { posWeight: 3, reduction: 'sum', mask })
 */
export function binaryCrossEntropy(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: BinaryCrossEntropyOptions = {},
): tf.Tensor {
  return callLossInfo(weightedBceLossInfo, logits, targets, { ...options });
}
