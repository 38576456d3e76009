/**
 * Fused training-mode batch norm (lib/backend/fixes/batch-norm) against tfjs' cpu backend running
 * its own composed layer (moments + batchNorm, autodiff), on every shape the layer allows: rank 2
 * and 4, batch 1, odd spatial sizes, position counts that are not multiples of 4, channel counts
 * that are not multiples of 4, a large mean; its gradient with the statistics' gradients folded in;
 * the running averages; one thread vs all threads; the fallback; no leaks. With its ReLU fused
 * (`AslBatchNormReluTrain`, `markBatchNormRelu`): against relu(batchNorm) composed on cpu, a model
 * step with the pair fused against the same step on cpu, and which layers get marked.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import {
  initBackend,
  batchNormTraining,
  markBatchNormRelu,
  BATCH_NORM_TRAIN_KERNEL,
  BATCH_NORM_RELU_TRAIN_KERNEL,
  RELU_GRAD_KERNEL,
  activeWasmTrainingFixes,
  unregisterWasmTrainingFixes,
  registerWasmTrainingFixes,
} from '../../lib/backend/index';
import { assertWasmMatchesCpu, randomTensor, valuesOn, assertNear, withoutSimdKernels } from './wasm-compare';

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

/** relu(batch norm) and its gradients (x, γ, β, through the statistics too): fused on wasm, composed on cpu. */
function reluBatchNorm(shape: number[], seed: number) {
  return () => {
    const C = shape[shape.length - 1];
    const axes = shape.slice(0, -1).map((_, a) => a);
    const fused = !!tf.getKernel(BATCH_NORM_RELU_TRAIN_KERNEL, tf.getBackend());
    const w = randomTensor(shape, seed + 3);
    const wm = randomTensor([C], seed + 4);
    const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      let y: tf.Tensor;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (fused) [y, mean, variance] = batchNormTraining(x, g, b, 1e-3, { relu: true });
      else {
        ({ mean, variance } = tf.moments(x, axes));
        y = tf.relu(tf.batchNorm(x, mean, variance, b, g, 1e-3));
      }
      return tf.addN([tf.sum(tf.mul(y, w)), tf.sum(tf.mul(mean, wm)), tf.sum(tf.mul(variance, wm))]);
    };
    const args = [randomTensor(shape, seed), randomTensor([C], seed + 1, 0.5, 1.5), randomTensor([C], seed + 2, -0.5, 0.5)];
    const forward = fused ? batchNormTraining(args[0], args[1], args[2], 1e-3, { relu: true })[0] : tf.relu(tf.batchNorm(args[0], ...(Object.values(tf.moments(args[0], axes)) as [tf.Tensor, tf.Tensor]), args[2], args[1], 1e-3));
    return [forward, ...tf.grads(f)(args)];
  };
}

