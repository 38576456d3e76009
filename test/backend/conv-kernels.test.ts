/**
 * The direct SIMD convolutions (lib/backend/simd/conv, fixes/conv2d) against tfjs' cpu backend:
 * forward (with bias and ReLU), input and filter gradients, for strides, paddings, odd sizes,
 * batch 1 and channel counts that are not multiples of 4 or of the register tile; the layer path
 * (`tf.fused.conv2d` with its registered gradient); one thread vs all threads; no leaks.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, wasmThreads } from '../../lib/backend/index';
import { assertWasmMatchesCpu, randomTensor, withoutSimdKernels } from './wasm-compare';

type Pad = 'same' | 'valid' | number;

interface Case {
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  stride: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [1, 5, 7, 3], k: [3, 3], outC: 5, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 1], k: [3, 3], outC: 16, stride: 1, pad: 'same' },
  { x: [3, 8, 6, 4], k: [3, 3], outC: 17, stride: 1, pad: 'valid' },
  { x: [2, 7, 11, 6], k: [1, 1], outC: 9, stride: 1, pad: 'same' },
  { x: [2, 10, 9, 5], k: [3, 2], outC: 8, stride: [2, 1], pad: 'same' },
  { x: [1, 13, 12, 7], k: [5, 5], outC: 3, stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 8], k: [3, 3], outC: 33, stride: 1, pad: 1 },
  { x: [1, 4, 4, 2], k: [3, 3], outC: 2, stride: 3, pad: 2 },
  { x: [2, 16, 16, 16], k: [3, 3], outC: 32, stride: 1, pad: 'same' },
];

const name = (c: Case) => `x ${c.x.join('×')}, k ${c.k.join('×')}, outC ${c.outC}, stride ${c.stride}, pad ${c.pad}`;

const inputs = (c: Case, seed: number) => ({
  x: randomTensor(c.x, seed) as tf.Tensor4D,
  w: randomTensor([...c.k, c.x[3], c.outC], seed + 1) as tf.Tensor4D,
  b: randomTensor([c.outC], seed + 2),
});

describe('direct SIMD convolutions', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('runs with kernel threads where the machine has several cores (ASL_THREADS unset)', () => {
    if (process.env.ASL_THREADS === undefined && require('node:os').availableParallelism() > 1) assert.ok(wasmThreads() > 1);
  });

  it('forward (Conv2D; FusedConv2D with bias and ReLU) equals cpu', async () => {
    for (const [i, c] of CASES.entries()) {
      await assertWasmMatchesCpu(() => {
        const { x, w } = inputs(c, 10 * i);
        return tf.conv2d(x, w, c.stride, c.pad);
      }, `conv2d ${name(c)}`);
      await assertWasmMatchesCpu(() => {
        const { x, w, b } = inputs(c, 10 * i);
        return tf.fused.conv2d({ x, filter: w, strides: c.stride, pad: c.pad, bias: b, activation: 'relu' });
      }, `fused conv2d + bias + relu ${name(c)}`);
    }
    // A scalar bias, linear activation.
    await assertWasmMatchesCpu(() => {
      const { x, w } = inputs(CASES[0], 1);
      return tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: tf.scalar(0.25) });
    }, 'fused conv2d + scalar bias');
  });

  it('input and filter gradients equal cpu', async () => {
    for (const [i, c] of CASES.entries()) {
      await assertWasmMatchesCpu(() => {
        const { x, w } = inputs(c, 10 * i + 3);
        const y = tf.conv2d(x, w, c.stride, c.pad);
        const dy = randomTensor(y.shape, 10 * i + 5);
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: w.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, dw];
      }, `gradients ${name(c)}`, 2e-4);
    }
  });

  it('gradients through tf.fused.conv2d (bias, ReLU) equal cpu; the input gradient is computed only when needed', async () => {
    for (const [i, c] of CASES.entries()) {
      await assertWasmMatchesCpu(() => {
        const { x, w, b } = inputs(c, 10 * i + 7);
        const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: c.stride, pad: c.pad, bias: bb, activation: 'relu' })));
        return tf.grads(f)([x, w, b]);
      }, `grads of fused conv2d ${name(c)}`, 2e-4);
    }
    await tf.setBackend('wasm');
    const c = CASES[1];
    const { x, w, b } = inputs(c, 1);
    const wv = tf.variable(w);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.fused.conv2d({ x, filter: wv, strides: 1, pad: 'same', bias: b, activation: 'relu' })) as tf.Scalar, [wv]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = info.kernels.map((k) => k.name);
    assert.ok(names.includes('Conv2DBackpropFilter'), names.join(' '));
    assert.ok(!names.includes('Conv2DBackpropInput'), `the images' gradient was computed: ${names.join(' ')}`);
    tf.dispose([x, w, b, wv]);
  });

  it('a conv layer trains the same on wasm and cpu (tf.layers.conv2d, bias, ReLU)', async () => {
    const run = () => {
      const layer = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'ones' });
      const x = randomTensor([2, 7, 5, 3], 4);
      const y = layer.apply(x) as tf.Tensor;
      const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, vars);
      const out = [y, value, ...vars.map((v) => grads[v.name])];
      for (const v of layer.weights) v.dispose();
      return out;
    };
    await assertWasmMatchesCpu(run, 'conv layer');
  });

  it('the fallback (SIMD kernels off) still equals cpu', async () => {
    const c = CASES[4];
    await withoutSimdKernels(() =>
      assertWasmMatchesCpu(() => {
        const { x, w, b } = inputs(c, 99);
        return tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: c.stride, pad: c.pad, bias: b, activation: 'relu' })))([x, w]);
      }, 'fallback gradients'),
    );
  });
});
