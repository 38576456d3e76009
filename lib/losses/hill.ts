/**
 * Hill loss for multi-label learning with missing labels.
 *
 * Zhang, Cheng, Wang, Zhang, Ding, Zhang, Zhou, Sun, "Simple and Robust Loss Design for Multi-Label
 * Learning with Missing Labels", arXiv 2112.07368 (2021); reference code xinyu1205/robust-loss-mlml.
 * Per element, with p = σ(z) and the margin-shifted p̃ = σ(z − m):
 *
 *   positives:  ℓ+ = −(1 − p̃)^γ · log p̃           ("focal margin"; weight differentiated)
 *   negatives:  ℓ− = (λ − p) · p²                   (hill-shaped: small for very hard negatives)
 *
 * Defaults: λ = 1.5, m = 1, γ = 2, reduction `'sum'` (reference code). dℓ−/dp = 2λp − 3p² vanishes at
 * p = 0 and at p = 2λ/3 (= 1 for λ = 1.5): easy and very hard negatives (possible missing positives)
 * both get little gradient. With m = 0 and γ = 0 the positive part is BCE's −log p.
 */
import * as tf from '../core/tf';
import { focusingPower } from './focal';
import { defineLoss } from './define';
import { param } from './params';

/** Focal-margin positive term −(1 − σ(z − m))^γ·log σ(z − m), stable in z. */
export function focalMarginPositive(z: tf.Tensor, margin: number, gamma: number): tf.Tensor {
  const zm = margin === 0 ? z : tf.sub(z, margin);
  return tf.mul(focusingPower(tf.sigmoid(tf.neg(zm)), gamma), tf.softplus(tf.neg(zm)));
}

/** Per-element Hill kernel (no checks). */
export function hillElementwise(z: tf.Tensor, y: tf.Tensor, lambda: number, margin: number, gamma: number): tf.Tensor {
  const p = tf.sigmoid(z);
  const neg = tf.mul(tf.sub(lambda, p), tf.square(p));
  return tf.add(tf.mul(y, focalMarginPositive(z, margin, gamma)), tf.mul(tf.sub(1, y), neg));
}

/**
 * Hill loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'hill'`); sum by default.
 *
 * @example
 * hillLoss(z, y)                           // λ = 1.5, m = 1, γ = 2
 * hillLoss(z, y, { lambda: 2, mask })
 */
export const hillLoss = defineLoss({
  name: 'hill',
  functionName: 'hillLoss',
  description: 'Hill loss: focal-margin positives, hill-shaped (λ − p)·p² negatives; robust to missing labels.',
  paper: 'Zhang et al., "Simple and Robust Loss Design for Multi-Label Learning with Missing Labels", arXiv 2112.07368.',
  params: {
    lambda: param.number(1.5, 'λ of the negative term (λ − p)·p²; λ ≥ 1 keeps it ≥ 0', { min: 1, max: 10 }),
    margin: param.number(1, 'm: logit margin of positives, p̃ = σ(z − m)', { min: 0, max: 10 }),
    gamma: param.number(2, 'γ: focusing exponent of positives', { min: 0, max: 20 }),
  },
  defaultReduction: 'sum',
  elementwise: (z, y, { lambda, margin, gamma }) => hillElementwise(z, y, lambda, margin, gamma),
});
