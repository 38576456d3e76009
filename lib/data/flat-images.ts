/**
 * Flattened image data for fast book experiments: an MLP on the flattened pixels of MultiFashion
 * learns in seconds what the CNNs need many epochs for on this 2-core machine (measured: a
 * `reference-mlp` with one hidden layer of 256 units on 3,000 images of 32×32 reaches ≈ 16 mAP with
 * ASL in 6 epochs, against ≈ 8 for a `reference-cnn` in the same time), so loss ablations with
 * dozens of runs and several seeds fit the book's time budget.
 *
 * - {@link FlattenedDataset} / {@link flattenImageDataset}: a view of any image dataset (`[H, W, C]`
 *   samples) whose batches are reshaped to `[B, H·W·C]`.
 * - {@link flattenSplits}: every split of a splits object flattened (other properties kept).
 * - {@link loadFlatMultiFashion}: `loadMultiFashion(options)` with its splits flattened (and the
 *   generator's `info`: clean targets, hidden positives).
 * - {@link flatMultiFashionRef}: the serialisable {@link DatasetRef} of the same data, for `runSweep`
 *   workers and the command line (a `module` reference to this file).
 */
import type * as tf from '../core/tf';
import { fail } from '../core/errors';
import { loadMultiFashion, type MultiFashionInfo, type MultiFashionOptions } from './multifashion';
import type { Batch, BatchOptions, DatasetSplits, MultiLabelDataset, DatasetRef } from './types';

/**
 * A view of `source` whose inputs are flattened to rank 1: `inputShape` `[H, W, C]` becomes
 * `[H·W·C]` and every batch's `x` is reshaped (row-major, the pixel order is unchanged). Targets,
 * masks, order and augmentation are those of the wrapped dataset.
 */
export class FlattenedDataset implements MultiLabelDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly inputShape: readonly number[];
  readonly size: number;
  readonly hasMask: boolean;

  constructor(readonly source: MultiLabelDataset) {
    if (!source || typeof source.batches !== 'function' || !Array.isArray(source.inputShape)) {
      fail('FlattenedDataset', 'source', `must be a MultiLabelDataset, got ${String(source)}`);
    }
    this.name = `${source.name} (flattened)`;
    this.classNames = source.classNames;
    this.inputShape = [source.inputShape.reduce((a, b) => a * b, 1)];
    this.size = source.size;
    this.hasMask = source.hasMask;
  }

  async *batches(options: BatchOptions): AsyncIterable<Batch> {
    for await (const batch of this.source.batches(options)) {
      const x: FlattenedTensor = batch.x.reshape([batch.size, this.inputShape[0]]);
      batch.x.dispose();
      yield { ...batch, x };
    }
  }

  targets(): Promise<Uint8Array> {
    return this.source.targets();
  }
}

/** The flattened batch input type (`[B, H·W·C]`). */
export type FlattenedTensor = tf.Tensor2D;

/** `new FlattenedDataset(dataset)`: `dataset` with its inputs flattened to `[H·W·C]`. */
export function flattenImageDataset(dataset: MultiLabelDataset): MultiLabelDataset {
  return new FlattenedDataset(dataset);
}

/** Every split of `splits` flattened (other properties of the splits object are kept). */
export function flattenSplits<T extends DatasetSplits>(splits: T): T {
  return {
    ...splits,
    train: new FlattenedDataset(splits.train),
    val: new FlattenedDataset(splits.val),
    ...(splits.test ? { test: new FlattenedDataset(splits.test) } : {}),
  };
}

/** MultiFashion splits with flattened inputs, plus the generator's info. */
export interface FlatMultiFashionSplits extends DatasetSplits {
  info: MultiFashionInfo;
}

/** `loadMultiFashion(options)` (multi-label) with its splits flattened to `[H·W·3]` inputs. */
export async function loadFlatMultiFashion(options: MultiFashionOptions = {}): Promise<FlatMultiFashionSplits> {
  if (options.mode === 'single-label') fail('loadFlatMultiFashion', 'options.mode', "must be 'multi-label' (the default)");
  const splits = await loadMultiFashion(options);
  return { train: new FlattenedDataset(splits.train), val: new FlattenedDataset(splits.val), info: splits.info };
}

/**
 * The {@link DatasetRef} of `loadFlatMultiFashion(options)`, for `runSweep(spec, { data })`: each
 * worker loads the same flattened data. `options` must be JSON-serialisable.
 */
export function flatMultiFashionRef(options: MultiFashionOptions = {}): DatasetRef {
  return { kind: 'flat-multifashion', options: { ...options } };
}
