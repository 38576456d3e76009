/**
 * Adaptive asymmetry (ASL paper, Ben-Baruch et al., ICCV 2021, arXiv 2009.14119, v4 §2.7, Eq. 11):
 * a controller that moves γ− during training so that the probability gap Δp reaches a target.
 *
 *   p_t⁺ = mean of p over the positive labels of the batch      (how confident positives are)
 *   p_t⁻ = mean of 1 − p over the negative labels of the batch  (how confident negatives are)
 *   Δp   = p_t⁻ − p_t⁺
 *   γ−  ← clamp(γ− + λ·(Δp − Δp_target), min, max)
 *
 * SIGN CONVENTION (the reference marks it UNVERIFIED, asl-reference.md §1.7–1.8): we use
 * Δp = p_t⁻ − p_t⁺. Why: the paper's probability analysis (v4 Fig. 4) shows CE and focal loss making
 * negatives over-confident (p_t⁻ ≈ 0.99 vs p_t⁺ ≈ 0.79 for CE) and ASL closing that gap; with this sign
 * a gap that favours negatives is positive, so the update raises γ− (more down-weighting of easy
 * negatives) exactly when negatives dominate, and lowers it when positives already are more
 * confident. With the opposite sign the rule would push γ− the wrong way (a positive feedback loop).
 * Δp_target = 0.1 follows a third-party summary of the paper (UNVERIFIED); λ, the initial γ− and the
 * update frequency are not public: the defaults below (λ = 0.01 per batch, γ− from 4, bounds [0, 8])
 * are ours.
 *
 * Guards: a batch with no known positive or no known negative leaves γ− unchanged (Δp undefined);
 * a non-finite Δp or γ− is rejected (γ− unchanged, as the NaN reported in ASL issue #112); γ− is
 * clamped to [min, max]. Probabilities are the raw σ(z), before any probability shifting.
 */
import * as tf from '../core/tf';
import { assertInRange, assertSameShape, toTensor } from '../core/validate';
import { fail } from '../core/errors';

/** Options of {@link AdaptiveAsymmetry}. */
export interface AdaptiveAsymmetryOptions {
  /** Initial γ−. Default 4 (the official training setting). */
  gammaNeg?: number;
  /** λ: step size of the update, per call of `update`. Default 0.01. */
  lambda?: number;
  /** Δp_target. Default 0.1. */
  target?: number;
  /** Lower bound of γ−. Default 0. */
  min?: number;
  /** Upper bound of γ−. Default 8. */
  max?: number;
}

/** One update of the controller (for plots of γ−, p_t⁺, p_t⁻, Δp along training). */
export interface AdaptiveAsymmetryRecord {
  /** 0-based index of the `update` call. */
  step: number;
  /** γ− after this update. */
  gammaNeg: number;
  /** p_t⁺ of the batch (NaN when the batch had no known positive). */
  pPos: number;
  /** p_t⁻ of the batch (NaN when the batch had no known negative). */
  pNeg: number;
  /** Δp = p_t⁻ − p_t⁺ (NaN when undefined). */
  deltaP: number;
  /** Whether γ− was left unchanged by a guard (no positives/negatives, non-finite value). */
  skipped?: boolean;
}

/** The defaults of {@link AdaptiveAsymmetry}. */
export const ADAPTIVE_ASYMMETRY_DEFAULTS: Readonly<Required<AdaptiveAsymmetryOptions>> = Object.freeze({
  gammaNeg: 4,
  lambda: 0.01,
  target: 0.1,
  min: 0,
  max: 8,
});

/**
 * The adaptive-asymmetry controller. Call `update(logits, targets, mask?)` once per batch (it reads
 * back four numbers) and configure the loss with the returned γ−, e.g.
 * `createLoss('asl', { gammaNeg: controller.update(z, y) })`.
 */
export class AdaptiveAsymmetry {
  /** Every update, in order. */
  readonly history: AdaptiveAsymmetryRecord[] = [];
  readonly lambda: number;
  readonly target: number;
  readonly min: number;
  readonly max: number;
  private current: number;

  constructor(options: AdaptiveAsymmetryOptions = {}) {
    const fn = 'AdaptiveAsymmetry';
    if (options === null || typeof options !== 'object') fail(fn, 'options', `must be an object, got ${String(options)}`);
    const o = { ...ADAPTIVE_ASYMMETRY_DEFAULTS };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, number>)[k] = v as number;
    this.min = assertInRange(o.min, { min: 0 }, 'min', fn);
    this.max = assertInRange(o.max, { min: this.min }, 'max', fn);
    this.lambda = assertInRange(o.lambda, { min: 0 }, 'lambda', fn);
    this.target = assertInRange(o.target, { min: -1, max: 1 }, 'target', fn);
    this.current = assertInRange(o.gammaNeg, { min: this.min, max: this.max }, 'gammaNeg', fn);
  }

  /** The current γ−. */
  get gammaNeg(): number {
    return this.current;
  }

  /**
   * Reads the batch's mean probabilities of positives and negatives, updates γ− and returns it.
   * `logits` and `targets` are `[N, C]`; `mask` (1 = known label) restricts both means to known labels.
   */
  update(logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): number {
    const fn = 'AdaptiveAsymmetry.update';
    const [sPos, nPos, sNeg, nNeg] = tf.tidy(() => {
      const z = toTensor(logits, 'logits', fn);
      const y = toTensor(targets, 'targets', fn);
      assertSameShape(z, y, 'logits', 'targets', fn);
      const p = tf.sigmoid(z);
      let pos: tf.Tensor = y;
      let neg: tf.Tensor = tf.sub(1, y);
      if (mask) {
        const m = toTensor(mask, 'mask', fn);
        assertSameShape(z, m, 'logits', 'mask', fn);
        pos = tf.mul(pos, m);
        neg = tf.mul(neg, m);
      }
      return Array.from(
        tf.stack([tf.sum(tf.mul(pos, p)), tf.sum(pos), tf.sum(tf.mul(neg, tf.sub(1, p))), tf.sum(neg)]).dataSync(),
      );
    });
    const pPos = nPos > 0 ? sPos / nPos : NaN;
    const pNeg = nNeg > 0 ? sNeg / nNeg : NaN;
    const deltaP = pNeg - pPos;
    const next = this.current + this.lambda * (deltaP - this.target);
    const skipped = !Number.isFinite(deltaP) || !Number.isFinite(next);
    if (!skipped) this.current = Math.min(this.max, Math.max(this.min, next));
    const record: AdaptiveAsymmetryRecord = { step: this.history.length, gammaNeg: this.current, pPos, pNeg, deltaP };
    if (skipped) record.skipped = true;
    this.history.push(record);
    return this.current;
  }
}
