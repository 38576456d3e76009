import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AslInputError,
  asymmetricLoss as aslEntry,
  aslValue,
  aslNegativeGradient,
  aslNegativeGradientDetached,
  aslPositiveGradient,
  aslPositiveGradientDetached,
} from '../../lib/index';
import { ASL_REFERENCE_X, ASL_REFERENCE_Y } from '../fixtures/asl-reference';
import { assertClose, assertNoLeak, finiteDifferences, setupBackend, values } from '../helpers';

// Reference logits and targets: asl-reference.md §2.6.
const X = ASL_REFERENCE_X;
const Y = ASL_REFERENCE_Y;

// This file checks the formula as written (implementation 'autodiff'); asl-fused.test.ts checks the
// fused default against it and the same references; asl-exact.test.ts both against float64.
const asymmetricLoss = (z: Parameters<typeof aslEntry>[0], y: Parameters<typeof aslEntry>[1], o: Parameters<typeof aslEntry>[2] = {}) =>
  aslEntry(z, y, { implementation: 'autodiff', ...o });

const gradOf = (options: Parameters<typeof asymmetricLoss>[2]) =>
  values(tf.tidy(() => tf.grad((z: tf.Tensor) => asymmetricLoss(z, tf.tensor2d(Y), options))(tf.tensor2d(X))));

before(setupBackend);

describe('asymmetricLoss(logits, targets) reference values (asl-reference.md §2.6)', () => {
  const cases: Array<[string, number, number, number, number, number, number]> = [
    // name, γ−, γ+, clip, sum, batchmean, mean
    ['BCE (0, 0, 0)', 0, 0, 0, 14.204402, 7.102201, 1.0146],
    ['focal (2, 2, 0)', 2, 2, 0, 11.072286, 5.536143, 0.790878],
    ['repo default (4, 1, 0.05)', 4, 1, 0.05, 6.879844, 3.439922, 0.491417],
    ['train.py (4, 0, 0.05)', 4, 0, 0.05, 7.388686, 3.694343, 0.527763],
    ['Fig. 4 setting (2, 0, 0.2)', 2, 0, 0.2, 5.36961, 2.684805, 0.383544],
  ];
  for (const [name, gammaNeg, gammaPos, clip, sum, batchmean, mean] of cases) {
    test(`${name}: sum, batchmean and mean reductions`, () => {
      const o = { gammaNeg, gammaPos, clip };
      // float32 tensors: relative agreement to ~1e-6 of the value.
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'sum' })), sum, 1e-5 * sum);
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'batchmean' })), batchmean, 1e-5 * batchmean);
      assertClose(values(asymmetricLoss(X, Y, { ...o, reduction: 'mean' })), mean, 1e-5);
    });
  }

  test('per-element values with reduction none, train.py config', () => {
    const out = asymmetricLoss(X, Y, { reduction: 'none' });
    assert.deepEqual(out.shape, [2, 7]);
    assertClose(values(out), [
      0, 2e-6, 0.000568, 0.024515, 0.313262, 0.126928, 0.01815,
      0, 0.004567, 0.091253, 1.545391, 2.991516, 0, 2.272535,
    ], 1e-5);
  });

  test('defaults are the official training setting (γ−=4, γ+=0, m=0.05, sum, detached weight)', () => {
    assert.deepEqual(
      { ...aslEntry.defaults },
      { gammaNeg: 4, gammaPos: 0, clip: 0.05, eps: 1e-8, detachFocalWeight: true, implementation: 'fused', reduction: 'sum' },
    );
    assertClose(values(asymmetricLoss(X, Y)), 7.388686, 1e-4);
  });
});

