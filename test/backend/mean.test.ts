/**
 * `Mean` over adjacent axes before the last (global average pooling) and its gradient on wasm
 * (lib/backend/fixes/mean): bit-identical to tfjs' own wasm kernel and gradient formula, near the
 * cpu backend, one thread vs all, channel counts that are not multiples of 4 (the JS pass), axes
 * the fix leaves to tfjs, the fallback formula where the gradient kernel is not registered, no leaks.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, MEAN_GRAD_KERNEL, registerWasmTrainingFixes, unregisterWasmTrainingFixes } from '../../lib/backend/index';
import { meanGradOverMiddleInto, meanOverMiddleInto, middleAxesSplit } from '../../lib/backend/fixes/mean';
import { assertWasmMatchesCpu, randomTensor, valuesOn } from './wasm-compare';

interface Case {
  shape: number[];
  axis: number | number[];
  keepDims?: boolean;
}

const CASES: Case[] = [
  { shape: [64, 12, 12, 64], axis: [1, 2] }, // the reference CNN's global average pool
  { shape: [3, 5, 7, 6], axis: [1, 2] }, // channels not a multiple of 4
  { shape: [1, 1, 1, 8], axis: [1, 2] },
  { shape: [2, 3, 4], axis: 1, keepDims: true },
  { shape: [5, 9, 12], axis: [0, 1] },
  { shape: [2, 6, 6, 16], axis: [-3, -2] },
  { shape: [4, 6, 8], axis: -1 }, // the last axis: tfjs' kernel
  { shape: [3, 4, 5, 8], axis: [0, 2] }, // not adjacent: tfjs' kernel and formula
  { shape: [4, 7], axis: null as unknown as number }, // every axis
];

const label = (c: Case) => `mean of ${c.shape.join('×')} over ${JSON.stringify(c.axis)}${c.keepDims ? ' (keepDims)' : ''}`;

/** The mean and its gradient against a fixed upstream gradient. */
const meanAndGrad = (c: Case, seed: number) => () => {
  const x = randomTensor(c.shape, seed);
  const y = tf.mean(x, c.axis, c.keepDims);
  const w = randomTensor(y.shape, seed + 1);
  return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, c.axis, c.keepDims), w)))(x)];
};

describe('Mean over middle axes on wasm', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('splits shapes into [outer, reduced, inner] only for adjacent axes before the last', () => {
    assert.deepEqual(middleAxesSplit([64, 12, 12, 64], [1, 2]), [64, 144, 64]);
    assert.deepEqual(middleAxesSplit([64, 12, 12, 64], [2, 1]), [64, 144, 64]);
    assert.deepEqual(middleAxesSplit([64, 12, 12, 64], [-3, -2]), [64, 144, 64]);
    assert.deepEqual(middleAxesSplit([5, 9, 12], [0, 1]), [1, 45, 12]);
    assert.deepEqual(middleAxesSplit([2, 3, 4], 1), [2, 3, 4]);
    assert.equal(middleAxesSplit([2, 3, 4], 2), null);
    assert.equal(middleAxesSplit([2, 3, 4, 5], [0, 2]), null);
    assert.equal(middleAxesSplit([2, 3], undefined), null);
    assert.equal(middleAxesSplit([7], 0), null);
  });

  it('the plain passes compute means and their gradient (float64 reference)', () => {
    const x = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i + 1));
    const out = new Float32Array(2 * 5);
    meanOverMiddleInto(x, 2, 3, 5, out);
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 5; i++) {
        let s = 0;
        for (let r = 0; r < 3; r++) s += x[(o * 3 + r) * 5 + i];
        assert.ok(Math.abs(out[o * 5 + i] - s / 3) < 1e-6);
      }
    }
    const dx = new Float32Array(30);
    meanGradOverMiddleInto(Float32Array.of(3, 6, 9, 12, 15, -3, -6, -9, -12, -15), 2, 3, 5, dx);
    assert.deepEqual([...dx.subarray(0, 5)], [1, 2, 3, 4, 5]);
    assert.deepEqual([...dx.subarray(25, 30)], [-1, -2, -3, -4, -5]);
  });

  it('equals cpu, with one thread and with all, and leaks nothing', async () => {
    for (const [i, c] of CASES.entries()) await assertWasmMatchesCpu(meanAndGrad(c, 10 * i), label(c), 1e-5);
  });

  it("is bit-identical to tfjs' own wasm kernel and gradient formula", async () => {
    for (const [i, c] of CASES.entries()) {
      const ours = await valuesOn('wasm', meanAndGrad(c, 10 * i + 3));
      unregisterWasmTrainingFixes(['mean']);
      let theirs: Float32Array[];
      try {
        theirs = await valuesOn('wasm', meanAndGrad(c, 10 * i + 3));
      } finally {
        registerWasmTrainingFixes(['mean']);
      }
      assert.deepEqual(ours, theirs, label(c));
    }
  });

  it('runs AslMeanGrad for a global average pool and no ones tensor; tfjs\' formula without it', async () => {
    await tf.setBackend('wasm');
    const x = randomTensor([4, 6, 6, 8], 7);
    const kernels = async () => (await tf.profile(() => tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(tf.mean(t, [1, 2])))(x)))).kernels.map((k) => k.name);
    const withFix = await kernels();
    const count = (names: string[], k: string) => names.filter((n) => n === k).length;
    assert.ok(withFix.includes(MEAN_GRAD_KERNEL), withFix.join(' '));
    unregisterWasmTrainingFixes(['mean']);
    try {
      // tfjs' formula: dy · ones / n, one Multiply and one RealDiv more (the Sum's gradient has its own Multiply).
      const without = await kernels();
      assert.ok(!without.includes(MEAN_GRAD_KERNEL), without.join(' '));
      assert.equal(count(without, 'Multiply'), count(withFix, 'Multiply') + 1, without.join(' '));
      assert.equal(count(without, 'RealDiv'), count(withFix, 'RealDiv') + 1, without.join(' '));
    } finally {
      registerWasmTrainingFixes(['mean']);
    }
    x.dispose();
  });

  it('the gradient kernel rejects a dy that does not match, naming both shapes', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([3, 5]);
    assert.throws(() => tf.engine().runKernel(MEAN_GRAD_KERNEL, { dy }, { shape: [2, 4, 5], axis: [1] } as unknown as tf.NamedAttrMap), /dy of shape \[3,5\].*\[2,4,5\]/);
    assert.throws(() => tf.engine().runKernel(MEAN_GRAD_KERNEL, { dy }, { shape: [2, 4, 5], axis: [2] } as unknown as tf.NamedAttrMap), /not one block before the last axis/);
    dy.dispose();
  });
});
