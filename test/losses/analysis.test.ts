import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AslInputError,
  aslNegativeGradient,
  asymmetricLoss,
  createLoss,
  effectiveWeight,
  listLosses,
  lossCurve,
  lossCurves,
  normaliseToMax,
} from '../../lib/index';
import { assertClose, assertNoLeak, setupBackend, values } from '../helpers';

// Softmax losses couple the classes of a row: a one-class grid has no curve.
const SINGLE_LABEL = ['softmax-ce', 'softmax-smooth', 'softmax-focal', 'asl-single-label'];

before(setupBackend);

describe('lossCurve / lossCurves / effectiveWeight for any loss', () => {
  test('lossCurve still takes an element-wise function; ASL Eq. 8 gradient on the p grid', () => {
    const c = lossCurve((z: tf.Tensor2D, y: tf.Tensor2D) => asymmetricLoss(z, y, { gammaNeg: 2, gammaPos: 0, clip: 0.1, detachFocalWeight: false, reduction: 'none' }), {
      target: 0,
      points: 50,
    });
    assertClose(c.grad, c.p.map((p) => aslNegativeGradient(p, 2, 0.1)), 2e-6);
    assertClose(c.weight, c.grad.map(Math.abs), 0);
  });
  test('the same curve from a registry name, a spec and a MultiLabelLoss', () => {
    const spec = { name: 'asl', params: { gammaNeg: 2, clip: 0.1, detachFocalWeight: false } };
    const a = lossCurve(spec, { target: 0, points: 20 });
    const b = lossCurve(createLoss(spec), { target: 0, points: 20 });
    assertClose(a.grad, b.grad, 0);
    assertClose(a.grad, a.p.map((p) => aslNegativeGradient(p, 2, 0.1)), 2e-6);
    const bce = lossCurve('bce', { target: 0, axis: 'z', from: -4, to: 4, points: 9 });
    assertClose(bce.grad, bce.p, 1e-6); // BCE: dL/dz = p for a negative
  });
  test('every registered loss gives a curve for positives and negatives (per-sample losses included)', () => {
    for (const name of listLosses().filter((n) => !SINGLE_LABEL.includes(n))) {
      if (name === 'two-way') continue; // batch-coupled: not one value per sample
      const { positive, negative } = lossCurves(name, { points: 11, context: { epoch: 2 } });
      for (const c of [positive, negative]) {
        assert.equal(c.loss.length, 11, name);
        assert.ok(c.loss.every(Number.isFinite) && c.grad.every(Number.isFinite), name);
      }
      // (label smoothing pulls over-confident positives back down, toward p = y′)
      if (name !== 'bce-smooth') assert.ok(positive.grad.every((g) => g <= 1e-7), `${name}: positives pushed up`);
    }
    assert.throws(() => lossCurve('two-way', { target: 1, points: 5 }), /must give one value per sample/);
  });
  test('effectiveWeight = |dL/dz| of the summed loss; unknown labels weigh 0', () => {
    const z = tf.tensor2d([[-3, -0.5, 0.5, 3, -2.94, -2.95, 5]]);
    const y = tf.tensor2d([[0, 0, 0, 0, 1, 0, 0]]);
    assertClose(values(effectiveWeight('asl', z, y)), [0, 0.004022, 0.05903, 0.307731, 0.949789, 0, 0.092849], 1e-5);
    // independent of the loss's default reduction: BCE (mean by default) weight = |p − y|
    const p = values(tf.sigmoid(z));
    assertClose(values(effectiveWeight('bce', z, y)), p.map((pi, i) => Math.abs(pi - (i === 4 ? 1 : 0))), 1e-6);
    const mask = tf.tensor2d([[1, 1, 1, 0, 1, 1, 1]]);
    assert.equal(values(effectiveWeight({ name: 'hill' }, z, y, { mask }))[3], 0);
    assertNoLeak(() => effectiveWeight('focal', z, y).dispose());
    assert.throws(() => effectiveWeight('asl', z, tf.zeros([1, 3])), AslInputError);
    tf.dispose([z, y, mask]);
  });
  test('normaliseToMax', () => {
    assert.deepEqual(normaliseToMax([1, -4, 2]), [0.25, -1, 0.5]);
    assert.deepEqual(normaliseToMax([0, 0]), [0, 0]);
  });
  test('bad options', () => {
    assert.throws(() => lossCurve('asl', { target: 2 as never }), /argument 'target' must be 0 or 1/);
    assert.throws(() => lossCurve('asl', { target: 1, from: 0 }), /argument 'from'/);
    assert.throws(() => lossCurve('nope', { target: 1 }), /unknown loss 'nope'/);
  });
});
