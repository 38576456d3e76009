import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, InMemoryDataset, singleLabelLossFn, singleLabelMetrics, trainSingleLabel } from '../../lib/index';
import { assertClose, setupBackend } from '../helpers';

before(setupBackend);

// asl-reference.md §2 (single-label, float64): logits, targets [0, 1].
const Z = [[2, 0.5, -1, 0], [0.1, 0.2, 3.0, -2]];
const Y = [0, 1];

const lossOf = (spec: Parameters<typeof singleLabelLossFn>[0]) =>
  tf.tidy(() => singleLabelLossFn(spec)(tf.tensor2d(Z), tf.tensor1d(Y, 'int32')).dataSync()[0]);

/** Hand computation: softmax focal loss −(1 − p_y)^γ log p_y, mean over rows. */
function focalByHand(gamma: number): number {
  let s = 0;
  Z.forEach((row, i) => {
    const m = Math.max(...row);
    const den = row.reduce((a, v) => a + Math.exp(v - m), 0);
    const p = Math.exp(row[Y[i]] - m) / den;
    s += -Math.pow(1 - p, gamma) * Math.log(p);
  });
  return s / Z.length;
}

describe('singleLabelLossFn(spec)', () => {
  test('matches the reference values: CE, label smoothing 0.1, ASL defaults', () => {
    assertClose(lossOf({ name: 'ce' }), 1.628986, 1e-5);
    assertClose(lossOf({ name: 'label-smoothing' }), 1.703986, 1e-5);
    assertClose(lossOf({ name: 'label-smoothing', eps: 0 }), 1.628986, 1e-5);
    assertClose(lossOf({ name: 'asl' }), 1.507739, 1e-5);
    assertClose(lossOf({ name: 'asl', gammaNeg: 0 }), 1.703986, 1e-5);
    assertClose(lossOf({ name: 'asl', gammaPos: 1 }), 1.322257, 1e-5);
  });
  test('focal matches a hand computation, and γ = 0 is CE', () => {
    assertClose(lossOf({ name: 'focal' }), focalByHand(2), 1e-5);
    assertClose(lossOf({ name: 'focal', gamma: 0 }), 1.628986, 1e-5);
  });
  test('leaves no tensors behind and rejects unknown names and bad ε', () => {
    const before = tf.memory().numTensors;
    lossOf({ name: 'label-smoothing' });
    assert.equal(tf.memory().numTensors, before);
    assert.throws(() => singleLabelLossFn({ name: 'nope' } as never), AslInputError);
    assert.throws(() => singleLabelLossFn({ name: 'label-smoothing', eps: 2 }), AslInputError);
  });
});

describe('singleLabelMetrics(predicted, labels, numClasses)', () => {
  test('accuracy and macro-F1 by hand', () => {
    // class 0: tp 1 → F1 1; class 1: tp 1, fp 1 → 2/3; class 2: tp 1, fn 1 → 2/3
    const m = singleLabelMetrics([0, 1, 1, 2], [0, 1, 2, 2], 3);
    assertClose(m.accuracy, 75, 1e-9);
    assertClose(m.macroF1, (100 * (1 + 2 / 3 + 2 / 3)) / 3, 1e-4);
  });
  test('rejects mismatched lengths and out-of-range classes', () => {
    assert.throws(() => singleLabelMetrics([0], [0, 1], 2), AslInputError);
    assert.throws(() => singleLabelMetrics([0, 3], [0, 1], 2), /predicted/);
    assert.throws(() => singleLabelMetrics([], [], 2), AslInputError);
  });
});

/** Three well-separated Gaussian blobs in 2-D, one-hot targets. */
function blobs(n: number, seed: number): InMemoryDataset {
  const centres = [[2, 0], [-2, 2], [-2, -2]];
  const inputs = new Float32Array(n * 2);
  const targets = new Uint8Array(n * 3);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    inputs[2 * i] = centres[c][0] + rnd();
    inputs[2 * i + 1] = centres[c][1] + rnd();
    targets[3 * i + c] = 1;
  }
  return new InMemoryDataset({ name: 'blobs', classNames: ['a', 'b', 'c'], inputShape: [2], inputs, targets });
}

describe('trainSingleLabel(config, { data })', () => {
  const data = { train: blobs(150, 1), val: blobs(60, 2) };
  test('learns separable blobs with every loss, deterministically and without leaking tensors', async () => {
    for (const loss of [{ name: 'ce' }, { name: 'label-smoothing' }, { name: 'focal' }, { name: 'asl' }] as const) {
      const before = tf.memory().numTensors;
      const config = { loss, epochs: 4, lr: 1e-2, batchSize: 16, model: { zoo: 'reference-mlp' as const, hidden: [16] } };
      const a = await trainSingleLabel(config, { data });
      assert.equal(tf.memory().numTensors, before, `${loss.name} leaked tensors`);
      assert.ok(a.final.valAccuracy > 90, `${loss.name}: accuracy ${a.final.valAccuracy}`);
      assert.equal(a.history.length, 4);
      assert.equal(a.confusion.flat().reduce((x, y) => x + y, 0), 60);
      const b = await trainSingleLabel(config, { data });
      assert.deepEqual(b.history.map((h) => h.trainLoss), a.history.map((h) => h.trainLoss));
    }
  });
  test('rejects a bad epoch count', async () => {
    await assert.rejects(trainSingleLabel({ loss: { name: 'ce' }, epochs: 0 }, { data }), AslInputError);
  });
});
