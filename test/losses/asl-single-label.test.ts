import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, asymmetricLossSingleLabel, ASL_SINGLE_LABEL_DEFAULTS } from '../../lib/index';
import { assertClose, assertNoLeak, finiteDifferences, setupBackend, values } from '../helpers';

// asl-reference.md §2.6, single-label reference values.
const Z = [
  [2, 0.5, -1, 0],
  [0.1, 0.2, 3.0, -2],
];
const LABELS = [0, 1];

/** float64 re-implementation of the official ASLSingleLabel forward (asl-reference.md §1.9). */
function reference(z: number[][], labels: number[], gammaPos: number, gammaNeg: number, eps: number): number {
  let total = 0;
  z.forEach((row, n) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const C = row.length;
    row.forEach((v, c) => {
      const logp = v - lse;
      const p = Math.exp(logp);
      const isT = c === labels[n];
      const w = isT ? (1 - p) ** gammaPos : p ** gammaNeg;
      const t = (isT ? 1 : 0) * (1 - eps) + eps / C;
      total -= t * w * logp;
    });
  });
  return total / z.length;
}

before(setupBackend);

describe('asymmetricLossSingleLabel(logits, labels, options)', () => {
  test('reference values: defaults 1.507739, γ−=0 1.703986, eps=0 1.628986, γ+=1 1.322257', () => {
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS)), 1.507739, 1e-5);
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { gammaNeg: 0 })), 1.703986, 1e-5);
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { eps: 0 })), 1.628986, 1e-5);
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { gammaPos: 1 })), 1.322257, 1e-5);
    assert.deepEqual({ ...ASL_SINGLE_LABEL_DEFAULTS }, { gammaPos: 0, gammaNeg: 4, eps: 0.1, reduction: 'mean' });
  });
  test('labels as int32 tensor or number[]; labelSmoothing is an alias of eps', () => {
    const a = values(asymmetricLossSingleLabel(Z, tf.tensor1d(LABELS, 'int32')));
    assertClose(a, 1.507739, 1e-5);
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { labelSmoothing: 0 })), 1.628986, 1e-5);
  });
  test('eps = 0, γ+ = 0 is softmax cross-entropy (tf.losses.softmaxCrossEntropy)', () => {
    const ce = values(tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(LABELS, 'int32'), 4), tf.tensor2d(Z)));
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { eps: 0 })), ce, 1e-5);
  });
  test('reductions: none gives per-sample values, sum their sum', () => {
    const none = values(asymmetricLossSingleLabel(Z, LABELS, { reduction: 'none' }));
    assert.equal(none.length, 2);
    assertClose(values(asymmetricLossSingleLabel(Z, LABELS, { reduction: 'sum' })), none[0] + none[1], 1e-5);
  });
  test('gradient equals finite differences of the float64 formula (weights differentiated)', () => {
    for (const [gp, gn, eps] of [[0, 4, 0.1], [1, 2, 0.2], [2, 0, 0]]) {
      const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => asymmetricLossSingleLabel(t, LABELS, { gammaPos: gp, gammaNeg: gn, eps }))(tf.tensor2d(Z))));
      const fd = finiteDifferences((flat) => reference([flat.slice(0, 4), flat.slice(4)], LABELS, gp, gn, eps), Z.flat(), 1e-5);
      assertClose(g, fd, 2e-5, `(${gp}, ${gn}, ${eps})`);
    }
  });
  test('extreme logits give finite values and gradients', () => {
    const z = [[100, -100, 0, 50], [-100, 100, -50, 0]];
    const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => asymmetricLossSingleLabel(t, [1, 0]))(tf.tensor2d(z))));
    assert.ok(g.every(Number.isFinite), String(g));
  });
  test('bad inputs', () => {
    const throwsNamed = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof AslInputError && pattern.test((e as Error).message), String(pattern));
    throwsNamed(() => asymmetricLossSingleLabel(Z, [0, 4]), /argument 'labels' must be class indices in \[0, 3\], found 4 at index 1/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, [0]), /argument 'labels' must have one label per row of 'logits' \(2\), got 1/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, [0, 1.5]), /argument 'labels' must contain integer class indices/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, tf.tensor1d([0, 1])), /must be an int32 tensor of class indices, got dtype float32/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, LABELS, { gammaNeg: -1 }), /argument 'gammaNeg'/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, LABELS, { eps: 2 }), /argument 'eps' must be a finite number in \[0, 1\]/);
    throwsNamed(() => asymmetricLossSingleLabel(Z, LABELS, { reduction: 'batchmean' as never }), /argument 'reduction'/);
  });
  test('no tensor leaks', () => {
    const z = tf.tensor2d(Z);
    const l = tf.tensor1d(LABELS, 'int32');
    assertNoLeak(() => asymmetricLossSingleLabel(z, l).dispose());
    assertNoLeak(() => tf.grad((t: tf.Tensor) => asymmetricLossSingleLabel(t, l, { gammaPos: 1 }))(z).dispose());
    tf.dispose([z, l]);
  });
});
