/**
 * Training smoke tests: a tiny model trained for a few seconds on MultiFashion and on Debtags must
 * reach a validation mAP well above chance (the mAP of random scores on the same targets). This
 * shows the data are learnable end to end (loader → batches → tfjs → mAP), not how well a real
 * model does (the book's chapters do that).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadDebtags, loadMultiFashion, meanAveragePrecision, seededRandom, type MultiLabelDataset } from '../../lib/index';
import { setupBackend } from '../helpers';
import { tempDir } from './fixtures';

before(async () => {
  process.env.ASL_CACHE_DIR = tempDir('asl-cache-');
  await setupBackend();
});

async function validationMap(model: tf.LayersModel, ds: MultiLabelDataset, flatten: boolean): Promise<{ map: number; chance: number }> {
  const scores: number[][] = [];
  const targets: number[][] = [];
  for await (const b of ds.batches({ batchSize: 256 })) {
    const p = tf.tidy(() => tf.sigmoid(model.predict(flatten ? tf.reshape(b.x, [b.size, -1]) : b.x) as tf.Tensor));
    scores.push(...(p.arraySync() as number[][]));
    targets.push(...(b.y.arraySync() as number[][]));
    tf.dispose([p, b.x, b.y]);
  }
  const random = seededRandom(9);
  const chance = meanAveragePrecision(scores.map((r) => r.map(() => random())), targets);
  return { map: meanAveragePrecision(scores, targets), chance };
}

async function fit(model: tf.LayersModel, ds: MultiLabelDataset, epochs: number, lr: number, flatten: boolean, maxBatches = Infinity) {
  const optimizer = tf.train.adam(lr);
  for (let epoch = 0; epoch < epochs; epoch++) {
    let n = 0;
    for await (const b of ds.batches({ batchSize: 64, shuffle: true, seed: 1, epoch })) {
      if (n++ < maxBatches) {
        optimizer.minimize(() => {
          const x = flatten ? tf.reshape(b.x, [b.size, -1]) : b.x;
          return tf.losses.sigmoidCrossEntropy(b.y, model.apply(x) as tf.Tensor) as tf.Scalar;
        });
      }
      tf.dispose([b.x, b.y]);
    }
  }
  optimizer.dispose();
}

test('MultiFashion (32×32): an MLP reaches a validation mAP several times chance', async () => {
  const s = await loadMultiFashion({ trainSize: 3000, valSize: 500, canvasSize: 32, source: 'shipped' });
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [32 * 32 * 3], units: 512, activation: 'relu' }), tf.layers.dense({ units: 80 })],
  });
  await fit(model, s.train, 6, 2e-3, true);
  const { map, chance } = await validationMap(model, s.val, true);
  console.log(`MultiFashion smoke: mAP ${map.toFixed(2)} (chance ${chance.toFixed(2)})`);
  assert.ok(map > 2.5 * chance && map > 10, `mAP ${map} vs chance ${chance}`);
  model.dispose();
});

test('Debtags (2^12 hashed features): a linear model reaches a validation mAP several times chance', async () => {
  const s = await loadDebtags({ featureDim: 1 << 12 });
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1 << 12], units: s.train.classNames.length })] });
  await fit(model, s.train, 1, 2e-2, false, 150);
  const { map, chance } = await validationMap(model, s.val, false);
  console.log(`Debtags smoke: mAP ${map.toFixed(2)} (chance ${chance.toFixed(2)})`);
  assert.ok(map > 5 * chance && map > 15, `mAP ${map} vs chance ${chance}`);
  model.dispose();
});
