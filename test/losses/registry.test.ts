import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, createLoss, defineLoss, listLosses, lossInfo, lossCurve, effectiveWeight, param, registerLoss, unregisterLoss, type Reduction } from '../../lib/index';
import { assertClose, assertNoLeak, finiteDifferences, setupBackend, values } from '../helpers';
import { ASL_REFERENCE_X, ASL_REFERENCE_Y } from '../fixtures/asl-reference';

// The multi-label losses (the softmax ones take one-hot targets; tested in single-label.test.ts).
const BUILTIN = [
  'apl', 'asl', 'bce', 'bce-smooth', 'class-balanced', 'distribution-balanced', 'focal', 'hill', 'poly1', 'splc', 'two-way', 'zlpr',
];
// The §2.6 reference batch plus a row with two positives.
const Z = [...ASL_REFERENCE_X, [0.2, -1.5, 2.5, -0.7, 0.9, -3.3, 1.1]];
const Y = [...ASL_REFERENCE_Y, [1, 0, 1, 0, 0, 0, 0]];
const throwsNamed = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof AslInputError && pattern.test((e as Error).message), String(pattern));

before(setupBackend);

describe('loss registry: listLosses, lossInfo, createLoss', () => {
  test('listLosses() names every built-in loss, sorted', () => {
    const names = listLosses();
    for (const n of BUILTIN) assert.ok(names.includes(n), n);
    assert.deepEqual(names, names.slice().sort());
  });
  test('every entry documents its paper and every parameter (default inside its range)', () => {
    for (const n of BUILTIN) {
      const info = lossInfo(n);
      assert.ok(info.paper.length > 10 && info.description.length > 10, n);
      for (const [k, p] of Object.entries(info.params)) {
        assert.ok(p.description.length > 0, `${n}.${k}`);
        if (typeof p.default === 'number') {
          assert.ok((p.min ?? -Infinity) <= p.default && p.default <= (p.max ?? Infinity), `${n}.${k}`);
        }
      }
      assert.deepEqual(Object.keys(createLoss(n).params).sort(), Object.keys(info.params).sort());
    }
  });
  test('createLoss accepts a name with params or a { name, params } spec', () => {
    assert.equal(createLoss('asl', { gammaNeg: 2 }).params.gammaNeg, 2);
    assert.equal(createLoss({ name: 'focal', params: { gamma: 3 } }).params.gamma, 3);
    assert.equal(createLoss('asl').params.gammaNeg, 4);
  });
  test('bad names and parameters throw AslInputError naming them', () => {
    throwsNamed(() => createLoss('nope'), /lossInfo: argument 'name' unknown loss 'nope' \(known: apl, asl/);
    throwsNamed(() => createLoss('asll'), /unknown loss 'asll' \(did you mean 'asl'\?/);
    throwsNamed(() => createLoss('asl', { gamaNeg: 1 }), /createLoss\('asl'\): unknown parameter 'gamaNeg' \(did you mean 'gammaNeg'\?/);
    throwsNamed(() => createLoss('asl', { gammaNeg: '4' }), /argument 'gammaNeg' must be a number, got "4"/);
    throwsNamed(() => createLoss('hill', { lambda: 0.5 }), /argument 'lambda' must be a finite number in \[1, 10\], got 0.5/);
    throwsNamed(() => createLoss('focal', { alpha: -0.5 }), /argument 'alpha' must be -1 \(off\) or in \[0, 1\]/);
    throwsNamed(() => createLoss('asl', { implementation: 'gpu' }), /argument 'implementation' must be one of 'fused', 'autodiff'/);
    throwsNamed(() => createLoss('class-balanced', { classCounts: '3,x' }), /argument 'classCounts' must be a list of numbers/);
    throwsNamed(() => createLoss('splc', { changeEpoch: 1.5 }), /argument 'changeEpoch' must be an integer/);
  });
});

describe('every registered loss: shapes, reductions, inputs, leaks', () => {
  for (const name of BUILTIN) {
    const loss = createLoss(name);
    const z = () => tf.tensor2d(Z);
    const y = () => tf.tensor2d(Y);

    test(`${name}: finite scalar for sum/mean/batchmean; 'none' gives per-element (or per-sample) values`, () => {
      tf.tidy(() => {
        for (const reduction of ['sum', 'mean', 'batchmean'] as Reduction[]) {
          const v = loss.call(z(), y(), { reduction, context: { epoch: 2 } });
          assert.equal(v.rank, 0, `${reduction}`);
          assert.ok(Number.isFinite(v.dataSync()[0]), `${reduction}`);
        }
        const none = loss.call(z(), y(), { reduction: 'none', context: { epoch: 2 } });
        const expected = name === 'zlpr' ? [3] : name === 'two-way' ? [3 + 7] : [3, 7];
        assert.deepEqual(none.shape, expected);
        const v = none.dataSync();
        assert.ok(Array.from(v).every((x) => Number.isFinite(x) && x >= -1e-6), `${name} none ≥ 0: ${Array.from(v)}`);
        if (name !== 'two-way') {
          const sum = loss.call(z(), y(), { reduction: 'sum', context: { epoch: 2 } }).dataSync()[0];
          assertClose(Array.from(v).reduce((a, b) => a + b, 0), sum, 1e-4 * Math.max(1, sum));
        }
      });
    });

    test(`${name}: mean with a mask divides by the known count; an all-zero mask gives 0`, () => {
      tf.tidy(() => {
        const zeros = loss.call(z(), y(), { mask: tf.zerosLike(y()), reduction: 'sum' }).dataSync()[0];
        assert.ok(Math.abs(zeros) < 1e-6, `${name}: ${zeros}`);
        if (name === 'zlpr' || name === 'two-way') return;
        const mask = tf.tensor2d(Y.map((r, i) => r.map((_, j) => ((i + j) % 3 === 0 ? 0 : 1))));
        const sum = loss.call(z(), y(), { mask, reduction: 'sum' }).dataSync()[0];
        const mean = loss.call(z(), y(), { mask, reduction: 'mean' }).dataSync()[0];
        assertClose(mean, sum / mask.sum().dataSync()[0], 1e-5);
      });
    });

    test(`${name}: class weights scale columns (weight 0 removes a class from value and gradient)`, () => {
      tf.tidy(() => {
        const w = [1, 1, 0, 1, 1, 1, 1];
        const g = tf.grad((t: tf.Tensor) => loss.call(t, y(), { classWeights: w, reduction: 'sum' }))(z()).arraySync() as number[][];
        for (const row of g) assert.ok(Math.abs(row[2]) < 1e-7, `${name}: ${row[2]}`);
      });
    });

    test(`${name}: extreme logits (|z| ≤ 100) give a finite value and gradient`, () => {
      tf.tidy(() => {
        const zs = [[-100, -30, 0, 30, 100], [100, 30, 0, -30, -100]];
        const ys = tf.tensor2d([[1, 1, 0, 0, 0], [1, 0, 1, 0, 0]]);
        const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => loss.call(t, ys, { context: { epoch: 2 } }) as tf.Scalar)(tf.tensor2d(zs));
        assert.ok(Number.isFinite(value.dataSync()[0]), `${name} value ${value.dataSync()[0]}`);
        assert.ok(Array.from(grad.dataSync()).every(Number.isFinite), `${name} grad ${Array.from(grad.dataSync())}`);
      });
    });

    test(`${name}: bad inputs throw AslInputError naming the argument`, () => {
      throwsNamed(() => loss.call(tf.tensor2d(Z), tf.tensor2d([[1, 0]])), new RegExp(`argument 'targets' must have the shape of 'logits' \\[3, 7\\]`));
      throwsNamed(() => loss.call(tf.tensor1d([1, 2]), tf.tensor1d([0, 1])), /argument 'logits' must be 2-D/);
      throwsNamed(() => loss.call(tf.tensor2d([[0, 1]]), tf.tensor2d([[0, 2]])), /argument 'targets' must contain only 0 and 1, found 2/);
      throwsNamed(() => loss.call(tf.tensor2d([[Infinity, 1]]), tf.tensor2d([[0, 1]])), /argument 'logits' must be finite/);
      throwsNamed(() => loss.call(tf.tensor2d(Z), tf.tensor2d(Y), { reduction: 'avg' as never }), /argument 'reduction' must be one of/);
    });

    test(`${name}: no tensor leaks (value, gradient, inside tidy)`, () => {
      const zt = tf.tensor2d(Z);
      const yt = tf.tensor2d(Y);
      const mask = tf.onesLike(yt);
      assertNoLeak(() => loss.call(zt, yt, { mask, context: { epoch: 3 } }).dispose(), 'value');
      assertNoLeak(() => tf.tidy(() => { loss.call(zt, yt, { reduction: 'none' }); }), 'tidy');
      assertNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(loss.call(t, yt, { mask, context: { epoch: 3 } })))(zt).dispose(), 'grad');
      tf.dispose([zt, yt, mask]);
    });
  }
});

