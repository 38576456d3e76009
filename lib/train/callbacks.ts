/**
 * Training callbacks: hooks the trainer calls at fixed points, plus two built-ins:
 * - {@link ProbabilityTracker}: the mean predicted probability of positives and of negatives per
 *   iteration (the ASL paper's Figure 4, which shows p̄⁻ ≪ p̄⁺ under BCE's imbalance and ASL's
 *   re-balancing).
 * - {@link AdaptiveAsymmetryCallback}: drives the loss's γ− with lib/losses' `AdaptiveAsymmetry`
 *   controller (the paper's Section 3.4 adaptive asymmetry: γ− ← γ− + λ(Δp − Δp_target)).
 *
 * Callbacks with state implement `getState`/`setState` (JSON), so resume continues them exactly.
 * The interface itself lives in ./events.ts; figures of the records are the notebook package's
 * (`probabilityFigure`).
 */
import * as tf from '../core/tf';
import { AdaptiveAsymmetry } from '../losses/adaptive-asymmetry';
import type { AdaptiveAsymmetryOptions, AdaptiveAsymmetryRecord } from '../losses/adaptive-asymmetry';
import type { LossParamValue } from '../losses/types';
import { JUPYTER_DISPLAY, type MimeBundle } from '../core/rich';
import type { BatchEndInfo, TrainingCallback } from './events';

/** One iteration of {@link ProbabilityTracker}. */
export interface ProbabilityRecord {
  step: number;
  epoch: number;
  /** Mean σ(z) over the batch's known positive labels (NaN without any). */
  meanPositive: number;
  /** Mean σ(z) over the batch's known negative labels (NaN without any). */
  meanNegative: number;
}

/** Mean probabilities of positives and negatives, masked, as two numbers (one read-back). */
export function meanProbabilities(logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): { positive: number; negative: number } {
  const v = tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const known = mask ?? tf.onesLike(targets);
    const pos = targets.mul(known);
    const neg = tf.sub(1, targets).mul(known);
    return tf.stack([p.mul(pos).sum(), pos.sum(), p.mul(neg).sum(), neg.sum()]);
  });
  const [sp, np, sn, nn] = v.dataSync();
  v.dispose();
  return { positive: np > 0 ? sp / np : NaN, negative: nn > 0 ? sn / nn : NaN };
}

/** Records the mean probability of positives and negatives at every iteration (paper's Figure 4). */
export class ProbabilityTracker implements TrainingCallback {
  readonly name = 'probability-tracker';
  readonly needsLogits = true;
  records: ProbabilityRecord[] = [];
  /** Track every `every`-th step (default 1). */
  constructor(readonly every = 1) {}

  onBatchEnd(info: BatchEndInfo): void {
    if (!info.logits || info.step % this.every !== 0) return;
    const m = meanProbabilities(info.logits, info.targets, info.mask);
    this.records.push({ step: info.step, epoch: info.epoch, meanPositive: m.positive, meanNegative: m.negative });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const last = this.records[this.records.length - 1];
    const text = last
      ? `probability tracker: ${this.records.length} iterations; last p̄⁺ ${last.meanPositive.toFixed(3)}, p̄⁻ ${last.meanNegative.toFixed(3)}`
      : 'probability tracker: no iterations yet';
    return { 'text/plain': text };
  }

  getState(): unknown {
    return this.records;
  }

  setState(state: unknown): void {
    this.records = (state as ProbabilityRecord[]).map((r) => ({ ...r, meanPositive: r.meanPositive ?? NaN, meanNegative: r.meanNegative ?? NaN }));
  }
}

/**
 * Drives the loss's `gammaNeg` with the adaptive-asymmetry controller: after each step the
 * controller reads the batch's p̄⁺, p̄⁻ and moves γ−; the next step's loss uses the new γ−.
 */
export class AdaptiveAsymmetryCallback implements TrainingCallback {
  readonly name = 'adaptive-asymmetry';
  readonly needsLogits = true;
  controller: AdaptiveAsymmetry;

  constructor(private readonly options: AdaptiveAsymmetryOptions = {}) {
    this.controller = new AdaptiveAsymmetry(options);
  }

  onBatchEnd(info: BatchEndInfo): void {
    if (info.logits) this.controller.update(info.logits, info.targets, info.mask);
  }

  lossParams(): Record<string, LossParamValue> {
    return { gammaNeg: this.controller.gammaNeg };
  }

  getState(): unknown {
    return { gammaNeg: this.controller.gammaNeg, history: this.controller.history };
  }

  setState(state: unknown): void {
    const s = state as { gammaNeg: number; history: AdaptiveAsymmetryRecord[] };
    this.controller = new AdaptiveAsymmetry({ ...this.options, gammaNeg: s.gammaNeg });
    this.controller.history.push(...s.history.map((r) => ({ ...r, pPos: r.pPos ?? NaN, pNeg: r.pNeg ?? NaN, deltaP: r.deltaP ?? NaN })));
  }
}
