/**
 * Asymmetric Polynomial Loss (APL): ASL with Taylor-expansion (Poly-style) correction terms.
 *
 * Huang, Wang, Zhang, et al., "Asymmetric Polynomial Loss for Multi-Label Classification", ICASSP 2023,
 * arXiv 2304.05361; official code LUMIA-Group/APL (APLloss.py). With p = σ(z), p_m = max(p − m, 0):
 *
 *   ℓ+ = (1 − p)^γ+ · [−log p − ε₁·(1 − p) − (ε₂/2)·(1 − p)²]
 *   ℓ− = p_m^γ−    · [−log(1 − p_m) − ε−·p_m]
 *
 * Defaults (official code): ε₁ = 1, ε₂ = −2.5, ε− = 0, γ− = 4, γ+ = 0, m = 0.05, ε (log clamp) = 1e-8,
 * focusing weight detached, reduction `'sum'`.
 *
 * UNVERIFIED (asl-reference / landscape notes): the sign convention of the ε terms is the official
 * code's (the polynomial terms are ADDED to log p before the overall minus sign, i.e. subtracted from
 * the loss — the opposite sign of PolyLoss's +ε(1 − p_t)); the paper's equation could not be checked.
 * The negative polynomial term here multiplies p_m (the Taylor variable of −log(1 − p_m)); the
 * official code multiplies 1 − p_m instead — the two differ only when ε− ≠ 0 (default 0).
 * Special case: ε₁ = ε₂ = ε− = 0 gives ASL exactly.
 */
import * as tf from '../core/tf';
import { stopGradient } from './detach';
import { focusingPower } from './focal';
import { ASL_PARAMS } from './asl';
import { defineLoss } from './define';
import { param } from './params';

/** APL parameters. */
export interface AplParams {
  gammaNeg: number;
  gammaPos: number;
  clip: number;
  eps: number;
  epsilonPos1: number;
  epsilonPos2: number;
  epsilonNeg: number;
  detachFocalWeight: boolean;
}

/** Per-element APL kernel (no checks); differentiable in z. */
export function aplElementwise(z: tf.Tensor, y: tf.Tensor, o: AplParams): tf.Tensor {
  const p = tf.sigmoid(z);
  const pc = tf.maximum(p, o.eps);
  const omp = tf.sub(1, pc);
  let q: tf.Tensor = tf.sub(1, p);
  if (o.clip > 0) q = tf.minimum(tf.add(q, o.clip), 1);
  const pm = tf.sub(1, q);
  let innerPos: tf.Tensor = tf.log(pc);
  if (o.epsilonPos1 !== 0) innerPos = tf.add(innerPos, tf.mul(o.epsilonPos1, omp));
  if (o.epsilonPos2 !== 0) innerPos = tf.add(innerPos, tf.mul(o.epsilonPos2 / 2, tf.square(omp)));
  let innerNeg: tf.Tensor = tf.log(tf.maximum(q, o.eps));
  if (o.epsilonNeg !== 0) innerNeg = tf.add(innerNeg, tf.mul(o.epsilonNeg, pm));
  const weigh = (t: tf.Tensor, base: tf.Tensor, gamma: number) => {
    if (gamma === 0) return t;
    const w = focusingPower(base, gamma);
    return tf.mul(t, o.detachFocalWeight ? stopGradient(w) : w);
  };
  const lossPos = weigh(innerPos, tf.sub(1, p), o.gammaPos);
  const lossNeg = weigh(innerNeg, pm, o.gammaNeg);
  return tf.neg(tf.add(tf.mul(y, lossPos), tf.mul(tf.sub(1, y), lossNeg)));
}

/**
 * Asymmetric Polynomial Loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'apl'`); sum by default.
 *
 * @example
 * asymmetricPolynomialLoss(z, y)                                  // official defaults
 * asymmetricPolynomialLoss(z, y, { epsilonPos1: 0, epsilonPos2: 0 })  // = ASL
 */
export const asymmetricPolynomialLoss = defineLoss({
  name: 'apl',
  functionName: 'asymmetricPolynomialLoss',
  description: 'Asymmetric Polynomial Loss: ASL plus Taylor (Poly) terms ε₁(1 − p), ε₂/2(1 − p)², ε−·p_m.',
  paper: 'Huang et al., "Asymmetric Polynomial Loss for Multi-Label Classification", ICASSP 2023, arXiv 2304.05361.',
  params: {
    ...ASL_PARAMS,
    epsilonPos1: param.number(1, 'ε₁: first-order term of positives (sign: official code)', { min: -100, max: 100 }),
    epsilonPos2: param.number(-2.5, 'ε₂: second-order term of positives', { min: -100, max: 100 }),
    epsilonNeg: param.number(0, 'ε−: first-order term of negatives (× p_m)', { min: -100, max: 100 }),
  },
  defaultReduction: 'sum',
  elementwise: (z, y, params) => aplElementwise(z, y, params),
});
