/**
 * Asymmetric Loss (ASL) for multi-label classification.
 *
 * Ben-Baruch, Ridnik, Zamir, Noy, Friedman, Protter, Zelnik-Manor, "Asymmetric Loss For Multi-Label
 * Classification", ICCV 2021, arXiv:2009.14119. Matches `AsymmetricLoss` in the official code
 * (github.com/Alibaba-MIIL/ASL, src/loss_functions/losses.py).
 *
 * With p = σ(z) and the shifted probability p_m = max(p − m, 0):
 *
 *   L+ = (1 − p)^γ+ · log(p)                 (positives, y = 1)
 *   L− = p_m^γ− · log(1 − p_m)               (negatives, y = 0)
 *   loss = −y·L+ − (1 − y)·L−
 *
 * Asymmetric focusing (γ− > γ+) softly down-weights easy negatives; probability shifting (m > 0)
 * discards negatives with p < m and attenuates very hard ones (possible missing labels).
 */
import * as tf from '@tensorflow/tfjs';
import {
  assertBinary,
  assertFinite,
  assertInRange,
  assertNonEmpty,
  assertRank,
  assertSameShape,
  toTensor,
} from '../core/validate';
import { AslInputError } from '../core/errors';
import { stopGradient } from './detach';
import { checkReduction, reduceLoss, type Reduction } from './reduction';

/** Options of {@link asymmetricLoss}; every field is optional and defaults to {@link ASL_DEFAULTS}. */
export interface AsymmetricLossOptions {
  /** γ− (paper), `gamma_neg` (code): focusing exponent of negatives. Default 4. */
  gammaNeg?: number;
  /**
   * γ+ (paper), `gamma_pos` (code): focusing exponent of positives. Default 0, the paper's setting
   * and the official training script's. NOTE: the official class default is 1.
   */
  gammaPos?: number;
  /** m (paper, "probability margin"), `clip` (code): shift of negative probabilities. Default 0.05; 0 disables. */
  clip?: number;
  /** Clamp of the log argument, log(max(x, eps)), as the official code. Default 1e-8. */
  eps?: number;
  /** Default `'sum'` as the official code (sum over batch and classes). See {@link Reduction}. */
  reduction?: Reduction;
  /**
   * Treat the focusing weight (1 − p_t)^γ as a constant in the backward pass, as the official
   * training script (`disable_torch_grad_focal_loss=True`). `false` differentiates through it,
   * which gives the paper's Eq. 8 gradient. Default true. The forward value is the same.
   */
  detachFocalWeight?: boolean;
  /** Check targets ⊂ {0,1} and logits finite (reads values back). Default true. */
  validate?: boolean;
}

/** The defaults of {@link asymmetricLoss}: the official training setting (γ− = 4, γ+ = 0, m = 0.05). */
export const ASL_DEFAULTS: Readonly<Required<AsymmetricLossOptions>> = Object.freeze({
  gammaNeg: 4,
  gammaPos: 0,
  clip: 0.05,
  eps: 1e-8,
  reduction: 'sum',
  detachFocalWeight: true,
  validate: true,
});

const FN = 'asymmetricLoss';

/** Checks and completes the options (exported for the fused implementation and the registry). */
export function resolveAslOptions(options: AsymmetricLossOptions = {}, fn = FN): Required<AsymmetricLossOptions> {
  if (options === null || typeof options !== 'object') {
    throw new AslInputError(fn, 'options', `must be an object, got ${String(options)}`);
  }
  const o = { ...ASL_DEFAULTS, ...stripUndefined(options) };
  assertInRange(o.gammaNeg, { min: 0 }, 'gammaNeg', fn);
  assertInRange(o.gammaPos, { min: 0 }, 'gammaPos', fn);
  assertInRange(o.clip, { min: 0, max: 1, maxInclusive: false }, 'clip', fn);
  assertInRange(o.eps, { min: 0, max: 1, maxInclusive: false }, 'eps', fn);
  checkReduction(o.reduction, fn);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Converts and checks `(logits, targets)` for a multi-label loss: both 2-D `[N, C]`, same shape,
 * non-empty; with `validate`, logits finite and targets in {0, 1}.
 */
export function checkLossInputs(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  fn: string,
  validate: boolean,
): { z: tf.Tensor2D; y: tf.Tensor2D } {
  const z = toTensor(logits, 'logits', fn);
  const y = toTensor(targets, 'targets', fn);
  assertRank(z, 2, 'logits', fn);
  assertSameShape(z, y, 'logits', 'targets', fn);
  assertNonEmpty(z, 'logits', fn);
  if (validate) {
    assertFinite(z, 'logits', fn);
    assertBinary(y, 'targets', fn);
  }
  return { z: z as tf.Tensor2D, y: y as tf.Tensor2D };
}

/**
 * The asymmetric loss of `logits` (`[N, C]`, raw scores, not probabilities) against multi-hot
 * `targets` (`[N, C]`, 0/1). Returns a scalar, or the `[N, C]` per-element loss with
 * `reduction: 'none'`. The caller owns the returned tensor; intermediates are disposed.
 *
 * Numerics: as the official code, the log arguments are clamped at `eps` (each term ≥ log 1e-8 ≈ −18.4,
 * zero gradient in the clamped region) and p_m is computed as 1 − min(1 − p + m, 1).
 *
 * @example
 * asymmetricLoss([[-1, 2]], [[0, 1]])                 // γ−=4, γ+=0, m=0.05, sum
 * asymmetricLoss(z, y, { gammaNeg: 0, gammaPos: 0, clip: 0 })   // = BCE (sum)
 * @see notebooks/01-asymmetric-loss.ipynb
 */
export function asymmetricLoss(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: AsymmetricLossOptions = {},
): tf.Tensor {
  const o = resolveAslOptions(options);
  return tf.tidy(() => {
    const { z, y } = checkLossInputs(logits, targets, FN, o.validate);
    return reduceLoss(aslElementwise(z, y, o), o.reduction);
  });
}

/** The per-element ASL matrix (no checks, no reduction); differentiable in `z`. */
export function aslElementwise(z: tf.Tensor, y: tf.Tensor, o: Required<AsymmetricLossOptions>): tf.Tensor {
  const p = tf.sigmoid(z);
  // Probability shifting: 1 − p_m = min(1 − p + m, 1) (official "asymmetric clipping").
  let xsNeg: tf.Tensor = tf.sub(1, p);
  if (o.clip > 0) xsNeg = tf.minimum(tf.add(xsNeg, o.clip), 1);
  let logPos: tf.Tensor = tf.log(tf.maximum(p, o.eps));
  let logNeg: tf.Tensor = tf.log(tf.maximum(xsNeg, o.eps));
  // Asymmetric focusing. Each side is weighted separately, so a zero exponent never differentiates
  // 0^0 (the official single-pow form has the same forward value).
  if (o.gammaPos > 0) {
    const w = tf.pow(tf.sub(1, p), o.gammaPos);
    logPos = tf.mul(logPos, o.detachFocalWeight ? stopGradient(w) : w);
  }
  if (o.gammaNeg > 0) {
    const w = tf.pow(tf.sub(1, xsNeg), o.gammaNeg);
    logNeg = tf.mul(logNeg, o.detachFocalWeight ? stopGradient(w) : w);
  }
  const ll = tf.add(tf.mul(y, logPos), tf.mul(tf.sub(1, y), logNeg));
  return tf.neg(ll);
}
