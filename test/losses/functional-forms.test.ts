/** The functional form of every registry loss equals the registry loss, and the doc examples hold. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AslInputError,
  asymmetricLoss,
  asymmetricPolynomialLoss,
  binaryCrossEntropy,
  classBalancedLoss,
  classBalancedWeights,
  createLoss,
  distributionBalancedLoss,
  focalLoss,
  listLosses,
  hillLoss,
  labelSmoothingBce,
  poly1Loss,
  smoothSigmoidTargets,
  splcLoss,
  twoWayLoss,
  zlprLoss,
} from '../../lib/index';
import { BUILTIN_LOSSES } from '../../lib/losses/builtins';
import { focusingPower } from '../../lib/losses/focal';
import { powerForward } from '../../lib/losses/asl/fused';
import { reduceMaskedLoss } from '../../lib/losses/call';
import { shiftedLogSumExp } from '../../lib/losses/zlpr';
import { assertClose, setupBackend, values } from '../helpers';

const Z = [
  [-2, 0.5, 1.5, -0.3],
  [1.2, -1, 0.2, 2.5],
];
const Y = [
  [0, 1, 1, 0],
  [1, 0, 0, 0],
];

before(setupBackend);

describe('functional forms', () => {
  test('doc examples: binaryCrossEntropy([[0]], [[1]]) = log 2, focalLoss([[0]], [[1]]) = 0.25·log 2', () => {
    assertClose(values(binaryCrossEntropy([[0]], [[1]])), Math.log(2), 1e-6);
    assertClose(values(focalLoss([[0]], [[1]])), 0.25 * Math.log(2), 1e-6);
  });
  test('each equals createLoss(name, params).call with the same options', () => {
    const z = tf.tensor2d(Z);
    const y = tf.tensor2d(Y);
    const mask = tf.tensor2d([[1, 1, 0, 1], [1, 1, 1, 1]]);
    const pairs: Array<[tf.Tensor, string, Record<string, number | string | boolean | number[]>]> = [
      [binaryCrossEntropy(Z, Y, { posWeight: 2, mask, reduction: 'sum' }), 'bce', { posWeight: 2 }],
      [focalLoss(Z, Y, { gamma: 1, alpha: 0.3, mask, reduction: 'sum' }), 'focal', { gamma: 1, alpha: 0.3 }],
      [asymmetricLoss(Z, Y, { gammaNeg: 2, mask, reduction: 'sum' }), 'asl', { gammaNeg: 2 }],
      [asymmetricLoss(Z, Y, { gammaNeg: 2, implementation: 'autodiff', mask, reduction: 'sum' }), 'asl', { gammaNeg: 2 }],
      [hillLoss(Z, Y, { lambda: 2, mask, reduction: 'sum' }), 'hill', { lambda: 2 }],
      [splcLoss(Z, Y, { tau: 0.7, mask, reduction: 'sum', context: { epoch: 3 } }), 'splc', { tau: 0.7 }],
      [poly1Loss(Z, Y, { epsilon: 2, mask, reduction: 'sum' }), 'poly1', { epsilon: 2 }],
      [asymmetricPolynomialLoss(Z, Y, { epsilonPos1: 0.5, mask, reduction: 'sum' }), 'apl', { epsilonPos1: 0.5 }],
      [labelSmoothingBce(Z, Y, { smoothing: 0.2, mask, reduction: 'sum' }), 'bce-smooth', { smoothing: 0.2 }],
      [classBalancedLoss(Z, Y, { classCounts: [5, 1, 3, 9], mask, reduction: 'sum' }), 'class-balanced', { classCounts: [5, 1, 3, 9] }],
      [distributionBalancedLoss(Z, Y, { classCounts: [5, 1, 3, 9], numSamples: 20, mask, reduction: 'sum' }), 'distribution-balanced', { classCounts: [5, 1, 3, 9], numSamples: 20 }],
      [zlprLoss(Z, Y, { mask, reduction: 'sum' }), 'zlpr', {}],
      [twoWayLoss(Z, Y, { tPos: 2, mask, reduction: 'sum' }), 'two-way', { tPos: 2 }],
    ];
    for (const [functional, name, params] of pairs) {
      const registry = createLoss(name, params).call(z, y, { mask, reduction: 'sum', context: { epoch: 3 } });
      assertClose(values(functional), values(registry), 1e-6, name);
    }
    tf.dispose([z, y, mask]);
  });
  test('functional forms validate their parameters', () => {
    assert.throws(() => hillLoss(Z, Y, { gamma: -1 }), (e: unknown) => e instanceof AslInputError && /hillLoss: argument 'gamma'/.test((e as Error).message));
    assert.throws(() => focalLoss(Z, Y, { alpha: 0.5 * -1 }), /focalLoss: argument 'alpha' must be -1 \(off\) or in \[0, 1\]/);
    assert.throws(() => focalLoss(Z, Y, { alpha: 2 }), AslInputError);
  });
  test('functional forms reject unknown options, naming the key and the closest valid one', () => {
    assert.throws(() => asymmetricLoss([[1, 2]], [[0, 1]], { gamaNeg: 0 } as never), /asymmetricLoss: unknown option 'gamaNeg' \(did you mean 'gammaNeg'\?/);
    assert.throws(() => focalLoss(Z, Y, { gama: 1 } as never), /focalLoss: unknown option 'gama' \(did you mean 'gamma'\?/);
    assert.throws(() => binaryCrossEntropy(Z, Y, { masks: Z } as never), /did you mean 'mask'/);
    assert.throws(() => createLoss('asl').call(tf.tensor2d(Z), tf.tensor2d(Y), { reductio: 'sum' } as never), /asl\.call: unknown option 'reductio' \(did you mean 'reduction'/);
  });
});

describe('helpers', () => {
  test('classBalancedWeights: doc example, β = 0 equal weights, normalised to C', () => {
    assertClose(classBalancedWeights([100, 10, 1], 0.99), [0.0422, 0.28, 2.6777], 1e-4);
    assert.deepEqual(classBalancedWeights([3, 1], 0), [1, 1]);
    const w = classBalancedWeights([7, 2, 0, 40], 0.9);
    assertClose(w.reduce((a, b) => a + b, 0), 4, 1e-9);
    assert.throws(() => classBalancedWeights([], 0.9), AslInputError);
    assert.throws(() => classBalancedWeights([1], 1), /argument 'beta'/);
  });
  test('class counts are a typed list parameter', () => {
    assert.throws(() => classBalancedLoss(Z, Y, { classCounts: [3, -1, 1, 1] }), /argument 'classCounts\[1\]' must be a finite number in \[0, ∞\]/);
    assert.throws(() => createLoss('class-balanced', { classCounts: '3,4' as never }), /argument 'classCounts' must be a list of numbers/);
    assert.throws(() => classBalancedLoss(Z, Y, { classCounts: [3, 1] }), /must have one count per class \(C = 4\), got 2/);
  });
  test('smoothSigmoidTargets: the three conventions', () => {
    const t = tf.tensor2d([[1, 0, 0, 0]]);
    assertClose(values(smoothSigmoidTargets(t, 0.1, 'half')), [0.95, 0.05, 0.05, 0.05], 1e-6);
    assertClose(values(smoothSigmoidTargets(t, 0.1, 'symmetric')), [0.9, 0.1, 0.1, 0.1], 1e-6);
    assertClose(values(smoothSigmoidTargets(t, 0.1, 'classes')), [0.925, 0.025, 0.025, 0.025], 1e-6);
    assert.throws(() => smoothSigmoidTargets(t, 0.6), /argument 'smoothing'/);
    t.dispose();
  });
  test('focusingPower: exponent 0 is 1, fractional exponents keep a finite gradient at base 0', () => {
    assertClose(values(focusingPower(tf.tensor1d([0, 0.5]), 0)), [1, 1], 0);
    const g = values(tf.grad((b: tf.Tensor) => tf.sum(focusingPower(b, 0.5)))(tf.tensor1d([0, 0.25])));
    assert.ok(g.every(Number.isFinite));
    assertClose(g[1], 1, 1e-6);
  });
});

describe('internals exported for reuse', () => {
  test('shiftedLogSumExp equals tf.logSumExp (with an appended zero) and its gradient is the softmax', () => {
    const t = tf.tensor2d([[1, -2, 30], [-50, 0.5, 2]]);
    assertClose(values(shiftedLogSumExp(t, 1, false)), values(tf.logSumExp(t, 1)), 1e-5);
    assertClose(values(shiftedLogSumExp(t, 0, false)), values(tf.logSumExp(t, 0)), 1e-5);
    const withZero = tf.concat([tf.zeros([2, 1]), t], 1);
    assertClose(values(shiftedLogSumExp(t, 1, true)), values(tf.logSumExp(withZero, 1)), 1e-5);
    const g = values(tf.grad((x: tf.Tensor) => tf.sum(shiftedLogSumExp(x, 1, false)))(t));
    assertClose(g, values(tf.softmax(t)), 1e-6);
    t.dispose();
  });
  test('reduceMaskedLoss: class weights, mask, mean over known labels', () => {
    const l = tf.tensor2d([[1, 2], [3, 4]]);
    const m = tf.tensor2d([[1, 0], [1, 1]]);
    const w = tf.tensor2d([[2, 1]]);
    assertClose(values(reduceMaskedLoss(l, 'sum', m, w)), 2 + 6 + 4, 1e-6);
    assertClose(values(reduceMaskedLoss(l, 'mean', m)), (1 + 3 + 4) / 3, 1e-6);
    assertClose(values(reduceMaskedLoss(l, 'batchmean', m)), 8 / 2, 1e-6);
    assertClose(values(reduceMaskedLoss(l, 'none', m)), [1, 0, 3, 4], 0);
    tf.dispose([l, m, w]);
  });
  test('powerForward equals pow for the special-cased exponents', () => {
    const b = tf.tensor1d([0, 0.3, 0.9]);
    // γ = 1 returns the base itself, so read a copy
    for (const g of [1, 2, 3, 4, 2.5]) assertClose(values(tf.tidy(() => powerForward(b, g).clone())), [0, 0.3 ** g, 0.9 ** g], 1e-6, `γ=${g}`);
    b.dispose();
  });
  test('the built-in losses are all registered', () => {
    for (const loss of BUILTIN_LOSSES) assert.ok(listLosses().includes(loss.name), loss.name);
  });
});
