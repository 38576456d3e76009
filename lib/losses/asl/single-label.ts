/**
 * Single-label (softmax) asymmetric loss, as the official `ASLSingleLabel`
 * (github.com/Alibaba-MIIL/ASL, src/loss_functions/losses.py; asl-reference.md §1.9).
 *
 * With log-probabilities l = log_softmax(z), p = e^l, one-hot T of the labels and C classes:
 *
 *   w_c   = (1 − p_c)^γ+ for the target class,  p_c^γ− for every other class   (NOT detached)
 *   T'    = T·(1 − ε) + ε/C                     (label smoothing, when ε > 0)
 *   ℓ_n   = −Σ_c T'_c · w_c · l_c
 *
 * Defaults (official): γ+ = 0, γ− = 4, ε = 0.1, reduction `'mean'` (mean over the batch; `'sum'` sums,
 * `'none'` returns the per-sample `[N]` values). NOTE: `eps` here is label smoothing, as in the official
 * class (in `asymmetricLoss`, `eps` is the log clamp); `labelSmoothing` is an unambiguous alias.
 * Consequences: ε = 0 and γ+ = 0 → softmax cross-entropy; γ− = 0 → cross-entropy with label smoothing ε;
 * γ− only re-weights the smoothing mass on non-target classes.
 */
import * as tf from '../../core/tf';
import { fail } from '../../core/errors';
import { assertFinite, assertInRange, assertNonEmpty, assertOneOf, assertRank, toTensor } from '../../core/validate';
import { focusingPower } from '../focal';
import { checkOptionKeys } from '../../core/options';

/** Options of {@link asymmetricLossSingleLabel}. */
export interface AsymmetricLossSingleLabelOptions {
  /** γ+, focusing exponent of the target class. Default 0. */
  gammaPos?: number;
  /** γ−, focusing exponent of the other classes. Default 4. */
  gammaNeg?: number;
  /** Label smoothing ε (official name `eps`). Default 0.1. */
  eps?: number;
  /** Alias of `eps` (label smoothing); wins when both are given. */
  labelSmoothing?: number;
  /** `'mean'` (default, over the batch), `'sum'`, or `'none'` (per-sample `[N]`). */
  reduction?: 'mean' | 'sum' | 'none';
  /** Check logits finite and labels in range (reads back). Default true. */
  validate?: boolean;
}

/** The official defaults of {@link asymmetricLossSingleLabel}. */
export const ASL_SINGLE_LABEL_DEFAULTS = Object.freeze({ gammaPos: 0, gammaNeg: 4, eps: 0.1, reduction: 'mean' as const });

/**
 * Softmax ASL of `logits [N, C]` against integer class `labels` (`[N]` int32 tensor or `number[]`).
 *
 * @example
 * asymmetricLossSingleLabel([[2, 0.5, -1, 0], [0.1, 0.2, 3.0, -2]], [0, 1])   // 1.507739
 */
export function asymmetricLossSingleLabel(
  logits: tf.Tensor | number[][],
  labels: tf.Tensor | number[],
  options: AsymmetricLossSingleLabelOptions = {},
): tf.Tensor {
  const fn = 'asymmetricLossSingleLabel';
  if (options === null || typeof options !== 'object') fail(fn, 'options', `must be an object, got ${String(options)}`);
  checkOptionKeys(options, ['gammaPos', 'gammaNeg', 'eps', 'labelSmoothing', 'reduction', 'validate'], fn);
  const gammaPos = assertInRange(options.gammaPos ?? ASL_SINGLE_LABEL_DEFAULTS.gammaPos, { min: 0 }, 'gammaPos', fn);
  const gammaNeg = assertInRange(options.gammaNeg ?? ASL_SINGLE_LABEL_DEFAULTS.gammaNeg, { min: 0 }, 'gammaNeg', fn);
  const eps = assertInRange(
    options.labelSmoothing ?? options.eps ?? ASL_SINGLE_LABEL_DEFAULTS.eps,
    { min: 0, max: 1 },
    options.labelSmoothing !== undefined ? 'labelSmoothing' : 'eps',
    fn,
  );
  const reduction = assertOneOf(options.reduction ?? 'mean', ['mean', 'sum', 'none'] as const, 'reduction', fn);
  const validate = options.validate ?? true;
  return tf.tidy(() => {
    const z = toTensor(logits, 'logits', fn);
    assertRank(z, 2, 'logits', fn);
    assertNonEmpty(z, 'logits', fn);
    const [N, C] = z.shape;
    let lab: tf.Tensor;
    if (labels instanceof tf.Tensor) {
      if (labels.dtype !== 'int32') fail(fn, 'labels', `must be an int32 tensor of class indices, got dtype ${labels.dtype}`);
      lab = labels;
    } else if (Array.isArray(labels)) {
      if (!labels.every((v) => Number.isInteger(v))) fail(fn, 'labels', 'must contain integer class indices');
      lab = tf.tensor1d(labels, 'int32');
    } else {
      return fail(fn, 'labels', 'must be an int32 tf.Tensor or a number[] of class indices');
    }
    assertRank(lab, 1, 'labels', fn);
    if (lab.shape[0] !== N) fail(fn, 'labels', `must have one label per row of 'logits' (${N}), got ${lab.shape[0]}`);
    if (validate) {
      assertFinite(z, 'logits', fn);
      const v = lab.dataSync();
      for (let i = 0; i < v.length; i++) {
        if (v[i] < 0 || v[i] >= C) fail(fn, 'labels', `must be class indices in [0, ${C - 1}], found ${v[i]} at index ${i}`);
      }
    }
    const logP = tf.logSoftmax(z);
    const p = tf.exp(logP);
    const T = tf.oneHot(lab, C).toFloat();
    const anti = tf.sub(1, T);
    // w = T·(1 − p)^γ+ + (1 − T)·p^γ−, each side skipped when its exponent is 0 (no 0^0 gradient)
    const w = tf.add(tf.mul(T, focusingPower(tf.sub(1, p), gammaPos)), tf.mul(anti, focusingPower(p, gammaNeg)));
    const target = eps > 0 ? tf.add(tf.mul(T, 1 - eps), eps / C) : T;
    const perSample = tf.neg(tf.sum(tf.mul(target, tf.mul(w, logP)), 1));
    if (reduction === 'none') return perSample;
    return reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
  });
}
