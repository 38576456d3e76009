/**
 * Focal loss for multi-label (sigmoid) outputs.
 *
 * Lin, Goyal, Girshick, He, Dollár, "Focal Loss for Dense Object Detection", ICCV 2017 (arXiv 1708.02002).
 * Per element, with p = σ(z):
 *
 *   ℓ = −α·y·(1 − p)^γ·log p − (1 − α)·(1 − y)·p^γ·log(1 − p)
 *
 * Defaults: γ = 2; α disabled (`alpha: -1`, torchvision's switch), which is the α-free form the ASL
 * paper uses as its focal baseline (asl-reference.md §1.2). With α ∈ [0, 1] the positive term is
 * weighted by α and the negative by 1 − α (RetinaNet uses α = 0.25). Reduction default `'mean'`.
 * The focusing weight is differentiated (the usual focal loss). Focal(γ) = ASL(γ, γ, m = 0) without α.
 *
 * Numerics: log p = −softplus(−z), log(1 − p) = −softplus(z); the bases of the powers are
 * σ(∓z) clamped at 1e-30 so that γ < 1 never meets 0^(γ − 1) in the backward pass.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { defineLoss } from './define';
import { param } from './params';

/** Smallest base of a focusing power: keeps pow's gradient finite for exponents below 1. */
export const FOCAL_BASE_FLOOR = 1e-30;

/** x^γ with a guarded base (γ = 0 → the constant 1 without a pow op). */
export function focusingPower(base: tf.Tensor, gamma: number): tf.Tensor {
  if (gamma === 0) return tf.onesLike(base);
  if (gamma === 1) return base;
  if (gamma === 2) return tf.square(base);
  // max(base, floor) written as floor + relu(base − floor): maximum against a scalar is slow on wasm
  return tf.pow(tf.add(tf.relu(tf.sub(base, FOCAL_BASE_FLOOR)), FOCAL_BASE_FLOOR), gamma);
}

/** Per-element focal kernel (no checks). `alpha < 0` disables α-balancing. */
export function focalElementwise(z: tf.Tensor, y: tf.Tensor, gamma: number, alpha: number): tf.Tensor {
  const lossPos = tf.mul(focusingPower(tf.sigmoid(tf.neg(z)), gamma), tf.softplus(tf.neg(z)));
  const lossNeg = tf.mul(focusingPower(tf.sigmoid(z), gamma), tf.softplus(z));
  const wPos = alpha < 0 ? 1 : alpha;
  const wNeg = alpha < 0 ? 1 : 1 - alpha;
  return tf.add(tf.mul(tf.mul(y, wPos), lossPos), tf.mul(tf.mul(tf.sub(1, y), wNeg), lossNeg));
}

/**
 * Sigmoid focal loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'focal'`); mean by default.
 *
 * @example
 * focalLoss([[0]], [[1]])                    // 0.25·log 2 = 0.173287
 * focalLoss(z, y, { gamma: 2, alpha: 0.25 })  // RetinaNet setting
 */
export const focalLoss = defineLoss({
  name: 'focal',
  functionName: 'focalLoss',
  description: 'Focal loss (sigmoid): (1 − p_t)^γ-weighted BCE, optional α-balancing.',
  paper: 'Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, arXiv 1708.02002.',
  params: {
    gamma: param.number(2, 'γ: focusing exponent (0 = BCE)', { min: 0, max: 20 }),
    alpha: param.number(-1, 'α: weight of positives (1 − α for negatives); -1 = off', { min: -1, max: 1 }),
  },
  defaultReduction: 'mean',
  // α is -1 (off) or in [0, 1]: the values in (−1, 0) mean nothing.
  check: ({ alpha }, fn) => {
    if (alpha !== -1 && !(alpha >= 0 && alpha <= 1)) fail(fn, 'alpha', `must be -1 (off) or in [0, 1], got ${alpha}`);
  },
  elementwise: (z, y, { gamma, alpha }) => focalElementwise(z, y, gamma, alpha),
});
