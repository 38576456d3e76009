/**
 * ASL as a formula, differentiated by tfjs autodiff (`implementation: 'autodiff'`): the reference the
 * fused kernel (./fused.ts) is checked against, and the form to read.
 *
 * With p = σ(z) and the shifted probability p_m = max(p − m, 0):
 *
 *   L+ = (1 − p)^γ+ · log(p)                 (positives, y = 1)
 *   L− = p_m^γ− · log(1 − p_m)               (negatives, y = 0)
 *   loss = −y·L+ − (1 − y)·L−
 *
 * As the official code (github.com/Alibaba-MIIL/ASL, src/loss_functions/losses.py, `AsymmetricLoss`),
 * the log arguments are clamped at ε (log(max(x, ε)): each term ≤ −log ε ≈ 18.42 for ε = 1e-8, zero
 * gradient where the clamp holds) and 1 − p_m = min(1 − p + m, 1).
 *
 * Numerics (exact for every logit in float32): 1 − p is computed as σ(−z), not by subtracting p from 1
 * (the official float32 code loses the relative accuracy of 1 − p for z ≳ 9 and clamps it to ε from
 * z ≈ 17 on, where the exact value is still far above ε); p_m as max(p − m, 0) from the exact p; log x
 * as log1p(−(1 − x)) where x is near 1 (where x itself rounds to 1 in float32); σ differentiated as
 * σ(z)·σ(−z) (tfjs' own sigmoid gradient y·(1 − y) vanishes once y rounds to 1). The
 * focusing powers have their base floored at 1e-30, so an exponent below 1 never meets 0^(γ − 1) in
 * the backward pass — a NaN there would reach both labels through the product with y.
 */
import * as tf from '../../core/tf';
import { stopGradient } from '../detach';
import { focusingPower } from '../focal';
import { exactSigmoid, logOf, type AslCoreParams } from './numerics';

export type { AslCoreParams };


/** The per-element ASL matrix `[N, C]` (no checks, no reduction); differentiable in `z`. */
export function aslElementwise(z: tf.Tensor, y: tf.Tensor, o: AslCoreParams): tf.Tensor {
  const p = exactSigmoid(z);
  const s = exactSigmoid(tf.neg(z)); // 1 − p, exact
  // Probability shifting: 1 − p_m = min(1 − p + m, 1) (the official "asymmetric clipping").
  const xsNeg = o.clip > 0 ? tf.minimum(tf.add(s, o.clip), 1) : s;
  const pm = o.clip > 0 ? tf.relu(tf.sub(p, o.clip)) : p; // p_m = 1 − xsNeg
  // log(max(x, ε)), as log1p(−(1 − x)) where x is near 1 (see logOf)
  let logPos: tf.Tensor = logOf(p, s, o.eps);
  let logNeg: tf.Tensor = logOf(xsNeg, pm, o.eps);
  // Asymmetric focusing, each side weighted separately (a zero exponent never differentiates 0^0; the
  // official single-pow form has the same forward value).
  if (o.gammaPos > 0) {
    const w = focusingPower(s, o.gammaPos);
    logPos = tf.mul(logPos, o.detachFocalWeight ? stopGradient(w) : w);
  }
  if (o.gammaNeg > 0) {
    const w = focusingPower(pm, o.gammaNeg);
    logNeg = tf.mul(logNeg, o.detachFocalWeight ? stopGradient(w) : w);
  }
  return tf.neg(tf.add(tf.mul(y, logPos), tf.mul(tf.sub(1, y), logNeg)));
}
