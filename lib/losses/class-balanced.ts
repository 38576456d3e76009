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
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { assertInRange } from '../core/validate';
import { bceElementwise } from './bce';
import { focalElementwise } from './focal';
import { reduceMaskedLoss } from './call';
import { defineLoss } from './define';
import { param } from './params';

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

/**
 * Class-balanced BCE or focal loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry
 * `'class-balanced'`); mean by default. `classCounts` are the positives per class in the training set
 * (default: counted from the batch's targets).
 *
 * @example
 * classBalancedLoss(z, y, { beta: 0.999, classCounts: [500, 20, 3] })
 */
export const classBalancedLoss = defineLoss({
  name: 'class-balanced',
  functionName: 'classBalancedLoss',
  description: 'BCE or focal loss with class-balanced (effective number) class weights.',
  paper: 'Cui et al., "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019, arXiv 1901.05555.',
  params: {
    beta: param.number(0.999, 'β of the effective number (0 = equal weights)', { min: 0, max: 0.999999 }),
    gamma: param.number(0, 'γ: focal exponent (0 = BCE)', { min: 0, max: 20 }),
    classCounts: param.numbers([], 'positives per class in the training set ([] = counts of the current batch)', { min: 0 }),
  },
  defaultReduction: 'mean',
  forward: (c, { beta, gamma, classCounts }) => {
    const fn = 'class-balanced.call';
    const C = c.z.shape[1];
    const n = classCounts.length ? classCounts : Array.from(tf.sum(c.mask ? tf.mul(c.y, c.mask) : c.y, 0).dataSync());
    if (n.length !== C) fail(fn, 'classCounts', `must have one count per class (C = ${C}), got ${n.length}`);
    let w: tf.Tensor = tf.tensor2d(classBalancedWeights(n, beta), [1, C]);
    if (c.classWeights) w = tf.mul(w, c.classWeights);
    const per = gamma === 0 ? bceElementwise(c.z, c.y) : focalElementwise(c.z, c.y, gamma, -1);
    return reduceMaskedLoss(per, c.reduction, c.mask, w);
  },
});
