/**
 * Loss analysis: the loss and its gradient as functions of the probability p (or the logit z) for
 * a positive or a negative label — the data behind the paper's Figures 2 and 3, for any loss.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { assertInRange, assertOneOf, assertSameShape, toTensor } from '../core/validate';
import { createLoss } from './registry';
import { checkOptionKeys } from '../core/options';
import { isLoss, type LossContext, type LossLike } from './types';

/**
 * A loss seen element-wise: `(logits [N, C], targets [N, C]) → per-element loss [N, C]`.
 * `(z, y) => asymmetricLoss(z, y, { reduction: 'none' })` is one.
 */
export type ElementwiseLoss = (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Tensor;

/**
 * Anything the analysis utilities accept as a loss: a loss (a definition such as `asymmetricLoss`, a
 * configured loss, a registered name or `{ name, params }`), or an {@link ElementwiseLoss} function.
 */
export type AnalysedLoss = LossLike | ElementwiseLoss;

/** The loss-like part of an {@link AnalysedLoss}, or undefined for a plain element-wise function. */
function asLossLike(loss: AnalysedLoss): LossLike | undefined {
  return typeof loss === 'function' && !isLoss(loss) ? undefined : (loss as LossLike);
}

/**
 * Turns a {@link LossLike} into a per-element function `(z, y) → loss` (reduction `'none'`, value
 * checks off). `context` is passed to registry losses (e.g. SPLC's epoch).
 */
export function toElementwiseLoss(loss: AnalysedLoss, context?: LossContext): ElementwiseLoss {
  const like = asLossLike(loss);
  if (like === undefined) return loss as ElementwiseLoss;
  const l = createLoss(like);
  return (z, y) => l.call(z, y, { reduction: 'none', validate: false, context });
}

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
  /** Training context for registry losses that need one (SPLC's epoch). */
  context?: LossContext;
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
  /** |dL/dz|: the effective weight of a sample at each point (the paper's Fig. 3 quantity). */
  weight: number[];
}

function linspace(from: number, to: number, points: number): number[] {
  if (points === 1) return [from];
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/**
 * Evaluates `loss` and its autodiff gradient dL/dz on a grid of single-class samples. The samples
 * are independent (one class column), so element-wise losses give each point its own value.
 */
export function lossCurve(lossLike: AnalysedLoss, options: LossCurveOptions): LossCurve {
  const fn = 'lossCurve';
  checkOptionKeys(options, ['target', 'axis', 'from', 'to', 'points', 'context'], fn);
  const axis = assertOneOf(options.axis ?? 'p', ['p', 'z'] as const, 'axis', fn);
  if (options.target !== 0 && options.target !== 1) {
    fail(fn, 'target', `must be 0 or 1, got ${String(options.target)}`);
  }
  const loss = toElementwiseLoss(lossLike, options.context);
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
    if (values.size !== points) {
      fail(fn, 'loss', `must give one value per sample (element-wise or per-sample), got shape [${values.shape.join(', ')}] for ${points} points`);
    }
    const grad = tf.grad((zz: tf.Tensor) => tf.sum(loss(zz as tf.Tensor2D, yt)))(zt);
    return [values.dataSync(), grad.dataSync()];
  });
  const grad = Array.from(gradValues);
  return { target: options.target, axis, x, p, z, loss: Array.from(lossValues), grad, weight: grad.map(Math.abs) };
}

/** {@link lossCurve} for a positive and a negative label on the same grid. */
export function lossCurves(loss: AnalysedLoss, options: Omit<LossCurveOptions, 'target'> = {}): { positive: LossCurve; negative: LossCurve } {
  return { positive: lossCurve(loss, { ...options, target: 1 }), negative: lossCurve(loss, { ...options, target: 0 }) };
}

/** Options of {@link effectiveWeight}. */
export interface EffectiveWeightOptions {
  /** Known-label mask (registry losses only): unknown labels get weight 0. */
  mask?: tf.Tensor;
  /** Training context (SPLC's epoch). */
  context?: LossContext;
}

/**
 * The effective weight of every element, |∂L/∂z_nc| with L the SUM of the loss over the batch (so the
 * value does not depend on the batch size or the loss's default reduction): how strongly each
 * (sample, class) pulls on its logit — for ASL, easy negatives get ≈ 0 and suspected missing labels
 * are attenuated. Returns an `[N, C]` tensor (caller owns it). Batch-coupled losses (two-way) are
 * summed over their row and column terms.
 *
 * @example
 * effectiveWeight('asl', z, y)                  // [N, C]
 * effectiveWeight({ name: 'hill' }, z, y).arraySync()
 */
export function effectiveWeight(
  lossLike: AnalysedLoss,
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: EffectiveWeightOptions = {},
): tf.Tensor {
  const fn = 'effectiveWeight';
  checkOptionKeys(options, ['mask', 'context'], fn);
  return tf.tidy(() => {
    const z = toTensor(logits, 'logits', fn);
    const y = toTensor(targets, 'targets', fn);
    assertSameShape(z, y, 'logits', 'targets', fn);
    let total: (t: tf.Tensor) => tf.Tensor;
    const like = asLossLike(lossLike);
    if (like === undefined) {
      if (options.mask) fail(fn, 'mask', 'is only supported for losses (a definition, configured loss, name or spec), not a plain function');
      const elementwise = lossLike as ElementwiseLoss;
      total = (t) => tf.sum(elementwise(t as tf.Tensor2D, y as tf.Tensor2D));
    } else {
      const l = createLoss(like);
      total = (t) => l.call(t, y, { reduction: 'sum', mask: options.mask, context: options.context, validate: false });
    }
    return tf.abs(tf.grad(total)(z));
  });
}

/** Scales an array so its maximum absolute value is 1 (as the paper's Figure 3). */
export function normaliseToMax(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return max === 0 ? values.slice() : values.map((v) => v / max);
}
