/**
 * SPLC: Self-Paced Loss Correction for multi-label learning with missing labels.
 *
 * Zhang et al., "Simple and Robust Loss Design for Multi-Label Learning with Missing Labels",
 * arXiv 2112.07368 (2021); reference code xinyu1205/robust-loss-mlml (class SPLC). Per element:
 *
 *   z' = z − m for annotated positives, z otherwise      (focal margin)
 *   from epoch `changeEpoch` on, a negative with σ(z') > τ is relabelled positive for this step
 *   (the corrected target is a constant: no gradient flows through the relabelling)
 *   ℓ = −y'·(1 − σ(z'))^γ·log σ(z') − (1 − y')·σ(z')^γ·log(1 − σ(z'))
 *
 * Defaults: τ = 0.6, changeEpoch = 1, m = 1, γ = 2, reduction `'sum'`. The epoch comes from the call's
 * `context.epoch` (0 when absent, i.e. no correction). A relabelled negative keeps z' = z (the margin
 * applies to annotated positives only, as in the reference code).
 * Limits: before `changeEpoch` (or τ = 1) it is focal loss with a margin on positives; with m = 0 it is
 * focal loss (γ) and with m = γ = 0 BCE.
 */
import * as tf from '../core/tf';
import { focusingPower } from './focal';
import { defineLoss } from './define';
import { param } from './params';
import { stopGradient } from './detach';
import type { LossContext } from './types';

/** Per-element SPLC kernel (no checks). */
export function splcElementwise(
  z: tf.Tensor,
  y: tf.Tensor,
  o: { tau: number; changeEpoch: number; margin: number; gamma: number },
  context: LossContext,
): tf.Tensor {
  const zm = o.margin === 0 ? z : tf.sub(z, tf.mul(y, o.margin));
  let yc: tf.Tensor = y;
  if ((context.epoch ?? 0) >= o.changeEpoch && o.tau < 1) {
    // y' = max(y, [σ(z') > τ]) = y + (1 − y)·step(z' − logit τ), computed without gradient
    const flip = tf.step(tf.sub(stopGradient(zm), Math.log(o.tau / (1 - o.tau))));
    yc = tf.add(y, tf.mul(tf.sub(1, y), flip));
  }
  const pos = tf.mul(focusingPower(tf.sigmoid(tf.neg(zm)), o.gamma), tf.softplus(tf.neg(zm)));
  const neg = tf.mul(focusingPower(tf.sigmoid(zm), o.gamma), tf.softplus(zm));
  return tf.add(tf.mul(yc, pos), tf.mul(tf.sub(1, yc), neg));
}

/**
 * SPLC of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'splc'`); sum by default. The epoch
 * comes from the call's `context` (the trainer passes it).
 *
 * @example
 * splcLoss(z, y, { context: { epoch: 3 } })
 */
export const splcLoss = defineLoss({
  name: 'splc',
  functionName: 'splcLoss',
  description: 'SPLC: focal-margin loss that relabels confident negatives (p > τ) as positives after changeEpoch.',
  paper: 'Zhang et al., "Simple and Robust Loss Design for Multi-Label Learning with Missing Labels", arXiv 2112.07368.',
  params: {
    tau: param.number(0.6, 'τ: probability above which a negative is relabelled positive', { min: 0.5, max: 1 }),
    changeEpoch: param.number(1, 'first epoch (0-based, from call context) with correction', { min: 0, max: 1e6, integer: true }),
    margin: param.number(1, 'm: logit margin of annotated positives', { min: 0, max: 10 }),
    gamma: param.number(2, 'γ: focusing exponent (both sides)', { min: 0, max: 20 }),
  },
  defaultReduction: 'sum',
  elementwise: (z, y, params, context) => splcElementwise(z, y, params, context),
});
