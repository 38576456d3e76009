/**
 * The dataset interface shared by every dataset and loader, the trainer and the statistics helpers.
 * Datasets stream batches, so a COCO-sized dataset never has to fit in memory.
 */
import type * as tf from '../core/tf';

/** One batch. The consumer owns (and must dispose) the tensors. */
export interface Batch {
  /** Inputs: `[B, ...inputShape]` (images `[B, H, W, C]` in [0, 1], or features `[B, F]`). */
  x: tf.Tensor;
  /** Multi-hot targets `[B, K]` (0/1). */
  y: tf.Tensor2D;
  /** Known-label mask `[B, K]` (1 = known, 0 = unknown), where labels can be unknown. */
  mask?: tf.Tensor2D;
  /** Number of samples in this batch (the last batch may be smaller). */
  size: number;
  /** Sample indices in the dataset, in batch order. */
  indices?: number[];
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle; with `epoch` the order is reproducible (default 0). */
  seed?: number;
  /** Epoch number mixed into the shuffle seed, so every epoch has its own order (default 0). */
  epoch?: number;
  /** Apply the dataset's training augmentation, if it has one (default false). */
  augment?: boolean;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

/** A multi-label dataset (one split). */
export interface MultiLabelDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  /** Shape of one input sample, e.g. `[64, 64, 3]` or `[4096]`. */
  readonly inputShape: readonly number[];
  /** Number of samples. */
  readonly size: number;
  /** Whether batches carry a known-label mask. */
  readonly hasMask: boolean;
  /** Batches in order (or shuffled by seed and epoch). */
  batches(options: BatchOptions): AsyncIterable<Batch>;
  /** The multi-hot targets of all samples, row-major `[size, K]` (for statistics; small memory). */
  targets(): Promise<Uint8Array>;
}

/** The splits of a dataset. */
export interface DatasetSplits {
  train: MultiLabelDataset;
  val: MultiLabelDataset;
  test?: MultiLabelDataset;
}

/**
 * A serialisable reference to a dataset, so that sweep workers, queue workers and the command line
 * load the same data by description (./dataset-ref.ts `loadDatasetRef`).
 */
export type DatasetRef =
  /** MultiFashion (lib/data `loadMultiFashion`) with its options. */
  | { kind: 'multifashion'; options?: Record<string, unknown> }
  /** Debtags (lib/data `loadDebtags`) with its options. */
  | { kind: 'debtags'; options?: Record<string, unknown> }
  /** A fixed-budget Debtags subset (lib/data `loadDebtagsSubset`) with its options. */
  | { kind: 'debtags-subset'; options?: Record<string, unknown> }
  /** MultiFashion flattened to vectors (lib/data `loadFlatMultiFashion`) with its options. */
  | { kind: 'flat-multifashion'; options?: Record<string, unknown> }
  /** `require(module)[exportName](...args)` returning `DatasetSplits` (or a promise of it). */
  | { kind: 'module'; module: string; exportName: string; args?: unknown[] };
