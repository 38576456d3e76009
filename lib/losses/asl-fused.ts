/**
 * Fused asymmetric loss: the same values as {@link asymmetricLoss}, with a hand-derived gradient
 * (`tf.customGrad`) for both gradient modes, built from few element-wise ops (each tf op has a
 * dispatch cost on wasm) and safe for extreme logits.
 *
 * Derivation (per element, p = σ(z), s = 1 − p, margin m, exponents γ+ / γ−, clamp ε).
 * Write x for the probability of the correct side after shifting and γ_t for its exponent:
 *
 *   x  = p                  (y = 1),        x = q = min(s + m, 1) = 1 − p_m    (y = 0)
 *   γ_t = γ+                (y = 1),        γ_t = γ−                          (y = 0)
 *   ℓ  = −w·log(max(x, ε)),  w = (1 − x)^γ_t         (the official code's pt / one_sided_w form)
 *
 * dx/dz = (2y − 1)·p·s·A, where A = 1 except for negatives with p ≤ m (the clamp of q is active,
 * A = 0). d log(max(x, ε))/dx = I/x with I = [x > ε]. dw/dx = −γ_t·(1 − x)^(γ_t − 1). Hence
 *
 *   detached weight (official training):   dℓ/dz = −dx/dz · w·I/x
 *   weight differentiated (paper Eq. 8):   dℓ/dz = −dx/dz · (w·I/x − γ_t·(1 − x)^(γ_t − 1)·log(max(x, ε)))
 *
 * For y = 0 and p > m this gives p_m^γ−·[1/(1 − p_m) − γ−·log(1 − p_m)/p_m]·p(1 − p), paper Eq. 8.
 *
 * Numerics: (1 − x)^(γ_t − 1) is computed as w/(1 − x) with the denominator floored at 1e-30; where
 * 1 − x = 0 the weight is 0 (γ_t > 0) or the term is multiplied by γ_t = 0, so the limit 0 is exact
 * and no 0·∞ appears. A = step(p_m) is only needed when γ− = 0 and m > 0 (otherwise w = p_m^γ− is
 * already 0 there). With |z| ≤ 100 the value and gradient are finite (float32: p rounds to 0 or 1,
 * the ε clamp of the log holds the value at ≤ 18.43 per element, and p·s = 0 kills the gradient
 * exactly as the official code's clamp does).
 * Like the official code (and `asymmetricLoss`), s is computed as 1 − p, so for negatives with
 * z ≳ 9 the float32 cancellation in 1 − p costs relative accuracy in log(1 − p), and beyond the ε
 * clamp (z > 18.4 for m = 0) the gradient is 0 — the official semantics, kept so that the fused and
 * autodiff versions agree; BCE (`bce`, softplus form) has no such limit.
 *
 * Performance note (wasm, measured with bench/losses.bench.ts): the cost is set by a few expensive
 * kernels (sigmoid, log, pow; and maximum/minimum against a scalar, which wasm runs ~30× slower than
 * relu — hence the relu forms of the clamps), not by the number of cheap ones. With them the fused
 * forward + backward costs about 0.7–1.0× the library's BCE (whose softplus is itself expensive).
 * A one-pass kernel written as a JS loop over the wasm heap was tried and was 2–3× slower: scalar
 * Math.exp/log/pow in JS lose to wasm's element-wise kernels, so it was removed.
 */
import * as tf from '@tensorflow/tfjs';
import type { AsymmetricLossOptions } from './asymmetric-loss';

/** Smallest denominator of w/(1 − x) in the differentiated gradient. */
const OM_FLOOR = 1e-30;

/** base^γ with cheap multiplies for small integer exponents (forward only: no gradient flows). */
export function powerForward(base: tf.Tensor, gamma: number): tf.Tensor {
  switch (gamma) {
    case 1:
      return base;
    case 2:
      return tf.square(base);
    case 3:
      return tf.mul(tf.square(base), base);
    case 4:
      return tf.square(tf.square(base));
    default:
      return tf.pow(base, gamma);
  }
}

/** How the fused kernel reduces: `'none'` per element, or `scale · Σ` (sum 1, mean 1/(N·C), …). */
export interface FusedAslReduce {
  /** `'none'` returns `[N, C]`; `'sum'` returns `scale · Σ weight·ℓ`. */
  mode: 'none' | 'sum';
  /** Factor applied to the sum (ignored for `'none'`). Default 1. */
  scale?: number;
  /** Per-element weights `[N, C]` or broadcastable (mask × class weights); not differentiated. */
  weight?: tf.Tensor;
}

/**
 * Fused ASL on checked inputs (no validation here): the per-element matrix or its scaled sum, with
 * the analytic gradient for `o.detachFocalWeight` true or false. Gradient flows to `z` only.
 */
