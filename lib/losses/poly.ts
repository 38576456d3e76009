/**
 * Poly-1 loss, sigmoid (binary, per label) form.
 *
 * Leng, Tan, Liu, Cubuk, Shi, Cheng, Anguelov, Tan, Li, "PolyLoss: A Polynomial Expansion Perspective
 * of Classification Loss Functions", ICLR 2022 (arXiv 2204.12511). With p_t = p for y = 1 and 1 − p
 * for y = 0 (so 1 − p_t = σ(s), s = (1 − 2y)·z):
 *
 *   Poly-1:        ℓ = −log p_t + ε·(1 − p_t)               = softplus(s) + ε·σ(s)
 *   focal Poly-1:  ℓ = (1 − p_t)^γ·(−log p_t) + ε·(1 − p_t)^(γ+1)
 *
 * Defaults: ε = 1, γ = 0 (ε = 2 is the paper's ImageNet setting, ε = −1 with focal for detection),
 * reduction `'mean'`. ε = 0 gives BCE (γ = 0) or focal loss (γ > 0). ε ≥ −1 keeps the Poly-1 loss
 * monotone in p_t.
 */
import * as tf from '@tensorflow/tfjs';
import { focusingPower } from './focal';
import { callLossInfo, elementwiseMultiLabelLoss, reductionParam, type FunctionalLossOptions } from './multi-label-loss';
import type { LossInfo } from './registry';
import type { Reduction } from './reduction';

/** Per-element sigmoid Poly-1 kernel (no checks). */
export function poly1Elementwise(z: tf.Tensor, y: tf.Tensor, epsilon: number, gamma: number): tf.Tensor {
  const s = tf.mul(tf.sub(1, tf.mul(2, y)), z);
  const oneMinusPt = tf.sigmoid(s);
  const ce = tf.softplus(s);
  const base = gamma === 0 ? ce : tf.mul(focusingPower(oneMinusPt, gamma), ce);
  if (epsilon === 0) return base;
  return tf.add(base, tf.mul(epsilon, focusingPower(oneMinusPt, gamma + 1)));
}

/** Registry entry (`'poly1'`). */
export const poly1LossInfo: LossInfo = {
  name: 'poly1',
  description: 'Poly-1 (sigmoid): BCE (or focal) plus ε·(1 − p_t)^(γ+1).',
  paper: 'Leng et al., "PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions", ICLR 2022, arXiv 2204.12511.',
  params: {
    epsilon: { default: 1, min: -1, max: 100, description: 'ε: coefficient of the first polynomial term' },
    gamma: { default: 0, min: 0, max: 20, description: 'γ: focal exponent (0 = Poly-1 cross-entropy)' },
    reduction: reductionParam('mean'),
  },
  create: (params) =>
    elementwiseMultiLabelLoss({
      name: 'poly1',
      params,
      defaultReduction: params.reduction as Reduction,
      kernel: (z, y) => poly1Elementwise(z, y, params.epsilon as number, params.gamma as number),
    }),
};

/** Options of {@link poly1Loss}. */
export interface Poly1LossOptions extends FunctionalLossOptions {
  epsilon?: number;
  gamma?: number;
}

/** Sigmoid Poly-1 loss of `logits [N, C]` against 0/1 `targets`; mean by default. */
export function poly1Loss(logits: tf.Tensor | number[][], targets: tf.Tensor | number[][], options: Poly1LossOptions = {}): tf.Tensor {
  return callLossInfo(poly1LossInfo, logits, targets, { ...options });
}
