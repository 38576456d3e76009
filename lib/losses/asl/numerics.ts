/**
 * What the ASL formula (./formula.ts) and the fused kernel (./fused.ts) share: the parameters they
 * read and the cancellation-free logarithm of the shifted probability.
 */
import * as tf from '../../core/tf';

/** The parameters the ASL formula reads. */
export interface AslCoreParams {
  gammaNeg: number;
  gammaPos: number;
  clip: number;
  eps: number;
  detachFocalWeight: boolean;
}

/**
 * log(1 + x), accurate for small |x| (tfjs' own log1p computes log(1 + x) and loses tiny x entirely):
 * Kahan's correction log(u)·x/(u − 1) with u = 1 + x rounded, and x itself where u rounds to 1.
 * For x > −1.
 */
export function log1pAccurate(x: tf.Tensor): tf.Tensor {
  const u = tf.add(1, x);
  const d = tf.sub(u, 1);
  const exact = tf.sub(1, tf.step(tf.abs(d))); // 1 where u rounded to 1
  const corrected = tf.div(tf.mul(tf.log(u), x), tf.add(d, exact));
  return tf.add(tf.mul(exact, x), tf.mul(tf.sub(1, exact), corrected));
}

/**
 * log(max(x, ε)) without cancellation, given o = 1 − x computed exactly: log1p(−o) where x > 1/2
 * (x = 1 − o carries the rounding of 1 − o there, and rounds to 1 when o is tiny), log(max(x, ε))
 * elsewhere. Both branches stay finite, so the blend never meets 0·∞.
 */
export function logOf(x: tf.Tensor, o: tf.Tensor, eps: number): tf.Tensor {
  const near1 = tf.step(tf.sub(0.5, o)); // 1 where o < 1/2
  const small = log1pAccurate(tf.neg(tf.sub(o, tf.relu(tf.sub(o, 0.5))))); // log1p(−min(o, 1/2)), o exact below 1/2
  const large = tf.log(tf.add(tf.relu(tf.sub(x, eps)), eps));
  return tf.add(tf.mul(small, near1), tf.mul(large, tf.sub(1, near1)));
}

/**
 * σ(z) whose gradient is σ(z)·σ(−z), both factors computed directly. tfjs differentiates sigmoid as
 * y·(1 − y) from its output, which is 0 once y rounds to 1 (z ≳ 17 in float32) and inaccurate well
 * before: autodiff through it would lose the gradient of every term that depends on p near 1.
 */
export function exactSigmoid(z: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const p = tf.sigmoid(x);
    const s = tf.sigmoid(tf.neg(x));
    save([p, s]);
    return { value: p, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(saved[0], saved[1])) };
  });
  return f(z) as tf.Tensor;
}
