/** The single-label (softmax) losses on one-hot targets, and the trainer's single-label task. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, InMemoryDataset, createLoss, trainModel } from '../../lib/index';
import { assertClose, setupBackend } from '../helpers';

before(setupBackend);

// asl-reference.md §2 (single-label, float64): logits, targets [0, 1] as one-hot rows.
const Z = [[2, 0.5, -1, 0], [0.1, 0.2, 3.0, -2]];
const Y = [0, 1];
const ONE_HOT = Y.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0)));

const lossOf = (name: string, params: Record<string, number> = {}) =>
  tf.tidy(() => createLoss(name, params).call(tf.tensor2d(Z), tf.tensor2d(ONE_HOT)).dataSync()[0]);

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

describe('softmax losses (one-hot targets)', () => {
  test('match the reference values: CE, label smoothing 0.1, ASL defaults and its identities', () => {
    assertClose(lossOf('softmax-ce'), 1.628986, 1e-5);
    assertClose(lossOf('softmax-smooth'), 1.703986, 1e-5);
    assertClose(lossOf('softmax-smooth', { smoothing: 0 }), 1.628986, 1e-5);
    assertClose(lossOf('asl-single-label'), 1.507739, 1e-5);
    assertClose(lossOf('asl-single-label', { gammaNeg: 0 }), 1.703986, 1e-5);
    assertClose(lossOf('asl-single-label', { gammaPos: 1 }), 1.322257, 1e-5);
  });
  test('focal matches a hand computation, and γ = 0 is CE', () => {
    assertClose(lossOf('softmax-focal'), focalByHand(2), 1e-5);
    assertClose(lossOf('softmax-focal', { gamma: 0 }), 1.628986, 1e-5);
  });
  test("'none' gives per-sample values; masks do not apply; no tensors left", () => {
    const per = tf.tidy(() => Array.from(createLoss('softmax-ce').call(tf.tensor2d(Z), tf.tensor2d(ONE_HOT), { reduction: 'none' }).dataSync()));
    assert.equal(per.length, 2);
    assertClose((per[0] + per[1]) / 2, 1.628986, 1e-5);
    assert.throws(() => tf.tidy(() => createLoss('softmax-ce').call(tf.tensor2d(Z), tf.tensor2d(ONE_HOT), { mask: tf.onesLike(tf.tensor2d(Z)) })), /does not apply to a single-label/);
    const before = tf.memory().numTensors;
    lossOf('softmax-smooth');
    assert.equal(tf.memory().numTensors, before);
    assert.throws(() => createLoss('softmax-smooth', { smoothing: 2 }), AslInputError);
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

describe("trainModel({ task: 'single-label' })", () => {
  const data = { train: blobs(150, 1), val: blobs(60, 2) };
  test('learns separable blobs with every softmax loss, deterministically and without leaking tensors', async () => {
    for (const loss of ['softmax-ce', 'softmax-smooth', 'softmax-focal', 'asl-single-label']) {
      const before = tf.memory().numTensors;
      const config = { task: 'single-label' as const, loss, epochs: 4, lr: 1e-2, batchSize: 16, ema: false as const, model: { zoo: 'reference-mlp' as const, hidden: [16] } };
      const a = await trainModel(config, { data, progress: 'none', keepModel: false });
      assert.equal(tf.memory().numTensors, before, `${loss} leaked tensors`);
      const last = a.history.records[3];
      assert.ok(last.valAccuracy > 90, `${loss}: accuracy ${last.valAccuracy}`);
      assert.ok(last.valMacroF1 > 90, `${loss}: macro-F1 ${last.valMacroF1}`);
      const b = await trainModel(config, { data, progress: 'none', keepModel: false });
      assert.deepEqual(b.history.records.map((h) => h.trainLoss), a.history.records.map((h) => h.trainLoss));
    }
  });
});
