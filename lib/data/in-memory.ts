/**
 * A dataset held in memory as flat typed arrays: the simplest {@link MultiLabelDataset}, used for
 * small data, synthetic problems and tests.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { mixSeeds, permutation, seededRandom } from '../core/random';
import type { Batch, BatchOptions, MultiLabelDataset } from './types';

export interface InMemoryDatasetInit {
  name: string;
  classNames: readonly string[];
  /** Shape of one sample. */
  inputShape: readonly number[];
  /** All inputs, row-major `[size, ...inputShape]`. */
  inputs: Float32Array;
  /** All targets, row-major `[size, K]`, values 0/1. */
  targets: Uint8Array;
  /** Optional known-label mask, row-major `[size, K]`. */
  mask?: Uint8Array;
  /** Optional per-batch augmentation of the input tensor (applied when `augment` is requested). */
  augment?: (x: tf.Tensor, random: () => number) => tf.Tensor;
}

/** Row indices of one pass over `size` samples: in order, or shuffled by seed and epoch. */
export function batchOrder(size: number, options: BatchOptions): Uint32Array {
  if (!options.shuffle) return Uint32Array.from({ length: size }, (_, i) => i);
  return permutation(size, seededRandom(mixSeeds(options.seed ?? 0, options.epoch ?? 0)));
}

/** Validates batch options (shared by all datasets). */
export function checkBatchOptions(options: BatchOptions, fn: string): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    fail(fn, 'batchSize', `must be a positive integer, got ${String(options.batchSize)}`);
  }
}

/** The index slices of one pass over `size` samples, one per batch (honours `dropLast`). */
export function* batchSlices(size: number, options: BatchOptions): Generator<Uint32Array> {
  const order = batchOrder(size, options);
  for (let start = 0; start < size; start += options.batchSize) {
    const end = Math.min(start + options.batchSize, size);
    if (options.dropLast && end - start < options.batchSize) break;
    yield order.subarray(start, end);
  }
}

/** The random stream of a pass's augmentations, reproducible from seed and epoch. */
export function batchRandom(options: BatchOptions): () => number {
  return seededRandom(mixSeeds(options.seed ?? 0, options.epoch ?? 0, 7));
}

/**
 * Builds a {@link Batch} from gathered inputs `x` (`[n, ...inputShape]`) and the rows `indices` of
 * row-major `[size, K]` targets (and mask), so every dataset assembles batches the same way.
 */
export function labelledBatch(
  x: Float32Array,
  inputShape: readonly number[],
  indices: ArrayLike<number>,
  k: number,
  targets: ArrayLike<number>,
  mask?: ArrayLike<number>,
): Batch {
  const n = indices.length;
  const y = new Float32Array(n * k);
  const m = mask ? new Float32Array(n * k) : undefined;
  for (let r = 0; r < n; r++) {
    const src = indices[r] * k;
    for (let c = 0; c < k; c++) {
      y[r * k + c] = targets[src + c];
      if (m) m[r * k + c] = mask![src + c];
    }
  }
  return {
    x: tf.tensor(x, [n, ...inputShape]),
    y: tf.tensor2d(y, [n, k]),
    mask: m ? tf.tensor2d(m, [n, k]) : undefined,
    size: n,
    indices: Array.from(indices),
  };
}

export class InMemoryDataset implements MultiLabelDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly inputShape: readonly number[];
  readonly size: number;
  readonly hasMask: boolean;
  private readonly init: InMemoryDatasetInit;
  private readonly sampleSize: number;

  constructor(init: InMemoryDatasetInit) {
    const fn = 'InMemoryDataset';
    const k = init.classNames.length;
    if (k === 0) fail(fn, 'classNames', 'must not be empty');
    this.sampleSize = init.inputShape.reduce((a, b) => a * b, 1);
    const size = init.targets.length / k;
    if (!Number.isInteger(size)) fail(fn, 'targets', `length ${init.targets.length} is not a multiple of ${k} classes`);
    if (init.inputs.length !== size * this.sampleSize) {
      fail(fn, 'inputs', `length ${init.inputs.length} ≠ ${size} samples × ${this.sampleSize} values`);
    }
    if (init.mask && init.mask.length !== init.targets.length) {
      fail(fn, 'mask', `length ${init.mask.length} ≠ targets length ${init.targets.length}`);
    }
    for (let i = 0; i < init.targets.length; i++) {
      if (init.targets[i] > 1) fail(fn, 'targets', `must contain only 0 and 1, found ${init.targets[i]} at index ${i}`);
    }
    this.init = init;
    this.name = init.name;
    this.classNames = init.classNames;
    this.inputShape = init.inputShape;
    this.size = size;
    this.hasMask = !!init.mask;
  }

  async targets(): Promise<Uint8Array> {
    return this.init.targets;
  }

  /** Rows `indices` as tensors (inputs, targets, mask). */
  take(indices: ArrayLike<number>): Batch {
    const n = indices.length;
    const x = new Float32Array(n * this.sampleSize);
    for (let r = 0; r < n; r++) {
      const i = indices[r];
      x.set(this.init.inputs.subarray(i * this.sampleSize, (i + 1) * this.sampleSize), r * this.sampleSize);
    }
    return labelledBatch(x, this.inputShape, indices, this.classNames.length, this.init.targets, this.init.mask);
  }

  async *batches(options: BatchOptions): AsyncIterable<Batch> {
    checkBatchOptions(options, `${this.name}.batches`);
    const random = batchRandom(options);
    for (const indices of batchSlices(this.size, options)) {
      const batch = this.take(indices);
      if (options.augment && this.init.augment) {
        const raw = batch.x;
        batch.x = tf.tidy(() => this.init.augment!(raw, random));
        raw.dispose();
      }
      yield batch;
    }
  }
}
