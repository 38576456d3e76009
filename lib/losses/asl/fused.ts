/**
 * Fused asymmetric loss: the values of the ASL formula (./formula.ts) with a hand-derived gradient
 * (`tf.customGrad`) for both gradient modes, built from few element-wise ops (each tf op has a
 * dispatch cost on wasm), exact for every logit.
 *
 * Derivation (per element, p = σ(z), s = 1 − p = σ(−z), margin m, exponents γ+ / γ−, clamp ε). Write
 * x for the probability of the correct side after shifting, o = 1 − x for the focusing base, γ_t for
 * the exponent of the element's side:
 *
 *   y = 1:  x = p,                     o = s,               γ_t = γ+
 *   y = 0:  x = q = min(s + m, 1),     o = p_m = max(p − m, 0),   γ_t = γ−
 *   ℓ = −w·log(max(x, ε)),   w = o^γ_t          (the official code's pt / one_sided_w form)
 *
 * With I = [x > ε] (the clamp is not active) and A = [p > m] (the clip of q is not active):
 *
 *   d log(max(x, ε))/dz = I·(dx/dz)/x = g,   g = s·I (y = 1),   g = −p·s·A·I/q (y = 0)
 *   dw/dz = γ_t·w·r,                         r = −p (y = 1),    r = p·s·A/o (y = 0)
 *
 *   detached weight (official training):   dℓ/dz = −w·g
 *   weight differentiated (paper Eq. 8):   dℓ/dz = −w·g − γ_t·w·r·log(max(x, ε))
 *
 * For y = 0 and p > m this is p_m^γ−·[1/(1 − p_m) − γ−·log(1 − p_m)/p_m]·p(1 − p), paper Eq. 8.
 *
 * Numerics: every quantity is formed without cancellation — s as σ(−z) (not 1 − p), x by selecting p
 * or q with the 0/1 label (not q + y·(p − q), which cancels p against 1 for positives with very
 * negative logits), o as s or max(p − m, 0) (not 1 − x), log x as log1p(−o) where x is near 1
 * ({@link logOf}), and g without dividing p by itself. The only division, r = p·s/o for negatives,
 * has o floored at 1e-30 (where o = 0, w = 0 and the term vanishes).
 * So value and gradient are within float32 rounding of the exact (float64) formula for z in
 * [−100, 100] and beyond, for both labels and every parameter set; the ε clamp of the log holds each
 * element at ≤ −log ε with zero gradient there, as the official code.
 *
 * Performance note (wasm, bench/losses.bench.ts): the cost is set by a few expensive kernels (sigmoid,
 * log, pow; and maximum/minimum against a scalar, which wasm runs ~30× slower than relu — hence the
 * relu forms of the clamps), not by the number of cheap ones.
 */
import * as tf from '../../core/tf';
import { logOf, type AslCoreParams } from './numerics';

/** Smallest focusing base o in the division r = p·s/o of the differentiated gradient. */
const BASE_FLOOR = 1e-30;