describe('defineLoss: a prototype works where built-ins do', () => {
  test('registers, validates params, matches its formula, masks, gradients, curves', () => {
    const protoAf = defineLoss({
      name: 'proto-af',
      description: 'asymmetric focusing without shifting',
      params: { gammaNeg: param.number(4, 'γ−', { min: 0, max: 10 }) },
      // gammaNeg is inferred as a number: no cast
      positive: ({ logP }) => tf.neg(logP),
      negative: ({ p, log1mP }, { gammaNeg }) => tf.neg(tf.mul(tf.pow(p, gammaNeg), log1mP)),
    });
    assert.ok(!listLosses().includes('proto-af'), 'defining does not register');
    registerLoss(protoAf, { override: true });
    assert.ok(listLosses().includes('proto-af'));
    assert.equal(protoAf.name, 'proto-af');
    assert.deepEqual(protoAf.defaults, { gammaNeg: 4, reduction: 'mean' });
    throwsNamed(() => createLoss('proto-af', { gammaNeg: 11 }), /argument 'gammaNeg' must be a finite number in \[0, 10\]/);
    const proto = createLoss('proto-af', { gammaNeg: 2 });
    const asl = createLoss('asl', { gammaNeg: 2, gammaPos: 0, clip: 0, detachFocalWeight: false });
    const zt = tf.tensor2d(Z);
    const yt = tf.tensor2d(Y);
    assertClose(values(proto.call(zt, yt, { reduction: 'none' })), values(asl.call(zt, yt, { reduction: 'none' })), 1e-5);
    const mask = tf.tensor2d(Y.map((r) => r.map((_, j) => (j === 3 ? 0 : 1))));
    const g = tf.grad((t: tf.Tensor) => proto.call(t, yt, { mask, reduction: 'sum' }))(zt).arraySync() as number[][];
    const flatZ = Z.flat();
    const f64 = (zz: number[]) =>
      zz.reduce((s, zi, i) => {
        if (i % 7 === 3) return s;
        const p = 1 / (1 + Math.exp(-zi));
        return s + (Y.flat()[i] ? -Math.log(p) : -(p ** 2) * Math.log(1 - p));
      }, 0);
    assertClose(g.flat(), finiteDifferences(f64, flatZ, 1e-5), 2e-4);
    const curve = lossCurve('proto-af', { target: 0, points: 3, axis: 'p', from: 0.1, to: 0.9 });
    assertClose(curve.loss, [0.1, 0.5, 0.9].map((p) => -(p ** 4) * Math.log(1 - p)), 1e-5);
    assert.deepEqual(effectiveWeight('proto-af', zt, yt).shape, [3, 7]);
    tf.dispose([zt, yt, mask]);
  });
  test('bad definitions and registrations are rejected', () => {
    throwsNamed(() => defineLoss({ name: '', positive: () => tf.scalar(0), negative: () => tf.scalar(0) }), /defineLoss: argument 'name'/);
    throwsNamed(() => defineLoss({ name: 'x', positive: 1 as never, negative: () => tf.scalar(0) }), /argument 'x\.positive' must be a function/);
    throwsNamed(() => defineLoss({ name: 'x', positive: () => tf.scalar(0) }), /needs both positive and negative/);
    throwsNamed(() => defineLoss({ name: 'x', elementwise: (z) => z, forward: (c) => c.z }), /needs exactly one of/);
    throwsNamed(() => defineLoss({ name: 'x', elementwise: (z) => z, params: { g: param.number(11, 'g', { max: 10 }) } }), /argument 'params\.g\.default' must be a finite number in \[-∞, 10\]/);
    throwsNamed(() => defineLoss({ name: 'x', elementwise: (z: tf.Tensor2D) => z, elementWise: 1 } as never), /unknown option 'elementWise' \(did you mean 'elementwise'/);
    const dup = defineLoss({ name: 'asl', positive: () => tf.scalar(0), negative: () => tf.scalar(0) });
    throwsNamed(() => registerLoss(dup), /a loss named 'asl' is already registered/);
    throwsNamed(() => registerLoss({} as never), /registerLoss: argument 'loss' must be a loss made by defineLoss, got Object/);
    throwsNamed(() => registerLoss(undefined as never), /registerLoss: argument 'loss' must be a loss made by defineLoss/);
    const temp = defineLoss({ name: 'temp-loss', elementwise: (z: tf.Tensor2D) => tf.square(z) });
    registerLoss(temp);
    assert.ok(unregisterLoss('temp-loss'));
    assert.ok(!listLosses().includes('temp-loss'));
  });
});
