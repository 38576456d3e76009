/**
 * A training callback that records, at every iteration, how the gradient magnitude Σ|dL/dz| of
 * the batch splits between negative and positive labels ({@link gradientShare}), for the loss being
 * trained. Under BCE on multi-label data the negatives — about K − 3 per image against ~3
 * positives — carry most of the gradient; the ASL paper's motivation (Section 1, "imbalance")
 * is exactly this, and ASL's focusing and margin shrink the negatives' share.
 *
 * The trainer hands `onBatchEnd` the batch logits (because `needsLogits` is set), the targets and
 * the known-label mask, but not the loss: the tracker is given the same loss spec as the run (the
 * logits are the forward pass of the step, i.e. before that step's update).
 */
import type * as tf from '../core/tf';
import { fail } from '../core/errors';
import { createLoss } from '../losses/registry';
import type { LossLike, MultiLabelLoss } from '../losses/types';
import type { BatchEndInfo, TrainingCallback } from './events';
import { gradientShare } from '../losses/gradient-share';

/** One iteration of {@link GradientShareTracker}. */
export interface GradientShareRecord {
  step: number;
  epoch: number;
  /** Σ|dL/dz| over the batch's known negatives / (that + the same over positives). */
  negativeShare: number;
  /** Σ|dL/dz| over positives and over negatives. */
  positive: number;
  negative: number;
  /** Known positive and negative labels in the batch. */
  positives: number;
  negatives: number;
}

/**
 * Records {@link GradientShareRecord}s every `every`-th step (default 1) for `loss` (a registry spec
 * or name, normally the run's own `config.loss`). State is JSON, so resumed runs continue it.
 */
export class GradientShareTracker implements TrainingCallback {
  readonly name = 'gradient-share-tracker';
  readonly needsLogits = true;
  records: GradientShareRecord[] = [];
  private readonly loss: MultiLabelLoss;

  constructor(
    loss: LossLike,
    readonly every = 1,
  ) {
    if (!Number.isInteger(every) || every < 1) fail('GradientShareTracker', 'every', `must be a positive integer, got ${String(every)}`);
    this.loss = createLoss(loss);
  }

  onBatchEnd(info: BatchEndInfo): void {
    if (!info.logits || info.step % this.every !== 0) return;
    const mask = info.mask;
    const s = gradientShare(info.logits, info.targets, (z, y) => this.loss.call(z, y, { mask, context: { epoch: info.epoch, step: info.step }, validate: false }), mask);
    this.records.push({ step: info.step, epoch: info.epoch, negativeShare: s.negativeShare, positive: s.positive, negative: s.negative, positives: s.positives, negatives: s.negatives });
  }

  getState(): unknown {
    return this.records;
  }

  setState(state: unknown): void {
    this.records = (state as GradientShareRecord[]).map((r) => ({ ...r, negativeShare: r.negativeShare ?? NaN }));
  }
}

/** Re-export of the tensor type the callback receives, for declaration output. */
export type GradientShareLogits = tf.Tensor;