/** base^γ with cheap multiplies for small integer exponents (forward only: no gradient flows). */
export function powerForward(base: tf.Tensor, gamma: number | tf.Tensor): tf.Tensor {
  if (typeof gamma !== 'number') return tf.pow(base, gamma);
  switch (gamma) {
    case 0:
      return tf.onesLike(base);
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

/** max(t, floor) as floor + relu(t − floor) (maximum against a scalar is slow on wasm). */
function floorAt(t: tf.Tensor, floor: number): tf.Tensor {
  return tf.add(tf.relu(tf.sub(t, floor)), floor);
}

/**
 * Fused ASL on checked inputs (no validation here): the per-element matrix or its scaled sum, with
 * the analytic gradient for `o.detachFocalWeight` true or false. Gradient flows to `z` only.
 */
export function aslFusedCore(z: tf.Tensor, y: tf.Tensor, o: AslCoreParams, reduce: FusedAslReduce): tf.Tensor {
  const { gammaNeg, gammaPos, clip, eps, detachFocalWeight } = o;
  const scale = reduce.scale ?? 1;
  const weight = reduce.weight;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const zIn = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const ny = tf.sub(1, y);
    const p = tf.sigmoid(zIn);
    const s = tf.sigmoid(tf.neg(zIn));
    // q = min(s + m, 1) = (s + m) − relu(s + m − 1); p_m = relu(p − m)
    const sm = clip > 0 ? tf.add(s, clip) : s;
    const q = clip > 0 ? tf.sub(sm, tf.relu(tf.sub(sm, 1))) : s;
    const pm = clip > 0 ? tf.relu(tf.sub(p, clip)) : p;
    // x and the focusing base o = 1 − x, selected by the 0/1 label (exact for y ∈ {0, 1})
    const x = tf.add(tf.mul(y, p), tf.mul(ny, q));
    const o = tf.add(tf.mul(y, s), tf.mul(ny, pm));
    const xe = tf.sub(x, eps);
    const lx = logOf(x, o, eps);
    // w = o^γ_t, per side
    let w: tf.Tensor | null = null;
    let gammaT: tf.Tensor | number = 0;
    if (gammaPos === gammaNeg) {
      if (gammaPos !== 0) w = powerForward(o, gammaPos);
      gammaT = gammaPos;
    } else {
      const wp = powerForward(s, gammaPos);
      const wn = powerForward(pm, gammaNeg);
      w = tf.add(tf.mul(y, wp), tf.mul(ny, wn));
      if (!detachFocalWeight) gammaT = tf.add(tf.mul(y, gammaPos), tf.mul(ny, gammaNeg));
    }
    let wl = w ? tf.mul(w, lx) : lx;
    if (weight) wl = tf.mul(wl, weight);
    const value = reduce.mode === 'none' ? tf.neg(wl) : tf.mul(tf.sum(wl), -scale);
    // Everything the backward pass reads is saved (the engine keeps saved tensors alive; closures over
    // tensors created inside the caller's gradient scope would be disposed before the backward pass).
    const saved = [p, s, q, pm, xe, lx, y, w ?? tf.scalar(1), typeof gammaT === 'number' ? tf.scalar(gammaT) : gammaT];
    if (weight) saved.push(weight);
    save(saved);
    return {
      value,
      gradFunc: (dy: tf.Tensor, sv: tf.Tensor[]) => {
        const [sp, ss, sq, spm, sxe, slx, sy, sw, sgt, sweight] = sv;
        const sny = tf.sub(1, sy);
        const I = tf.step(sxe);
        const ps = tf.mul(sp, ss);
        // A = [p > m] matters only when γ− = 0 (otherwise w = p_m^γ− is already 0 where p ≤ m)
        const psA = clip > 0 && gammaNeg === 0 ? tf.mul(ps, tf.step(spm)) : ps;
        // g = s·I (y = 1), −p·s·A·I/q (y = 0); q ≥ ε wherever I = 1
        const gNeg = tf.div(psA, tf.add(tf.relu(tf.sub(sq, eps)), eps));
        const g = tf.mul(I, tf.sub(tf.mul(sy, ss), tf.mul(sny, gNeg)));
        let grad: tf.Tensor = w ? tf.neg(tf.mul(sw, g)) : tf.neg(g);
        if (!detachFocalWeight && !(gammaPos === 0 && gammaNeg === 0)) {
          // r = −p (y = 1), p·s·A/o (y = 0) with o = p_m floored
          const r = tf.sub(tf.mul(sny, tf.div(psA, floorAt(spm, BASE_FLOOR))), tf.mul(sy, sp));
          grad = tf.sub(grad, tf.mul(tf.mul(tf.mul(sgt, sw), r), slx));
        }
        if (sweight) grad = tf.mul(grad, sweight);
        return reduce.mode === 'none' ? tf.mul(grad, dy) : tf.mul(grad, tf.mul(dy, scale));
      },
    };
  });
  return f(z) as tf.Tensor;
}
