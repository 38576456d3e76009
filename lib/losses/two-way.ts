/**
 * Two-way multi-label loss.
 *
 * Kobayashi, "Two-way Multi-Label Loss", CVPR 2023; official code tk1980/TwoWayMultiLabelLoss.
 * For a set of logits with positives P and negatives N (a row = one sample across classes, or a
 * column = one class across the batch):
 *
 *   t = softplus( T_n·LSE_{j∈N}(z_j / T_n) + T_p·LSE_{i∈P}(−z_i / T_p) )
 *
 * (a soft maximum over negatives minus a soft minimum over positives). The loss is the mean of t over
 * the samples that have at least one positive plus the mean of t over the classes that have at least
 * one positive in the batch. A row or column without negatives contributes softplus(−∞) = 0.
 * Defaults: T_p = 4, T_n = 1 (official code), reduction `'mean'` (the official definition).
 *
 * Mask: unknown labels belong to neither set (the official code's target −1). Class weights: log w_c is
 * added inside the sample-direction log-sum-exps and the class-direction terms are averaged with
 * weights w_c. Reductions: `'mean'` and `'batchmean'` as above; `'sum'` sums t over valid rows and
 * columns; `'none'` returns the `[N + C]` vector of row terms then column terms (0 where invalid).
 * The loss couples the samples of a batch (the class direction needs the whole batch).
 */
import * as tf from '../core/tf';
import { defineLoss } from './define';
import { param } from './params';
import { LSE_EXCLUDE, shiftedLogSumExp } from './zlpr';

/** LSE over `axis` of a/T restricted to `keep`, times T; ≈ −1e9·T when the set is empty. */
function softMax(a: tf.Tensor, keep: tf.Tensor, temperature: number, axis: number, extra?: tf.Tensor): tf.Tensor {
  let t = tf.add(tf.div(a, temperature), tf.mul(tf.sub(1, keep), LSE_EXCLUDE));
  if (extra) t = tf.add(t, extra);
  return tf.mul(shiftedLogSumExp(t, axis, false), temperature);
}

/** Row terms `[N]`, column terms `[C]` and their validity (≥ 1 positive), no checks. */
export function twoWayTerms(
  z: tf.Tensor2D,
  y: tf.Tensor2D,
  o: { tPos: number; tNeg: number },
  mask?: tf.Tensor,
  classWeights?: tf.Tensor,
): { rows: tf.Tensor; cols: tf.Tensor; rowValid: tf.Tensor; colValid: tf.Tensor } {
  const known = mask ?? tf.onesLike(y);
  const pos = tf.mul(y, known);
  const neg = tf.mul(tf.sub(1, y), known);
  const logW = classWeights ? tf.log(tf.maximum(classWeights, 1e-30)) : undefined;
  const rows = tf.softplus(tf.add(softMax(z, neg, o.tNeg, 1, logW), softMax(tf.neg(z), pos, o.tPos, 1, logW)));
  const cols = tf.softplus(tf.add(softMax(z, neg, o.tNeg, 0), softMax(tf.neg(z), pos, o.tPos, 0)));
  let colValid: tf.Tensor = tf.step(tf.sum(pos, 0));
  if (classWeights) colValid = tf.mul(colValid, tf.reshape(classWeights, [-1]));
  return { rows, cols, rowValid: tf.step(tf.sum(pos, 1)), colValid };
}

/**
 * Two-way loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry `'two-way'`): the sample-wise
 * and class-wise terms; `'none'` gives the `[N + C]` terms (rows first), `'mean'` (default) the sum of
 * the two means over valid rows and columns.
 *
 * @example
 * twoWayLoss(z, y, { tPos: 4, tNeg: 1 })
 */
export const twoWayLoss = defineLoss({
  name: 'two-way',
  functionName: 'twoWayLoss',
  description: 'Two-way multi-label loss: softplus(soft-max negatives − soft-min positives), per sample and per class.',
  paper: 'Kobayashi, "Two-way Multi-Label Loss", CVPR 2023.',
  params: {
    tPos: param.number(4, 'T_p: temperature of the soft minimum over positives', { min: 0.01, max: 100 }),
    tNeg: param.number(1, 'T_n: temperature of the soft maximum over negatives', { min: 0.01, max: 100 }),
  },
  defaultReduction: 'mean',
  forward: (c, params) => {
    const t = twoWayTerms(c.z, c.y, params, c.mask, c.classWeights);
    const rows = tf.mul(t.rows, t.rowValid);
    const cols = tf.mul(t.cols, t.colValid);
    if (c.reduction === 'none') return tf.concat([rows, cols], 0);
    if (c.reduction === 'sum') return tf.add(tf.sum(rows), tf.sum(cols));
    const meanOf = (v: tf.Tensor, w: tf.Tensor) => tf.div(tf.sum(v), tf.maximum(tf.sum(w), 1e-12));
    return tf.add(meanOf(rows, t.rowValid), meanOf(cols, t.colValid));
  },
});