export function aslFusedCore(
  z: tf.Tensor,
  y: tf.Tensor,
  o: Required<Pick<AsymmetricLossOptions, 'gammaNeg' | 'gammaPos' | 'clip' | 'eps' | 'detachFocalWeight'>>,
  reduce: FusedAslReduce,
): tf.Tensor {
  const { gammaNeg, gammaPos, clip, eps, detachFocalWeight } = o;
  const scale = reduce.scale ?? 1;
  const weight = reduce.weight;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const zIn = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    // Cost note: on wasm, maximum/minimum against a scalar run a slow non-SIMD path (~30× a relu), so
    // the clamps are written with relu: min(s + m, 1) = 1 − relu(p − m), max(x, ε) = ε + relu(x − ε).
    const p = tf.sigmoid(zIn);
    const s = tf.sub(1, p);
    const q = clip > 0 ? tf.sub(1, tf.relu(tf.sub(p, clip))) : s;
    // x = y·p + (1 − y)·q
    const x = tf.add(q, tf.mul(y, tf.sub(p, q)));
    const xe = tf.sub(x, eps);
    const xc = tf.add(tf.relu(xe), eps);
    const lx = tf.log(xc);
    const om = tf.sub(1, x);
    // w = (1 − x)^γ_t
    // γ_t per element is only needed by the differentiated gradient (and by the general pow).
    const needGammaT = !detachFocalWeight;
    let w: tf.Tensor | null;
    let gammaT: tf.Tensor | number = 0;
    if (gammaPos === gammaNeg) {
      w = gammaPos === 0 ? null : powerForward(om, gammaPos);
      gammaT = gammaPos;
    } else if (gammaPos === 0) {
      // w = 1 for positives, (1 − x)^γ− for negatives
      const wn = powerForward(om, gammaNeg);
      w = tf.add(wn, tf.mul(y, tf.sub(1, wn)));
      if (needGammaT) gammaT = tf.mul(tf.sub(1, y), gammaNeg);
    } else if (gammaNeg === 0) {
      // w = (1 − x)^γ+ for positives, 1 for negatives
      const wp = powerForward(om, gammaPos);
      w = tf.add(1, tf.mul(y, tf.sub(wp, 1)));
      if (needGammaT) gammaT = tf.mul(y, gammaPos);
    } else {
      gammaT = tf.add(gammaNeg, tf.mul(y, gammaPos - gammaNeg));
      w = tf.pow(om, gammaT);
    }
    let wl = w ? tf.mul(w, lx) : lx;
    if (weight) wl = tf.mul(wl, weight);
    const value = reduce.mode === 'none' ? tf.neg(wl) : tf.mul(tf.sum(wl), -scale);
    const needsA = clip > 0 && gammaNeg === 0;
    // Everything the backward pass reads is saved (the engine keeps saved tensors alive; closures over
    // tensors created inside the caller's gradient scope would be disposed before the backward pass).
    const saved = [p, s, xe, xc, lx, om, y, w ?? tf.scalar(1), typeof gammaT === 'number' ? tf.scalar(gammaT) : gammaT];
    if (weight) saved.push(weight);
    save(saved);
    return {
      value,
      gradFunc: (dy: tf.Tensor, sv: tf.Tensor[]) => {
        const [sp, ss, sxe, sxc, slx, som, sy, sw, sgt, sweight] = sv;
        // (2y − 1)·p·s: the sign of dx/dz times |dσ/dz|.
        let dxdz = tf.mul(tf.mul(sp, ss), tf.sub(tf.mul(sy, 2), 1));
        if (needsA) dxdz = tf.mul(dxdz, tf.step(som));
        // I/x with I = [x > ε]
        const invX = tf.div(tf.step(sxe), sxc);
        let inner: tf.Tensor = w ? tf.mul(sw, invX) : invX;
        if (!detachFocalWeight && !(gammaPos === 0 && gammaNeg === 0)) {
          // γ_t·(1 − x)^(γ_t − 1)·log(max(x, ε)) = γ_t·w/(1 − x)·lx
          const focus = tf.mul(tf.div(tf.mul(sw, slx), tf.add(tf.relu(tf.sub(som, OM_FLOOR)), OM_FLOOR)), sgt);
          inner = tf.sub(inner, focus);
        }
        // dℓ/dz = −dx/dz·inner
        let g = tf.mul(dxdz, inner);
        if (sweight) g = tf.mul(g, sweight);
        return reduce.mode === 'none' ? tf.mul(g, tf.neg(dy)) : tf.mul(g, tf.mul(dy, -scale));
      },
    };
  });
  return f(z) as tf.Tensor;
}