/** A conv → BN → ReLU → pool → dense model's training step (loss, gradients, running averages). */
function modelStep(marked: boolean) {
  return () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [7, 7, 3], filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: 1 }) }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: 2 }) }));
    if (marked) assert.equal(markBatchNormRelu(model), 1);
    const x = randomTensor([3, 7, 7, 3], 5);
    const vars = model.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    const out = [value, ...vars.map((v) => grads[v.name]), ...model.getWeights().map((t) => tf.clone(t)), model.apply(x, { training: false }) as tf.Tensor];
    model.dispose();
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
    await withoutSimdKernels(() => assertWasmMatchesCpu(layerStep([3, 5, 5, 6], 4), 'batch norm fallback', 2e-4));
    await withoutSimdKernels(() => assertWasmMatchesCpu(reluBatchNorm([3, 5, 5, 6], 7), 'relu(batch norm) fallback', 2e-4));
  });

  it('a non-last axis and an unregistered fix run tfjs’ own layer code', async () => {
    await tf.setBackend('wasm');
    const layer = tf.layers.batchNormalization({ axis: 1 });
    const x = randomTensor([2, 3, 4], 1);
    const info = await tf.profile(() => {
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    });
    assert.ok(!info.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL));
    const calls = () => [tf.layers.batchNormalization({}), tf.layers.reLU()].map((l) => (Object.getPrototypeOf(l) as { call: unknown }).call);
    const wrapped = calls();
    unregisterWasmTrainingFixes(['batchNorm']);
    try {
      const own = calls();
      assert.ok(own.every((c, i) => c !== wrapped[i]), 'unregistering puts back both layers’ own call');
      unregisterWasmTrainingFixes(['batchNorm']);
      assert.deepEqual(calls(), own, 'unregistering twice changes nothing');
      const again = await tf.profile(() => {
        tf.dispose(layerStep([2, 3, 3, 4], 1)());
      });
      assert.ok(!again.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL));
    } finally {
      registerWasmTrainingFixes(['batchNorm']);
    }
    assert.deepEqual(calls(), wrapped, 'registering again wraps the same calls');
    registerWasmTrainingFixes(['batchNorm']);
    assert.deepEqual(calls(), wrapped, 'registering twice wraps once');
    tf.dispose(x);
    for (const v of layer.weights) v.dispose();
  });
});

describe('batch norm with a fused ReLU (markBatchNormRelu)', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('output and gradients equal relu(batchNorm) on cpu, on every shape, threads on and off', async () => {
    for (const [i, shape] of SHAPES.entries()) await assertWasmMatchesCpu(reluBatchNorm(shape, 20 * i + 1), `relu(batch norm) ${shape.join('×')}`, 2e-4);
  });


  it('a marked model trains as the unfused one on cpu, and runs neither Relu nor its gradient', async () => {
    await assertWasmMatchesCpu(modelStep(true), 'conv → BN → ReLU model step', 2e-4);
    await tf.setBackend('wasm');
    const fused = await tf.profile(() => {
      tf.dispose(modelStep(true)());
    });
    const names = fused.kernels.map((k) => k.name);
    assert.ok(names.includes(BATCH_NORM_RELU_TRAIN_KERNEL));
    assert.ok(!names.includes(BATCH_NORM_TRAIN_KERNEL));
    assert.ok(!names.includes(RELU_GRAD_KERNEL));
    // The only Relu left is the inference pass (tfjs' own batch norm, then the ReLU layer).
    assert.equal(names.filter((n) => n === 'Relu').length, 1);
    const plain = await tf.profile(() => {
      tf.dispose(modelStep(false)());
    });
    assert.ok(plain.kernels.some((k) => k.name === BATCH_NORM_TRAIN_KERNEL) && !plain.kernels.some((k) => k.name === BATCH_NORM_RELU_TRAIN_KERNEL));
  });

  it('marks only batch norms whose every consumer is a plain ReLU and whose output is not a model output', () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const bn = (name: string) => tf.layers.batchNormalization({ name });
    const toRelu = bn('to_relu').apply(input) as tf.SymbolicTensor;
    const a = tf.layers.reLU().apply(toRelu) as tf.SymbolicTensor;
    const toCapped = bn('to_capped_relu').apply(input) as tf.SymbolicTensor;
    const b = tf.layers.reLU({ maxValue: 6 }).apply(toCapped) as tf.SymbolicTensor;
    const shared = bn('to_relu_and_conv').apply(input) as tf.SymbolicTensor;
    const c = tf.layers.reLU().apply(shared) as tf.SymbolicTensor;
    const d = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(shared) as tf.SymbolicTensor;
    const asOutput = bn('output_and_relu');
    const e = asOutput.apply(input) as tf.SymbolicTensor;
    const f = tf.layers.reLU().apply(e) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [a, b, c, d, e, f] });
    assert.equal(markBatchNormRelu(model), 1);
    // A model that ends in batch norm.
    const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.batchNormalization()] });
    assert.equal(markBatchNormRelu(seq), 0);
    model.dispose();
    seq.dispose();
  });
});