describe('asymmetricLoss gradients', () => {
  test('weight differentiated (paper Eq. 8) matches the reference to 1e-5', () => {
    assertClose(gradOf({ detachFocalWeight: false }), [
      0, 1.3e-5, 0.002618, 0.073117, -0.268941, -0.119203, -0.017986,
      0, 0.01713, 0.208874, 0.617138, -0.949789, 0, 0.156913,
    ], 1e-5);
  });

  test('weight detached (official train.py) matches the reference to 1e-5', () => {
    assertClose(gradOf({ detachFocalWeight: true }), [
      0, 3e-6, 0.000578, 0.018639, -0.268941, -0.119203, -0.017986,
      0, 0.004022, 0.05903, 0.307731, -0.949789, 0, 0.092849,
    ], 1e-5);
  });

  test('differentiated gradient equals central finite differences of the float64 closed form', () => {
    for (const [gammaNeg, gammaPos, clip] of [[4, 0, 0.05], [2, 1, 0.2], [0, 0, 0], [3, 2, 0]]) {
      const flat = X.flat();
      const yFlat = Y.flat() as Array<0 | 1>;
      const total = (z: number[]) => z.reduce((s, zi, i) => s + aslValue(zi, yFlat[i], gammaNeg, gammaPos, clip), 0);
      const fd = finiteDifferences(total, flat, 1e-5);
      assertClose(gradOf({ gammaNeg, gammaPos, clip, detachFocalWeight: false }), fd, 2e-5, `(${gammaNeg},${gammaPos},${clip})`);
    }
  });

  test('autodiff equals the closed forms of Eq. 8 and of the detached gradient on a grid', () => {
    const ps = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
    const z = ps.map((p) => Math.log(p / (1 - p)));
    for (const detach of [false, true]) {
      const o = { gammaNeg: 2, gammaPos: 1, clip: 0.1, detachFocalWeight: detach };
      for (const y of [0, 1] as const) {
        const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => asymmetricLoss(t, tf.fill([1, ps.length], y), o))(tf.tensor2d([z]))));
        const closed = ps.map((p) =>
          y === 0
            ? (detach ? aslNegativeGradientDetached : aslNegativeGradient)(p, 2, 0.1)
            : (detach ? aslPositiveGradientDetached : aslPositiveGradient)(p, 1),
        );
        assertClose(g, closed, 2e-6, `y=${y} detach=${detach}`);
      }
    }
  });

  test('special cases: ASL(0,0,0) = BCE and ASL(γ,γ,0) = focal', () => {
    const bce = values(tf.tidy(() => tf.losses.sigmoidCrossEntropy(tf.tensor2d(Y), tf.tensor2d(X), undefined, 0, tf.Reduction.SUM)));
    assertClose(values(asymmetricLoss(X, Y, { gammaNeg: 0, gammaPos: 0, clip: 0 })), bce, 1e-4);
    const focal = X.flat().reduce((s, z, i) => {
      const p = 1 / (1 + Math.exp(-z));
      const y = Y.flat()[i];
      return s - (y ? (1 - p) ** 2 * Math.log(p) : p ** 2 * Math.log(1 - p));
    }, 0);
    assertClose(values(asymmetricLoss(X, Y, { gammaNeg: 2, gammaPos: 2, clip: 0 })), focal, 1e-4);
  });
});

describe('asymmetricLoss input checks', () => {
  const throwsNamed = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof AslInputError && pattern.test((e as Error).message));

  test('shape mismatch names both shapes', () =>
    throwsNamed(() => asymmetricLoss([[1, 2]], [[1, 0, 1]]), /argument 'targets' must have the shape of 'logits' \[1, 2\], got \[1, 3\]/));
  test('non-2-D logits', () => throwsNamed(() => asymmetricLoss(tf.tensor1d([1, 2]), tf.tensor1d([0, 1])), /'logits' must be 2-D/));
  test('NaN logits name the position', () =>
    throwsNamed(() => asymmetricLoss([[0, NaN]], [[0, 1]]), /'logits' must be finite, found NaN at row 0, column 1/));
  test('Infinity logits', () => throwsNamed(() => asymmetricLoss([[Infinity, 0]], [[0, 1]]), /must be finite/));
  test('targets other than 0/1', () =>
    throwsNamed(() => asymmetricLoss([[0, 1]], [[0, 0.5]]), /'targets' must contain only 0 and 1, found 0.5 at row 0, column 1/));
  test('empty batch', () => throwsNamed(() => asymmetricLoss(tf.zeros([0, 3]), tf.zeros([0, 3])), /must not be empty/));
  test('bad options', () => {
    throwsNamed(() => asymmetricLoss(X, Y, { gammaNeg: -1 }), /asymmetricLoss: argument 'gammaNeg' must be a finite number in \[0, 20\]/);
    throwsNamed(() => asymmetricLoss(X, Y, { clip: 1 }), /'clip'/);
    throwsNamed(() => asymmetricLoss(X, Y, { reduction: 'avg' as never }), /'reduction' must be one of 'none', 'mean', 'sum', 'batchmean'/);
    throwsNamed(() => asymmetricLoss([[1, 2]], [[0, 1]], { gamaNeg: 0 } as never), /asymmetricLoss: unknown option 'gamaNeg' \(did you mean 'gammaNeg'\?/);
  });
  test('validate: false skips value checks (for the training loop)', () => {
    assert.doesNotThrow(() => values(asymmetricLoss([[0, 1]], [[0, 0.5]], { validate: false })));
  });
  test('no tensor leaks, value and gradient', () => {
    const z = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    // The function may only leave its result behind: disposing it restores the count.
    assertNoLeak(() => asymmetricLoss(z, y).dispose());
    assertNoLeak(() => asymmetricLoss(z, y, { reduction: 'none' }).dispose());
    assertNoLeak(() => tf.grad((t: tf.Tensor) => asymmetricLoss(t, y, { detachFocalWeight: false }))(z).dispose());
    z.dispose();
    y.dispose();
  });
});
