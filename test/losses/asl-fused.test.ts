import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, asymmetricLoss, createLoss, seededRandom, type Reduction } from '../../lib/index';
import { ASL_REFERENCE_X, ASL_REFERENCE_Y } from '../fixtures/asl-reference';
import { assertClose, assertNoLeak, setupBackend, values } from '../helpers';

// Reference logits and targets: asl-reference.md §2.6.
const X = ASL_REFERENCE_X;
const Y = ASL_REFERENCE_Y;

function randomBatch(seed: number, n: number, c: number, scale = 4): { z: number[][]; y: number[][]; m: number[][] } {
  const r = seededRandom(seed);
  const rows = (f: () => number) => Array.from({ length: n }, () => Array.from({ length: c }, f));
  return { z: rows(() => (r() * 2 - 1) * scale), y: rows(() => (r() < 0.3 ? 1 : 0)), m: rows(() => (r() < 0.85 ? 1 : 0)) };
}

function valueAndGrad(loss: ReturnType<typeof createLoss>, z: number[][], y: number[][], opts: Parameters<ReturnType<typeof createLoss>['call']>[2] = {}) {
  return tf.tidy(() => {
    const yt = tf.tensor2d(y);
    const f = (t: tf.Tensor) => tf.sum(loss.call(t, yt, opts)) as tf.Scalar;
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(z));
    return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
  });
}

before(setupBackend);

