/**
 * Fused training-mode batch norm (lib/backend/fixes/batch-norm) against tfjs' cpu backend running
 * its own composed layer (moments + batchNorm, autodiff), on every shape the layer allows: rank 2
 * and 4, batch 1, odd spatial sizes, position counts that are not multiples of 4, channel counts
 * that are not multiples of 4, a large mean; its gradient with the statistics' gradients folded in;
 * the running averages; one thread vs all threads; the fallback; no leaks.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, batchNormTraining, setWasmSimdKernelsEnabled, BATCH_NORM_TRAIN_KERNEL, activeWasmTrainingFixes, unregisterWasmTrainingFixes, registerWasmTrainingFixes } from '../../lib/backend/index';
import { assertWasmMatchesCpu, randomTensor, valuesOn, assertNear } from './wasm-compare';

const SHAPES: number[][] = [
  [1, 1, 1, 1],
  [1, 3, 5, 3],
  [2, 5, 3, 7],
  [3, 6],
  [7, 5],
  [1, 9, 9, 16],
  [4, 7, 5, 12],
  [5, 3, 3, 33],
];

/** A BN layer's training step: output, loss gradients (x, γ, β) and the running averages after it. */
function layerStep(shape: number[], seed: number, offset = 0) {
  return () => {
    const C = shape[shape.length - 1];
    const layer = tf.layers.batchNormalization({ momentum: 0.9, gammaInitializer: 'ones' });
    layer.build(shape);
    layer.setWeights([randomTensor([C], seed, 0.5, 1.5), randomTensor([C], seed + 1), tf.zeros([C]), tf.ones([C])]);
    const x = randomTensor(shape, seed + 2, offset - 2, offset + 2);
    const w = randomTensor(shape, seed + 3);
    const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, vars);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx, { training: true }) as tf.Tensor, w)))(x);
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    const out = [y, value, gx, ...vars.map((v) => grads[v.name]), ...layer.getWeights().slice(2).map((t) => tf.clone(t)), inference];
    for (const v of layer.weights) v.dispose();
    return out;
  };
}

describe('fused batch norm (training mode)', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is registered with the wasm fixes and runs AslBatchNormTrain for the layer', async () => {
    assert.ok(activeWasmTrainingFixes().includes('batchNorm'));
    await tf.setBackend('wasm');
    const info = await tf.profile(() => {
      tf.dispose(layerStep([2, 3, 3, 4], 1)());
    });
    assert.ok(info.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL));
    // In training mode nothing of tfjs' composed chain runs (inference still uses FusedBatchNorm).
    assert.ok(!info.kernels.some((k) => k.name === 'Tile' || k.name === 'Square'));
  });

  it('layer output, gradients (x, γ, β), running averages and inference equal cpu on every shape', async () => {
    for (const [i, shape] of SHAPES.entries()) await assertWasmMatchesCpu(layerStep(shape, 10 * i), `batch norm ${shape.join('×')}`, 2e-4);
    // Mean far from zero (the one-pass variance is shifted by the first position).
    await assertWasmMatchesCpu(layerStep([4, 6, 6, 5], 77, 1000), 'batch norm, mean 1000', 2e-3);
  });

  it('the gradients reaching the batch statistics are folded in (equals the composed gradient)', async () => {
    for (const [i, shape] of SHAPES.entries()) {
      const C = shape[shape.length - 1];
      const axes = shape.slice(0, -1).map((_, a) => a);
      const lossOf = (fused: boolean) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        let y: tf.Tensor;
        let mean: tf.Tensor;
        let variance: tf.Tensor;
        if (fused) [y, mean, variance] = batchNormTraining(x, g, b, 1e-3);
        else {
          ({ mean, variance } = tf.moments(x, axes));
          y = tf.batchNorm(x, mean, variance, b, g, 1e-3);
        }
        return tf.addN([tf.sum(tf.mul(y, randomTensor(shape, 5))), tf.sum(tf.mul(mean, randomTensor([C], 6))), tf.sum(tf.mul(variance, randomTensor([C], 7)))]);
      };
      const args = () => [randomTensor(shape, 10 * i), randomTensor([C], 10 * i + 1, 0.5, 1.5), randomTensor([C], 10 * i + 2)];
      const fused = await assertWasmMatchesCpu(() => tf.grads(lossOf(false))(args()), `composed ${shape.join('×')}`, 2e-4);
      const mine = await valuesOn('wasm', () => tf.grads(lossOf(true))(args()));
      mine.forEach((v, k) => assertNear(v, fused[k], 2e-4, `fused vs composed gradient ${k}, ${shape.join('×')}`));
    }
  });

  it('the JS fallback (SIMD kernels off) equals cpu', async () => {
    setWasmSimdKernelsEnabled(false);
    try {
      await assertWasmMatchesCpu(layerStep([3, 5, 5, 6], 4), 'batch norm fallback', 2e-4);
    } finally {
      setWasmSimdKernelsEnabled(true);
    }
  });

  it('a non-last axis and an unregistered fix run tfjs’ own layer code', async () => {
    await tf.setBackend('wasm');
    const layer = tf.layers.batchNormalization({ axis: 1 });
    const x = randomTensor([2, 3, 4], 1);
    const info = await tf.profile(() => {
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    });
    assert.ok(!info.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL));
    unregisterWasmTrainingFixes(['batchNorm']);
    try {
      const again = await tf.profile(() => {
        tf.dispose(layerStep([2, 3, 3, 4], 1)());
      });
      assert.ok(!again.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL));
    } finally {
      registerWasmTrainingFixes(['batchNorm']);
    }
    tf.dispose(x);
    for (const v of layer.weights) v.dispose();
  });
});
