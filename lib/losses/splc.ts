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
import * as tf from '@tensorflow/tfjs';
import { focusingPower } from './focal';
import { callLossInfo, elementwiseMultiLabelLoss, reductionParam, type FunctionalLossOptions } from './multi-label-loss';
import type { LossContext, LossInfo } from './registry';
import type { Reduction } from './reduction';
import { stopGradient } from './detach';

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

/** Registry entry (`'splc'`). */
export const splcLossInfo: LossInfo = {
  name: 'splc',
  description: 'SPLC: focal-margin loss that relabels confident negatives (p > τ) as positives after changeEpoch.',
  paper: 'Zhang et al., "Simple and Robust Loss Design for Multi-Label Learning with Missing Labels", arXiv 2112.07368.',
  params: {
    tau: { default: 0.6, min: 0.5, max: 1, description: 'τ: probability above which a negative is relabelled positive' },
    changeEpoch: { default: 1, min: 0, max: 1e6, description: 'first epoch (0-based, from call context) with correction' },
    margin: { default: 1, min: 0, max: 10, description: 'm: logit margin of annotated positives' },
    gamma: { default: 2, min: 0, max: 20, description: 'γ: focusing exponent (both sides)' },
    reduction: reductionParam('sum'),
  },
  create: (params) => {
    const o = {
      tau: params.tau as number,
      changeEpoch: params.changeEpoch as number,
      margin: params.margin as number,
      gamma: params.gamma as number,
    };
    return elementwiseMultiLabelLoss({
      name: 'splc',
      params,
      defaultReduction: params.reduction as Reduction,
      kernel: (z, y, context) => splcElementwise(z, y, o, context),
    });
  },
};

/** Options of {@link splcLoss}. Pass the epoch as `context: { epoch }`. */
export interface SplcLossOptions extends FunctionalLossOptions {
  tau?: number;
  changeEpoch?: number;
  margin?: number;
  gamma?: number;
}

/** SPLC loss of `logits [N, C]` against 0/1 `targets`; sum by default. */
export function splcLoss(logits: tf.Tensor | number[][], targets: tf.Tensor | number[][], options: SplcLossOptions = {}): tf.Tensor {
  return callLossInfo(splcLossInfo, logits, targets, { ...options });
}