describe("fused ASL (asymmetricLoss, createLoss('asl'))", () => {
  test('reference values of asl-reference.md §2.6 (all configs, three reductions)', () => {
    const cases: Array<[number, number, number, number, number, number]> = [
      [0, 0, 0, 14.204402, 7.102201, 1.0146],
      [2, 2, 0, 11.072286, 5.536143, 0.790878],
      [4, 1, 0.05, 6.879844, 3.439922, 0.491417],
      [4, 0, 0.05, 7.388686, 3.694343, 0.527763],
      [2, 0, 0.2, 5.36961, 2.684805, 0.383544],
    ];
    for (const [gammaNeg, gammaPos, clip, sum, batchmean, mean] of cases) {
      const o = { gammaNeg, gammaPos, clip };
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'sum' })), sum, 1e-5 * sum);
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'batchmean' })), batchmean, 1e-5 * batchmean);
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'mean' })), mean, 1e-5);
    }
  });

  test('reference gradients, weight detached and differentiated (Eq. 8)', () => {
    const detached = valueAndGrad(createLoss('asl'), X, Y).grad;
    assertClose(detached, [0, 3e-6, 0.000578, 0.018639, -0.268941, -0.119203, -0.017986, 0, 0.004022, 0.05903, 0.307731, -0.949789, 0, 0.092849], 1e-5);
    const eq8 = valueAndGrad(createLoss('asl', { detachFocalWeight: false }), X, Y).grad;
    assertClose(eq8, [0, 1.3e-5, 0.002618, 0.073117, -0.268941, -0.119203, -0.017986, 0, 0.01713, 0.208874, 0.617138, -0.949789, 0, 0.156913], 1e-5);
  });

  test('equals the autodiff implementation to 1e-5 on random inputs: both modes, many settings, all reductions, masks', () => {
    const settings = [
      [4, 0, 0.05],
      [4, 1, 0.05],
      [2, 0, 0.2],
      [0, 0, 0],
      [0, 1, 0.1],
      [3, 3, 0],
      [2.5, 0.5, 0.05],
      [1, 0, 0.3],
      [0.5, 0.25, 0],
    ];
    const reductions: Reduction[] = ['sum', 'mean', 'batchmean', 'none'];
    let seed = 1;
    for (const [gammaNeg, gammaPos, clip] of settings) {
      for (const detachFocalWeight of [true, false]) {
        for (const reduction of reductions) {
          for (const withMask of [false, true]) {
            const { z, y, m } = randomBatch(seed++, 5, 9);
            const params = { gammaNeg, gammaPos, clip, detachFocalWeight };
            const opts = { reduction, mask: withMask ? tf.tensor2d(m) : undefined, classWeights: withMask ? [1, 2, 0.5, 1, 1, 3, 1, 0, 1] : undefined };
            const fused = valueAndGrad(createLoss('asl', params), z, y, opts);
            const auto = valueAndGrad(createLoss('asl', { ...params, implementation: 'autodiff' }), z, y, opts);
            opts.mask?.dispose();
            const what = `(${gammaNeg}, ${gammaPos}, ${clip}) detach=${detachFocalWeight} ${reduction} mask=${withMask}`;
            assertClose(fused.value, auto.value, 1e-5 * Math.max(1, Math.abs(auto.value)), `value ${what}`);
            assertClose(fused.grad, auto.grad, 1e-5, `grad ${what}`);
          }
        }
      }
    }
  });

  test('extreme logits |z| ≤ 100: value and gradient finite in both modes, fractional exponents included', () => {
    const zs = [-100, -88, -50, -20, -17, -1e-3, 0, 1e-3, 17, 20, 50, 88, 100];
    const z = [zs, zs];
    const y = [zs.map(() => 0), zs.map(() => 1)];
    for (const [gammaNeg, gammaPos, clip] of [[4, 0, 0.05], [0.5, 0.3, 0], [0, 0.5, 0.1], [0, 0, 0], [2, 2, 0], [0.7, 0, 0.05]]) {
      for (const detachFocalWeight of [true, false]) {
        const loss = createLoss('asl', { gammaNeg, gammaPos, clip, detachFocalWeight });
        const { value, grad } = valueAndGrad(loss, z, y, { reduction: 'none' });
        assert.ok(Number.isFinite(value), `value (${gammaNeg}, ${gammaPos}, ${clip}) ${detachFocalWeight}`);
        grad.forEach((g, i) => assert.ok(Number.isFinite(g), `grad index ${i} = ${g} (${gammaNeg}, ${gammaPos}, ${clip}) ${detachFocalWeight}`));
        // Positives are pushed up, negatives down (or not at all).
        grad.forEach((g, i) => assert.ok(i < zs.length ? g >= 0 : g <= 0, `sign at ${i}: ${g}`));
      }
    }
  });

  test('per-element values equal the autodiff implementation with reduction none', () => {
    assertClose(values(createLoss('asl').call(tf.tensor2d(X), tf.tensor2d(Y), { reduction: 'none' })), values(asymmetricLoss(X, Y, { reduction: 'none', implementation: 'autodiff' })), 1e-6);
  });

  test('mask: mean divides by the number of known labels', () => {
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 1, 1]]);
    const sum = values(asymmetricLoss(X, Y, { mask, reduction: 'sum' }))[0];
    const mean = values(asymmetricLoss(X, Y, { mask, reduction: 'mean' }))[0];
    assertClose(mean, sum / 12, 1e-6);
    assertClose(sum, 7.388686 - 1.545391 - 2.991516, 1e-4);
    mask.dispose();
  });

  test('input errors name the loss and the argument', () => {
    const throwsNamed = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof AslInputError && pattern.test((e as Error).message));
    throwsNamed(() => asymmetricLoss(X, [[0, 1]]), /asl\.call: argument 'targets' must have the shape of 'logits' \[2, 7\], got \[1, 2\]/);
    throwsNamed(() => asymmetricLoss(X, Y, { mask: tf.ones([2, 6]) }), /argument 'mask' must have the shape/);
    throwsNamed(() => asymmetricLoss(X, Y, { mask: tf.fill([2, 7], 0.5) }), /argument 'mask' must contain only 0 and 1/);
    throwsNamed(() => asymmetricLoss(X, Y, { classWeights: [1, 2] }), /'classWeights' must have length C = 7/);
    throwsNamed(() => asymmetricLoss(X, Y, { classWeights: [1, 1, 1, 1, 1, 1, -1] }), /'classWeights' must be ≥ 0/);
    throwsNamed(() => asymmetricLoss(X, Y, { gammaNeg: -1 }), /asymmetricLoss: argument 'gammaNeg' must be a finite number in \[0, 20\], got -1/);
    throwsNamed(() => asymmetricLoss(X, Y, { reduction: 'avg' as never }), /'reduction' must be one of/);
    throwsNamed(() => asymmetricLoss([[NaN, 0, 0, 0, 0, 0, 0], X[1]], Y), /'logits' must be finite/);
  });

  test('no tensor leaks: value, gradient, every reduction, with mask and class weights', () => {
    const z = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const mask = tf.onesLike(y);
    for (const detachFocalWeight of [true, false]) {
      const loss = createLoss('asl', { detachFocalWeight, gammaPos: 1 });
      for (const reduction of ['sum', 'mean', 'batchmean', 'none'] as Reduction[]) {
        assertNoLeak(() => loss.call(z, y, { reduction, mask }).dispose(), reduction);
        assertNoLeak(() => tf.tidy(() => { loss.call(z, y, { reduction, mask, classWeights: [1, 1, 1, 2, 1, 1, 1] }); }), `${reduction} tidy`);
        assertNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(loss.call(t, y, { reduction, mask })))(z).dispose(), `${reduction} grad`);
      }
    }
    tf.dispose([z, y, mask]);
  });
});
