/**
 * Equality of every wasm training fix with tfjs' cpu backend on random inputs, over the
 * stride/padding/shape cases tfjs supports, plus "a conv net trains on wasm".
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, activeWasmTrainingFixes, WASM_FIX_NAMES, setWasmSimdKernelsEnabled, wasmSimdMatMulAvailable } from '../../lib/backend/index';
import { seededRandom } from '../../lib/core/random';
import { assertNoLeak } from '../helpers';
import { withoutSimdKernels } from './wasm-compare';

type Inputs = Record<string, { shape: number[]; values: Float32Array }>;

function randomInputs(spec: Record<string, number[]>, seed: number): Inputs {
  const rnd = seededRandom(seed);
  const out: Inputs = {};
  for (const [k, shape] of Object.entries(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[k] = { shape, values: Float32Array.from({ length: n }, () => rnd() * 2 - 1) };
  }
  return out;
}

/** Runs a kernel on a backend with the given inputs; returns values and shape. */
async function runOn(backend: string, kernel: string, inputs: Inputs, attrs: Record<string, unknown>) {
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.values, v.shape);
  const out = tf.engine().runKernel(kernel, tensors, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

/** Compares wasm (with fixes) and cpu: |a − b| ≤ tol·(1 + |b|) element-wise. */
async function assertSameOnBothBackends(kernel: string, inputs: Inputs, attrs: Record<string, unknown>, label: string, tol = 1e-4) {
  const cpu = await runOn('cpu', kernel, inputs, attrs);
  const wasm = await runOn('wasm', kernel, inputs, attrs);
  assert.deepEqual(wasm.shape, cpu.shape, `${label}: shape`);
  for (let i = 0; i < cpu.values.length; i++) {
    const ok = Math.abs(wasm.values[i] - cpu.values[i]) <= tol * (1 + Math.abs(cpu.values[i]));
    assert.ok(ok, `${label}: index ${i}: wasm ${wasm.values[i]} vs cpu ${cpu.values[i]}`);
  }
}

function convOut(size: number, k: number, s: number, pad: 'same' | 'valid' | number): number {
  if (pad === 'same') return Math.ceil(size / s);
  if (pad === 'valid') return Math.ceil((size - k + 1) / s);
  return Math.floor((size + 2 * pad - k) / s) + 1;
}

describe('wasm training fixes', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('are registered automatically by initBackend on wasm', () => {
    assert.deepEqual(activeWasmTrainingFixes().sort(), [...WASM_FIX_NAMES].sort());
  });

  it('Conv2DBackpropFilter equals cpu for strides, paddings, kernel sizes and channel counts', async () => {
    let seed = 1;
    for (const [h, w, cin, cout, k] of [[9, 7, 1, 4, 3], [8, 8, 3, 5, 3], [10, 9, 16, 8, 5], [6, 6, 2, 3, 1], [7, 9, 4, 2, 2]]) {
      for (const s of [1, 2, 3]) {
        for (const pad of ['same', 'valid', 1] as const) {
          const oh = convOut(h, k, s, pad);
          const ow = convOut(w, k, s, pad);
          if (oh < 1 || ow < 1) continue;
          const inputs = randomInputs({ x: [2, h, w, cin], dy: [2, oh, ow, cout] }, seed++);
          await assertSameOnBothBackends('Conv2DBackpropFilter', inputs, { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [k, k, cin, cout] }, `filter grad ${h}x${w}x${cin}->${cout} k${k} s${s} ${pad}`);
        }
      }
    }
    // Non-square strides and NCHW.
    const inputs = randomInputs({ x: [2, 9, 8, 3], dy: [2, 9, 4, 4] }, 99);
    await assertSameOnBothBackends('Conv2DBackpropFilter', inputs, { strides: [1, 2], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }, 'filter grad strides [1,2]');
    const nchw = randomInputs({ x: [2, 3, 6, 6], dy: [2, 4, 6, 6] }, 100);
    await assertSameOnBothBackends('Conv2DBackpropFilter', nchw, { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }, 'filter grad NCHW');
  });

  it('Conv2DBackpropInput equals cpu for strides, paddings and kernel sizes', async () => {
    let seed = 200;
    for (const [h, w, cin, cout, k] of [[9, 7, 1, 4, 3], [8, 8, 3, 5, 3], [10, 9, 6, 8, 5], [6, 6, 2, 3, 1], [7, 9, 4, 2, 2]]) {
      for (const s of [1, 2, 3]) {
        for (const pad of ['same', 'valid', 1] as const) {
          const oh = convOut(h, k, s, pad);
          const ow = convOut(w, k, s, pad);
          if (oh < 1 || ow < 1) continue;
          const inputs = randomInputs({ dy: [2, oh, ow, cout], filter: [k, k, cin, cout] }, seed++);
          await assertSameOnBothBackends('Conv2DBackpropInput', inputs, { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [2, h, w, cin] }, `input grad ${h}x${w}x${cin}->${cout} k${k} s${s} ${pad}`);
        }
      }
    }
  });

  it('uses the SIMD matrix product here (Node has wasm SIMD), and can switch it off', async () => {
    await tf.setBackend('wasm');
    assert.equal(wasmSimdMatMulAvailable(), true);
    await withoutSimdKernels(() => assert.equal(wasmSimdMatMulAvailable(), false));
  });

  // Both paths of the matMul fix: the SIMD product, and its fallback (explicit transposes + XNNPACK).
  for (const simd of [true, false]) {
    const path = simd ? 'SIMD product' : 'fallback';
    it(`BatchMatMul with every transpose flag combination equals cpu (2-D, batched, broadcast batch; ${path})`, async () => {
      setWasmSimdKernelsEnabled(simd);
      try {
        let seed = 300;
        for (const [m, k, n] of [[5, 7, 3], [64, 300, 20], [3, 200, 300], [1, 9, 1]]) {
          for (const tA of [false, true]) {
            for (const tB of [false, true]) {
              const aShape = tA ? [k, m] : [m, k];
              const bShape = tB ? [n, k] : [k, n];
              for (const [ba, bb] of [[[], []], [[3], [3]], [[1], [3]], [[2, 3], [1, 1]]]) {
                if (!simd && ba.length > 1) continue; // the fallback's tfjs product needs equal ranks only
                const inputs = randomInputs({ a: [...ba, ...aShape], b: [...bb, ...bShape] }, seed++);
                await assertSameOnBothBackends('BatchMatMul', inputs, { transposeA: tA, transposeB: tB }, `matMul ${m}x${k}x${n} tA=${tA} tB=${tB} batch=${ba}/${bb} (${path})`);
              }
            }
          }
        }
      } finally {
        setWasmSimdKernelsEnabled(true);
      }
    });

    it(`_FusedMatMul with transpose flags, biases and every activation equals cpu (${path})`, async () => {
      setWasmSimdKernelsEnabled(simd);
      try {
        let seed = 400;
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const inputs = randomInputs({ a: tA ? [1, 20, 6] : [1, 6, 20], b: tB ? [1, 9, 20] : [1, 20, 9], bias: [9] }, seed++);
            await assertSameOnBothBackends('_FusedMatMul', inputs, { transposeA: tA, transposeB: tB, activation: 'relu', leakyreluAlpha: 0.2 }, `fused tA=${tA} tB=${tB} (${path})`);
          }
        }
        for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid']) {
          for (const bias of [[13], [1], undefined]) {
            // Batch 2 and a size-1 bias: tfjs' own wasm _FusedMatMul gets both wrong (neither path uses it).
            const spec: Record<string, number[]> = { a: [2, 7, 30], b: [2, 30, 13] };
            if (bias) spec.bias = bias;
            const inputs = randomInputs(spec, seed++);
            for (const v of Object.values(inputs)) v.values = v.values.map((x) => 4 * x); // reach relu6's cap
            await assertSameOnBothBackends('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.3 }, `fused ${activation} bias=${bias} (${path})`);
          }
        }
        // PReLU takes tfjs' own fused product.
        const prelu = randomInputs({ a: [1, 5, 8], b: [1, 8, 6], bias: [6], preluActivationWeights: [6] }, seed++);
        await assertSameOnBothBackends('_FusedMatMul', prelu, { transposeA: false, transposeB: false, activation: 'prelu', leakyreluAlpha: 0.2 }, `fused prelu (${path})`);
      } finally {
        setWasmSimdKernelsEnabled(true);
      }
    });
  }

  it('MaxPoolGrad equals cpu for pool sizes, strides and paddings', async () => {
    let seed = 500;
    for (const [h, w, c] of [[8, 8, 3], [9, 7, 16], [5, 6, 1]]) {
      for (const [f, s] of [[2, 2], [3, 2], [3, 1], [2, 1]]) {
        for (const pad of ['same', 'valid'] as const) {
          const oh = convOut(h, f, s, pad);
          const ow = convOut(w, f, s, pad);
          await tf.setBackend('cpu');
          const x = randomInputs({ input: [2, h, w, c] }, seed++).input;
          const xt = tf.tensor(x.values, x.shape as [number, number, number, number]);
          const y = tf.maxPool(xt as tf.Tensor4D, f, s, pad);
          const output = { shape: y.shape, values: Float32Array.from(y.dataSync()) };
          tf.dispose([xt, y]);
          const inputs = { input: x, output, ...randomInputs({ dy: [2, oh, ow, c] }, seed++) };
          await assertSameOnBothBackends('MaxPoolGrad', inputs, { filterSize: [f, f], strides: [s, s], pad, dimRoundingMode: undefined }, `maxPoolGrad ${h}x${w}x${c} f${f} s${s} ${pad}`);
        }
      }
    }
  });

  it('gradients of a small conv net (fused conv + relu + pool + dense) match cpu, without leaks', async () => {
    const init = randomInputs({ x: [3, 10, 10, 2], w1: [3, 3, 2, 4], b1: [4], w2: [3, 3, 4, 5], d: [5, 3] }, 600);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const t = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.tensor(v.values, v.shape)])) as Record<string, tf.Tensor>;
      const f = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, d: tf.Tensor) => {
        const h1 = tf.fused.conv2d({ x: t.x as tf.Tensor4D, filter: w1 as tf.Tensor4D, strides: 1, pad: 'same', bias: b1, activation: 'relu' });
        const p = tf.maxPool(h1, 2, 2, 'valid');
        const h2 = tf.relu(tf.conv2d(p, w2 as tf.Tensor4D, 2, 'same'));
        return tf.matMul(tf.mean(h2, [1, 2]), d).square().sum();
      };
      const g = tf.grads(f)([t.w1, t.b1, t.w2, t.d]);
      const out = g.map((x) => Array.from(x.dataSync()));
      tf.dispose([...g, ...Object.values(t)]);
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    cpu.forEach((c, i) => c.forEach((v, j) => assert.ok(Math.abs(wasm[i][j] - v) <= 1e-4 * (1 + Math.abs(v)), `grad ${i}[${j}]: ${wasm[i][j]} vs ${v}`)));
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 6, 6, 2]);
    const w = tf.randomNormal([3, 3, 2, 3]);
    assertNoLeak(() => {
      tf.dispose(tf.grads((a: tf.Tensor) => tf.maxPool(tf.conv2d(x as tf.Tensor4D, a as tf.Tensor4D, 1, 'same'), 2, 2, 'valid').sum())([w]));
      tf.tidy(() => { tf.matMul(x.reshape([12, 12]), x.reshape([12, 12]), true, false); });
    }, 'wasm fixes');
    tf.dispose([x, w]);
  });
});
