/**
 * Flattened image data for fast book experiments: an MLP on the flattened pixels of MultiFashion
 * learns in seconds what the CNNs need many epochs for on this 2-core machine (measured: a
 * `reference-mlp` with one hidden layer of 256 units on 3,000 images of 32×32 reaches ≈ 16 mAP with
 * ASL in 6 epochs, against ≈ 8 for a `reference-cnn` in the same time), so loss ablations with
 * dozens of runs fit the book's time budget.
 *
 * - {@link flattenImageDataset}: a view of any dataset whose batches are reshaped to `[B, H·W·C]`.
 * - {@link loadFlatMultiFashion}: `loadMultiFashion(options)` with both splits flattened (and the
 *   generator's `info`: clean targets, hidden positives).
 * - {@link flatMultiFashionRef}: the serialisable {@link DatasetRef} of the same data, for `runSweep`
 *   workers and the command line (a `module` reference to this file).
 */
import { fail } from '../core/errors';
import { loadMultiFashion, type MultiFashionInfo, type MultiFashionOptions } from '../data/multifashion';
import type { Batch, BatchOptions, DatasetSplits, MultiLabelDataset } from '../data/types';
import type { DatasetRef } from '../train/data-ref';

/**
 * A view of `dataset` whose inputs are flattened to rank 1: `inputShape` `[H, W, C]` becomes
 * `[H·W·C]` and every batch's `x` is reshaped (row-major, the pixel order is unchanged). Targets,
 * masks, order and augmentation are those of the wrapped dataset.
 */
export function flattenImageDataset(dataset: MultiLabelDataset): MultiLabelDataset {
  const fn = 'flattenImageDataset';
  if (!dataset || typeof dataset.batches !== 'function' || !Array.isArray(dataset.inputShape)) {
    fail(fn, 'dataset', `must be a MultiLabelDataset, got ${String(dataset)}`);
  }
  const features = dataset.inputShape.reduce((a, b) => a * b, 1);
  return {
    name: `${dataset.name}-flat`,
    classNames: dataset.classNames,
    inputShape: [features],
    size: dataset.size,
    hasMask: dataset.hasMask,
    targets: () => dataset.targets(),
    async *batches(options: BatchOptions): AsyncIterable<Batch> {
      for await (const batch of dataset.batches(options)) {
        const x = batch.x.reshape([batch.size, features]);
        batch.x.dispose();
        yield { ...batch, x };
      }
    },
  };
}

/** MultiFashion splits with flattened inputs, plus the generator's info. */
export interface FlatMultiFashionSplits extends DatasetSplits {
  info: MultiFashionInfo;
}

/** `loadMultiFashion(options)` (multi-label) with both splits flattened to `[H·W·3]` inputs. */
export async function loadFlatMultiFashion(options: MultiFashionOptions = {}): Promise<FlatMultiFashionSplits> {
  if (options.mode === 'single-label') fail('loadFlatMultiFashion', 'options.mode', "must be 'multi-label' (the default)");
  const splits = await loadMultiFashion(options);
  return { train: flattenImageDataset(splits.train), val: flattenImageDataset(splits.val), info: splits.info };
}

/**
 * The {@link DatasetRef} of `loadFlatMultiFashion(options)`, for `runSweep(spec, { data })`: each
 * worker loads the same flattened data. `options` must be JSON-serialisable.
 */
export function flatMultiFashionRef(options: MultiFashionOptions = {}): DatasetRef {
  return { kind: 'module', module: __filename, exportName: 'loadFlatMultiFashion', args: [options] };
}
