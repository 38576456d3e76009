/**
 * The SIMD ReLU, ReLU gradient, 2×2 max pooling and its gradient, the bias-gradient sum and the
 * copy-free Identity and same-dtype Cast on wasm, against tfjs' cpu backend (lengths that are not multiples of 4,
 * batch 1, ties in pooling windows, shapes the SIMD path does not take); one thread vs all; no leaks.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, RELU_GRAD_KERNEL } from '../../lib/backend/index';
import { assertWasmMatchesCpu, randomTensor } from './wasm-compare';

describe('SIMD ReLU, pooling, bias gradient, Identity', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('ReLU and its gradient equal cpu (tails, large tensors split over threads)', async () => {
    for (const [i, shape] of [[1], [3], [4], [7, 5], [2, 9, 9, 3], [64, 32, 32, 8]].entries()) {
      await assertWasmMatchesCpu(() => {
        const x = randomTensor(shape, i);
        return [tf.relu(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), randomTensor(shape, i + 50))))(x)];
      }, `relu ${shape.join('×')}`, 0);
    }
    await tf.setBackend('wasm');
    const x = randomTensor([5, 5], 1);
    const info = await tf.profile(() => {
      tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x));
    });
    assert.ok(info.kernels.some((k) => k.name === RELU_GRAD_KERNEL));
    x.dispose();
  });

  it('2×2 max pooling and its gradient equal cpu, ties going to the first maximum', async () => {
    const shapes: number[][] = [[1, 2, 2, 4], [2, 6, 8, 16], [3, 10, 4, 12], [64, 32, 32, 16]];
    for (const [i, shape] of shapes.entries()) {
      for (const ties of [false, true]) {
        await assertWasmMatchesCpu(() => {
          let x = randomTensor(shape, i);
          if (ties) x = tf.round(tf.mul(x, 2)); // many equal values in a window
          const f = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid');
          return [f(x), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), randomTensor([shape[0], shape[1] / 2, shape[2] / 2, shape[3]], i + 9))))(x)];
        }, `max pool ${shape.join('×')}${ties ? ' with ties' : ''}`, 0);
      }
    }
    // Shapes the SIMD kernels do not take (odd sizes, channels not a multiple of 4, 3×3 windows).
    for (const [shape, size, stride, pad] of [[[2, 5, 7, 3], 2, 2, 'same'], [[1, 7, 7, 4], 3, 2, 'valid'], [[2, 6, 6, 5], 2, 2, 'valid']] as [number[], number, number, 'same' | 'valid'][]) {
      await assertWasmMatchesCpu(() => {
        const x = randomTensor(shape, 3);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.maxPool(t as tf.Tensor4D, size, stride, pad))))(x);
      }, `max pool (generic) ${shape.join('×')}`, 1e-5);
    }
  });

  it('the bias gradient of a conv layer (AslBiasGrad) equals cpu', async () => {
    for (const [i, shape] of [[1, 1, 1, 3], [2, 5, 7, 6], [8, 24, 24, 16]].entries()) {
      await assertWasmMatchesCpu(() => {
        const x = randomTensor(shape, i) as tf.Tensor4D;
        const w = randomTensor([3, 3, shape[3], 5], i + 1) as tf.Tensor4D;
        return tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' }), 2)))(randomTensor([5], i + 2));
      }, `bias gradient ${shape.join('×')}`, 1e-4);
    }
  });

  it('Identity (clone) shares the data: values survive disposing either tensor, nothing leaks', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.clone(a);
    a.dispose();
    assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4]);
    const c = tf.clone(b);
    b.dispose();
    const d = tf.add(c, 1);
    assert.deepEqual(Array.from(d.dataSync()), [2, 3, 4, 5]);
    tf.dispose([c, d]);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytes);
  });

  it('a Cast to the same dtype shares the data (the gradient of a clone); other casts convert', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.tensor([1.5, -2, 0, 4]);
    const info = await tf.profile(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.clone(x), x)))(a));
    assert.ok(info.kernels.some((k) => k.name === 'Cast'), 'the gradient of Identity casts');
    assert.deepEqual(Array.from((info.result as tf.Tensor).dataSync()), [3, -4, 0, 8]);
    tf.dispose(info.result as tf.Tensor);
    const same = tf.cast(a, 'float32');
    a.dispose();
    assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 0, 4]);
    const ints = tf.cast(same, 'int32');
    const bools = tf.cast(same, 'bool');
    assert.deepEqual([ints.dtype, Array.from(ints.dataSync())], ['int32', [1, -2, 0, 4]]);
    assert.deepEqual([bools.dtype, Array.from(bools.dataSync())], ['bool', [1, 1, 0, 1]]);
    tf.dispose([same, ints, bools]);
    assert.equal(tf.memory().numTensors, before);
  });
});
