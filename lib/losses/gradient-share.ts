/**
 * Where the gradient comes from: how much of the total gradient magnitude Σ|dL/dz| on a batch is
 * contributed by negative labels versus positive labels. With BCE on multi-label data the negatives
 * dominate (each image has few positives and many negatives) — the imbalance ASL addresses.
 */
import * as tf from '../core/tf';
import { assertRank, assertSameShape, toTensor } from '../core/validate';

export interface GradientShare {
  /** Σ |dL/dz| over positive labels. */
  positive: number;
  /** Σ |dL/dz| over negative labels. */
  negative: number;
  /** negative / (positive + negative); NaN when both are 0. */
  negativeShare: number;
  /** Number of positive and negative (known) labels in the batch. */
  positives: number;
  negatives: number;
}

/**
 * Splits the gradient magnitude of `loss(logits, targets)` (a scalar) between positive and negative
 * labels. Labels with `mask` 0 are left out of both sums.
 */
export function gradientShare(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  loss: (logits: tf.Tensor, targets: tf.Tensor) => tf.Tensor,
  mask?: tf.Tensor | number[][],
): GradientShare {
  const fn = 'gradientShare';
  const [pos, neg, nPos, nNeg] = tf.tidy(() => {
    const z = toTensor(logits, 'logits', fn);
    const y = toTensor(targets, 'targets', fn);
    assertRank(z, 2, 'logits', fn);
    assertSameShape(z, y, 'logits', 'targets', fn);
    const m = mask === undefined ? tf.onesLike(y) : toTensor(mask, 'mask', fn);
    assertSameShape(z, m, 'logits', 'mask', fn);
    const g = tf.abs(tf.grad((t: tf.Tensor) => loss(t, y))(z));
    const posW = tf.mul(y, m);
    const negW = tf.mul(tf.sub(1, y), m);
    return [tf.sum(tf.mul(g, posW)), tf.sum(tf.mul(g, negW)), tf.sum(posW), tf.sum(negW)].map((t) => t.dataSync()[0]);
  });
  const total = pos + neg;
  return { positive: pos, negative: neg, negativeShare: total === 0 ? NaN : neg / total, positives: nPos, negatives: nNeg };
}
