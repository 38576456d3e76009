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
import * as tf from '../core/tf';
import { focusingPower } from './focal';
import { defineLoss } from './define';
import { param } from './params';

/** Per-element sigmoid Poly-1 kernel (no checks). */
export function poly1Elementwise(z: tf.Tensor, y: tf.Tensor, epsilon: number, gamma: number): tf.Tensor {
  const s = tf.mul(tf.sub(1, tf.mul(2, y)), z);
  const oneMinusPt = tf.sigmoid(s);
  const ce = tf.softplus(s);
  const base = gamma === 0 ? ce : tf.mul(focusingPower(oneMinusPt, gamma), ce);
  if (epsilon === 0) return base;
  return tf.add(base, tf.mul(epsilon, focusingPower(oneMinusPt, gamma + 1)));
}

/**
 * Poly-1 of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'poly1'`); mean by default.
 *
 * @example
 * poly1Loss(z, y)                       // ε = 1, γ = 0: BCE + (1 − p_t)
 * poly1Loss(z, y, { epsilon: -1, gamma: 2 })
 */
export const poly1Loss = defineLoss({
  name: 'poly1',
  functionName: 'poly1Loss',
  description: 'Poly-1 (sigmoid): BCE (or focal) plus ε·(1 − p_t)^(γ+1).',
  paper: 'Leng et al., "PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions", ICLR 2022, arXiv 2204.12511.',
  params: {
    epsilon: param.number(1, 'ε: coefficient of the first polynomial term', { min: -1, max: 100 }),
    gamma: param.number(0, 'γ: focal exponent (0 = Poly-1 cross-entropy)', { min: 0, max: 20 }),
  },
  defaultReduction: 'mean',
  elementwise: (z, y, { epsilon, gamma }) => poly1Elementwise(z, y, epsilon, gamma),
});
