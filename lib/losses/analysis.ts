/**
 * Loss analysis: the loss and its gradient as functions of the probability p (or the logit z) for
 * a positive or a negative label — the data behind the paper's Figures 2 and 3, for any loss.
 */
import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertOneOf } from '../core/validate';

/**
 * A loss seen element-wise: `(logits [N, C], targets [N, C]) → per-element loss [N, C]`.
 * `(z, y) => asymmetricLoss(z, y, { reduction: 'none' })` is one.
 */
export type ElementwiseLoss = (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Tensor;

export interface LossCurveOptions {
  /** The label of every point: 1 (positive) or 0 (negative). */
  target: 0 | 1;
  /** Grid over probabilities p = σ(z) (default) or over logits z. */
  axis?: 'p' | 'z';
  /** Grid start: default 0.001 for p, −8 for z. */
  from?: number;
  /** Grid end: default 0.999 for p, 8 for z. */
  to?: number;
  /** Number of grid points (default 200). */
  points?: number;
}

/** One curve: parallel arrays over the grid. */
export interface LossCurve {
  target: 0 | 1;
  axis: 'p' | 'z';
  /** The grid values (p or z, following `axis`). */
  x: number[];
  p: number[];
  z: number[];
  /** Per-element loss at each point. */
  loss: number[];
  /** dL/dz at each point, by autodiff through the loss. */
  grad: number[];
}

function linspace(from: number, to: number, points: number): number[] {
  if (points === 1) return [from];
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/**
 * Evaluates `loss` and its autodiff gradient dL/dz on a grid of single-class samples. The samples
 * are independent (one class column), so element-wise losses give each point its own value.
 */
export function lossCurve(loss: ElementwiseLoss, options: LossCurveOptions): LossCurve {
  const fn = 'lossCurve';
  const axis = assertOneOf(options.axis ?? 'p', ['p', 'z'] as const, 'axis', fn);
  if (options.target !== 0 && options.target !== 1) {
    throw new Error(`${fn}: argument 'target' must be 0 or 1, got ${String(options.target)}`);
  }
  const points = Math.round(assertInRange(options.points ?? 200, { min: 1, max: 1e6 }, 'points', fn));
  const from = options.from ?? (axis === 'p' ? 0.001 : -8);
  const to = options.to ?? (axis === 'p' ? 0.999 : 8);
  if (axis === 'p') {
    assertInRange(from, { min: 0, max: 1, minInclusive: false, maxInclusive: false }, 'from', fn);
    assertInRange(to, { min: 0, max: 1, minInclusive: false, maxInclusive: false }, 'to', fn);
  }
  const x = linspace(from, to, points);
  // Logits in float64 first, so p = σ(z) and z = logit(p) are consistent to the last digit.
  const z = axis === 'p' ? x.map((p) => Math.log(p / (1 - p))) : x;
  const p = z.map((v) => 1 / (1 + Math.exp(-v)));
  const [lossValues, gradValues] = tf.tidy(() => {
    const zt = tf.tensor2d(z, [points, 1]);
    const yt = tf.fill([points, 1], options.target) as tf.Tensor2D;
    const values = loss(zt, yt);
    const grad = tf.grad((zz: tf.Tensor) => tf.sum(loss(zz as tf.Tensor2D, yt)))(zt);
    return [values.dataSync(), grad.dataSync()];
  });
  return { target: options.target, axis, x, p, z, loss: Array.from(lossValues), grad: Array.from(gradValues) };
}

/** Scales an array so its maximum absolute value is 1 (as the paper's Figure 3). */
export function normaliseToMax(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return max === 0 ? values.slice() : values.map((v) => v / max);
}
