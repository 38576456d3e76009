import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, GradientShareTracker, trainModel } from '../../lib/index';
import { assertClose, setupBackend } from '../helpers';
import { syntheticVectors } from './synthetic';

before(setupBackend);

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const Z = [[-2, 0.5, 1, -1], [3, -0.2, 0, -4]];
const Y = [[1, 0, 0, 0], [1, 0, 0, 1]];

/** BCE's gradient is p − y per label (any reduction scales both sums alike): the share in closed form. */
function bceShare(mask?: number[][]): number {
  let pos = 0;
  let neg = 0;
  Z.forEach((row, i) =>
    row.forEach((z, j) => {
      if (mask && !mask[i][j]) return;
      if (Y[i][j]) pos += 1 - sig(z);
      else neg += sig(z);
    }),
  );
  return neg / (pos + neg);
}

test('GradientShareTracker.onBatchEnd records the closed-form BCE share, with and without a mask, without leaking', () => {
  const tracker = new GradientShareTracker({ name: 'bce', params: { reduction: 'sum' } });
  const mask = [[1, 0, 1, 1], [1, 1, 1, 0]];
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    tracker.onBatchEnd({ epoch: 0, step: 0, loss: 0, lr: 0, logits: tf.tensor2d(Z), targets: tf.tensor2d(Y) });
    tracker.onBatchEnd({ epoch: 0, step: 1, loss: 0, lr: 0, logits: tf.tensor2d(Z), targets: tf.tensor2d(Y), mask: tf.tensor2d(mask) });
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tracker.records.length, 2);
  assertClose(tracker.records[0].negativeShare, bceShare(), 1e-5);
  assertClose(tracker.records[1].negativeShare, bceShare(mask), 1e-5);
  assert.deepEqual([tracker.records[0].positives, tracker.records[0].negatives], [3, 5]);
  assert.deepEqual([tracker.records[1].positives, tracker.records[1].negatives], [2, 4]);
  // A negative below ASL's margin has no gradient: with m = 0.2 the easy negatives drop out of the share.
  const asl = new GradientShareTracker({ name: 'asl', params: { gammaNeg: 0, gammaPos: 0, clip: 0.2 } });
  tf.tidy(() => asl.onBatchEnd({ epoch: 0, step: 0, loss: 0, lr: 0, logits: tf.tensor2d(Z), targets: tf.tensor2d(Y) }));
  let pos = 0;
  let neg = 0;
  Z.flat().forEach((z, i) => {
    const p = sig(z);
    if (Y.flat()[i]) pos += 1 - p;
    else if (p > 0.2) neg += (p * (1 - p)) / (1 - (p - 0.2)); // d/dz of −log(1 − (p − m)) = p(1 − p)/(1 − p + m)
  });
  assertClose(asl.records[0].negativeShare, neg / (pos + neg), 1e-5);
});

test('GradientShareTracker: every-th step, state round trip, input checks', () => {
  const t = new GradientShareTracker('bce', 2);
  tf.tidy(() => {
    for (let step = 0; step < 5; step++) t.onBatchEnd({ epoch: 0, step, loss: 0, lr: 0, logits: tf.tensor2d(Z), targets: tf.tensor2d(Y) });
  });
  assert.deepEqual(t.records.map((r) => r.step), [0, 2, 4]);
  const u = new GradientShareTracker('bce');
  u.setState(JSON.parse(JSON.stringify(t.getState())));
  assert.deepEqual(u.records, t.records);
  // Without logits (the trainer was not asked for them) nothing is recorded.
  tf.tidy(() => u.onBatchEnd({ epoch: 0, step: 6, loss: 0, lr: 0, targets: tf.tensor2d(Y) }));
  assert.equal(u.records.length, 3);
  assert.throws(() => new GradientShareTracker('bce', 0), AslInputError);
  assert.throws(() => new GradientShareTracker('no-such-loss'), AslInputError);
});

test('GradientShareTracker inside trainModel: one record per step, shares in (0, 1)', async () => {
  const data = syntheticVectors({ train: 64, val: 32, classes: 3 });
  const tracker = new GradientShareTracker({ name: 'bce', params: { reduction: 'sum' } });
  await trainModel({ epochs: 2, batchSize: 16, model: { zoo: 'text-mlp', hidden: [8] }, ema: false, loss: { name: 'bce', params: { reduction: 'sum' } } }, { data, callbacks: [tracker], progress: 'none', keepModel: false });
  assert.equal(tracker.records.length, 8);
  assert.deepEqual(tracker.records.map((r) => r.step), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const r of tracker.records) assert.ok(r.negativeShare > 0 && r.negativeShare < 1, `share ${r.negativeShare}`);
});
