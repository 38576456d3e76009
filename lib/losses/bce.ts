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
import * as tf from '../core/tf';
import { defineLoss } from './define';
import { param } from './params';

/** Per-element BCE kernel (no checks): π·y·softplus(−z) + (1 − y)·softplus(z). */
export function bceElementwise(z: tf.Tensor, y: tf.Tensor, posWeight = 1): tf.Tensor {
  const sp = tf.softplus(z);
  if (posWeight === 1) return tf.sub(sp, tf.mul(y, z));
  // (1 − y)·sp + π·y·(sp − z) = sp + y·((π − 1)·sp − π·z)
  return tf.add(sp, tf.mul(y, tf.sub(tf.mul(posWeight - 1, sp), tf.mul(posWeight, z))));
}

/**
 * Binary cross-entropy of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'bce'`), optionally
 * with the positive term weighted by `posWeight`; mean by default, as PyTorch's `BCEWithLogitsLoss`.
 *
 * @example
 * binaryCrossEntropy([[0]], [[1]])                         // log 2 = 0.693147
 * binaryCrossEntropy(z, y, { posWeight: 3, mask, reduction: 'sum' })
 */
export const binaryCrossEntropy = defineLoss({
  name: 'bce',
  functionName: 'binaryCrossEntropy',
  description: 'Binary cross-entropy on logits (binary relevance); ASL with γ+ = γ− = m = 0. posWeight weights the positive term.',
  paper: 'Standard; e.g. PyTorch BCEWithLogitsLoss(pos_weight). Baseline of Ben-Baruch et al., ICCV 2021 (arXiv 2009.14119).',
  params: { posWeight: param.number(1, 'π: weight of the positive term (1 = plain BCE; rule of thumb #neg/#pos)', { min: 0, max: 1e4 }) },
  defaultReduction: 'mean',
  elementwise: (z, y, { posWeight }) => bceElementwise(z, y, posWeight),
});
