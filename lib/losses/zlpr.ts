/**
 * ZLPR ("zero-bounded log-sum-exp & pairwise rank-based") loss, a.k.a. multilabel categorical
 * cross-entropy.
 *
 * Su Jianlin, blog https://kexue.fm/archives/7359 (2020); Su, Zhu, Lu, et al., "ZLPR: A Novel Loss for
 * Multi-label Classification", arXiv 2208.02955 (2022). Per sample (row) n:
 *
 *   ℓ_n = log(1 + Σ_{j ∈ neg(n)} e^{z_j}) + log(1 + Σ_{i ∈ pos(n)} e^{−z_i})
 *
 * computed as log-sum-exp with an appended zero logit. No hyperparameters; the decision threshold is
 * z = 0. With one class it is BCE (log(1 + e^{±z}) = softplus(±z)).
 *
 * Mask: unknown labels belong to neither set. Class weights w_c scale each class's exponential term
 * (log w_c is added inside the log-sum-exp), so w_c = 1 is the plain loss and w_c = 0 drops the class.
 * Reductions act on the per-sample values: `'none'` → `[N]`, `'sum'` → Σ_n, `'mean'`/`'batchmean'` → ÷ N.
 * Default `'mean'` (bert4keras).
 */
import * as tf from '../core/tf';
import { defineLoss } from './define';
import type { Reduction } from './reduction';

/** Large negative used to remove an entry from a log-sum-exp (exp underflows to exactly 0). */
export const LSE_EXCLUDE = -1e9;

/**
 * log(e^{c} + Σ_j e^{t_j}) along `axis` (c = −∞ when `withZero` is false, else c = 0), with an
 * analytic gradient (`tf.customGrad`): ∂/∂t_j = e^{t_j} / (e^{c} + Σ_k e^{t_k}), the softmax weights.
 * Stable: shifted by m = max(t, c). Cheaper than tfjs' autodiff through max (its gradient runs a
 * broadcast Equal, slow on wasm) and through the concat of an appended zero column.
 */
export function shiftedLogSumExp(t: tf.Tensor, axis: number, withZero: boolean): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    let m = tf.max(x, axis, true);
    if (withZero) m = tf.maximum(m, 0);
    const e = tf.exp(tf.sub(x, m));
    let s = tf.sum(e, axis, true);
    if (withZero) s = tf.add(s, tf.exp(tf.neg(m)));
    const weights = tf.div(e, s);
    save([weights]);
    return {
      value: tf.squeeze(tf.add(tf.log(s), m), [axis]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.expandDims(dy, axis), saved[0]),
    };
  });
  return f(t) as tf.Tensor;
}

/** log(1 + Σ_j [keep_j]·w_j·e^{a_j}) per row: log-sum-exp over a row with an appended zero. */
export function logOnePlusSumExp(a: tf.Tensor2D, keep: tf.Tensor, logWeight?: tf.Tensor): tf.Tensor1D {
  let t: tf.Tensor = tf.add(a, tf.mul(tf.sub(1, keep), LSE_EXCLUDE));
  if (logWeight) t = tf.add(t, logWeight);
  return shiftedLogSumExp(t, 1, true) as tf.Tensor1D;
}

/** Per-sample ZLPR values `[N]` (no checks). */
export function zlprPerSample(z: tf.Tensor2D, y: tf.Tensor2D, mask?: tf.Tensor, classWeights?: tf.Tensor): tf.Tensor1D {
  const known = mask ?? tf.onesLike(y);
  const logW = classWeights ? tf.log(tf.maximum(classWeights, 1e-30)) : undefined;
  const negPart = logOnePlusSumExp(z, tf.mul(tf.sub(1, y), known), logW);
  const posPart = logOnePlusSumExp(tf.neg(z) as tf.Tensor2D, tf.mul(y, known), logW);
  return tf.add(negPart, posPart) as tf.Tensor1D;
}

function reduceSamples(perSample: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === 'none') return perSample;
  if (reduction === 'sum') return tf.sum(perSample);
  return tf.mean(perSample);
}

/**
 * ZLPR of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'zlpr'`), per sample then reduced
 * over the batch (mean by default); `'none'` gives the per-sample `[N]` losses.
 *
 * @example
 * zlprLoss(z, y, { mask })
 */
export const zlprLoss = defineLoss({
  name: 'zlpr',
  functionName: 'zlprLoss',
  description: 'ZLPR / multilabel categorical cross-entropy: log(1+Σ_neg e^z) + log(1+Σ_pos e^−z) per sample.',
  paper: 'Su et al., "ZLPR: A Novel Loss for Multi-label Classification", arXiv 2208.02955; kexue.fm/archives/7359.',
  defaultReduction: 'mean',
  forward: (c) => reduceSamples(zlprPerSample(c.z, c.y, c.mask, c.classWeights), c.reduction),
});
