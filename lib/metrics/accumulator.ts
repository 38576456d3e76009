/**
 * Batch-by-batch evaluation: `update(scores, targets, mask?)` per batch, `compute()` at the end,
 * `reset()` for the next epoch. The same internal stages as {@link multiLabelReport} compute the
 * result, so the accumulator and the one-shot function give identical numbers.
 *
 * Memory is what the metrics need: threshold metrics keep only per-class counts (O(K)); exact AP
 * needs every score, so the scores (in their own precision: float32 tensors stay float32) and 0/1
 * targets are kept, O(N·K). With `averagePrecision: false` nothing per sample is kept.
 */
import { fail } from '../core/errors';
import type { BinaryMatrix, DenseMatrix, MetricMatrix } from './matrix';
import {
  _accumulateCounts,
  _multiLabelReportCompute,
  resolveReportOptions,
  type MultiLabelReport,
  type MultiLabelReportOptions,
} from './report';
import { _toThresholdInputs } from './threshold-metrics';

/** Options of {@link MultiLabelMetricAccumulator}. */
export interface MultiLabelMetricAccumulatorOptions extends MultiLabelReportOptions {
  /** Keep scores to compute exact AP/mAP (default true). `false`: threshold metrics only, O(K) memory. */
  averagePrecision?: boolean;
}

const FN = 'MultiLabelMetricAccumulator';

/**
 * Accumulates multi-label scores and targets over batches.
 * @example
 * const acc = new MultiLabelMetricAccumulator({ threshold: 0.8 });
 * for (const batch of batches) acc.update(batch.scores, batch.targets);
 * const report = acc.compute(); // report.mAP (percent), report.CF1, report.perClass, …
 */
export class MultiLabelMetricAccumulator {
  private readonly resolved: ReturnType<typeof resolveReportOptions>;
  private readonly keepScores: boolean;
  private classes: number | undefined;
  private scoreChunks: Array<Float32Array | Float64Array> = [];
  private targetChunks: Uint8Array[] = [];
  private maskChunks: Array<Uint8Array | undefined> = [];
  private counts: ReturnType<typeof _accumulateCounts> | undefined;

  constructor(options: MultiLabelMetricAccumulatorOptions = {}) {
    this.resolved = resolveReportOptions(options, FN, ['averagePrecision']);
    if (options.averagePrecision !== undefined && typeof options.averagePrecision !== 'boolean') {
      fail(FN, 'averagePrecision', `must be a boolean, got ${JSON.stringify(options.averagePrecision)}`);
    }
    this.keepScores = options.averagePrecision ?? true;
    if (this.resolved.classNames) this.classes = this.resolved.classNames.length;
  }

  /** Samples seen since the last reset. */
  get samples(): number {
    return this.counts?.samples ?? 0;
  }

  /**
   * Adds one batch: B×K scores (probabilities in [0, 1], or logits with `scoreType: 'logits'`), B×K 0/1 targets
   * and an optional B×K 0/1 mask of known labels. Tensors are read, not disposed.
   */
  update(scores: MetricMatrix, targets: MetricMatrix, mask?: MetricMatrix): void {
    const fn = `${FN}.update`;
    const inputs = _toThresholdInputs(scores, targets, mask, this.resolved.rule, fn);
    if (this.classes !== undefined && inputs.scores.cols !== this.classes) {
      fail(fn, 'scores', `must have ${this.classes} columns (classes) like the earlier batches or classNames, got ${inputs.scores.cols}`);
    }
    this.classes = inputs.scores.cols;
    this.counts = _accumulateCounts(inputs, this.resolved, this.counts);
    if (this.keepScores) {
      // Copy: a tensor's dataSync() buffer or a caller's array may be reused after this call.
      this.scoreChunks.push(inputs.scores.data.slice());
      this.targetChunks.push(inputs.targets.data);
      this.maskChunks.push(inputs.mask?.data);
    }
  }

  /** The report over every batch since the last reset. Throws if nothing was added. */
  compute(): MultiLabelReport {
    const fn = `${FN}.compute`;
    if (this.counts === undefined || this.classes === undefined) fail(fn, undefined, 'no batch was added (call update first)');
    const k = this.classes;
    const rows = this.counts.samples;
    let inputs;
    if (this.keepScores) {
      const allF32 = this.scoreChunks.every((c) => c instanceof Float32Array);
      const data = allF32 ? new Float32Array(rows * k) : new Float64Array(rows * k);
      const t = new Uint8Array(rows * k);
      const anyMask = this.maskChunks.some((m) => m !== undefined);
      const m = anyMask ? new Uint8Array(rows * k) : undefined;
      let off = 0;
      for (let i = 0; i < this.scoreChunks.length; i++) {
        const chunk = this.scoreChunks[i];
        data.set(chunk, off);
        t.set(this.targetChunks[i], off);
        if (m) {
          const mc = this.maskChunks[i];
          if (mc) m.set(mc, off);
          else m.fill(1, off, off + chunk.length);
        }
        off += chunk.length;
      }
      const scores: DenseMatrix = { data, rows, cols: k };
      const targets: BinaryMatrix = { data: t, rows, cols: k };
      inputs = { scores, targets, mask: m ? { data: m, rows, cols: k } : undefined };
    }
    return _multiLabelReportCompute(inputs, this.counts, this.resolved, fn);
  }

  /** Forgets every batch (keeps the options). */
  reset(): void {
    this.scoreChunks = [];
    this.targetChunks = [];
    this.maskChunks = [];
    this.counts = undefined;
    if (!this.resolved.classNames) this.classes = undefined;
  }
}
