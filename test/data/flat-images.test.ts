import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, FlattenedDataset, InMemoryDataset, flatMultiFashionRef, flattenImageDataset, flattenSplits, loadDatasetRef, loadFlatMultiFashion, loadMultiFashion } from '../../lib/index';
import { setupBackend } from '../helpers';

test('flattenImageDataset reshapes every batch to [B, H·W·C] in row-major order, keeping targets, mask and order', async () => {
  await setupBackend();
  // 3 samples of 2×2×2: sample i holds the values 8i … 8i+7 in row-major order.
  const inputs = Float32Array.from({ length: 24 }, (_, i) => i);
  const ds = new InMemoryDataset({ name: 'toy', classNames: ['a', 'b'], inputShape: [2, 2, 2], inputs, targets: Uint8Array.from([1, 0, 0, 1, 1, 1]), mask: Uint8Array.from([1, 1, 1, 0, 1, 1]) });
  const flat = flattenImageDataset(ds);
  assert.deepEqual(flat.inputShape, [8]);
  assert.equal(flat.size, 3);
  assert.equal(flat.hasMask, true);
  assert.equal(flat.name, 'toy (flattened)');
  assert.deepEqual(Array.from(await flat.targets()), [1, 0, 0, 1, 1, 1]);
  const before = tf.memory().numTensors;
  const seen: number[][] = [];
  for await (const b of flat.batches({ batchSize: 2, shuffle: true, seed: 3 })) {
    assert.deepEqual(b.x.shape, [b.size, 8]);
    const x = b.x.arraySync() as number[][];
    const y = b.y.arraySync();
    b.indices!.forEach((idx, r) => {
      assert.deepEqual(x[r], Array.from({ length: 8 }, (_, j) => 8 * idx + j));
      assert.deepEqual(y[r], [[1, 0], [0, 1], [1, 1]][idx]);
    });
    assert.ok(b.mask);
    seen.push(b.indices!);
    tf.dispose([b.x, b.y, b.mask]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leak');
  // Same order as the wrapped dataset.
  const order: number[][] = [];
  for await (const b of ds.batches({ batchSize: 2, shuffle: true, seed: 3 })) {
    order.push(b.indices!);
    tf.dispose([b.x, b.y, b.mask]);
  }
  assert.deepEqual(seen, order);
  assert.throws(() => flattenImageDataset(null as never), AslInputError);
  assert.ok(flat instanceof FlattenedDataset);
  const splits = flattenSplits({ train: ds, val: ds, extra: 1 } as never) as unknown as { train: FlattenedDataset; val: FlattenedDataset; extra: number; test?: unknown };
  assert.deepEqual(splits.train.inputShape, [8]);
  assert.deepEqual(splits.val.inputShape, [8]);
  assert.equal(splits.extra, 1);
  assert.equal(splits.test, undefined);
});

test('loadFlatMultiFashion and its DatasetRef load the same flattened MultiFashion as loadMultiFashion', async () => {
  await setupBackend();
  const options = { trainSize: 12, valSize: 6, canvasSize: 16, seed: 1, missingLabelRate: 0.5 };
  const flat = await loadFlatMultiFashion(options);
  const images = await loadMultiFashion(options);
  assert.deepEqual(flat.train.inputShape, [16 * 16 * 3]);
  assert.deepEqual(Array.from(await flat.train.targets()), Array.from(await images.train.targets()));
  assert.equal(flat.info.hiddenPositives, images.info.hiddenPositives);
  assert.ok(flat.info.hiddenPositives > 0);
  const ref = flatMultiFashionRef(options);
  assert.equal(ref.kind, 'flat-multifashion'); // by name: workers installed elsewhere load it too
  const viaRef = await loadDatasetRef(JSON.parse(JSON.stringify(ref)));
  assert.deepEqual(viaRef.val.inputShape, [768]);
  assert.deepEqual(Array.from(await viaRef.val.targets()), Array.from(await images.val.targets()));
  await assert.rejects(loadFlatMultiFashion({ mode: 'single-label' }), AslInputError);
});
