import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { initBackend, setWasmSimdKernelsEnabled } from '../../lib/backend/index';
import { seededRandom } from '../../lib/core/random';
import { FUSED_ADAM_KERNEL, FUSED_SGD_KERNEL, FUSED_EMA_KERNEL, registerFusedOptimizerKernels } from '../../lib/backend/fixes/fused-optimizer';
import { assertClose } from '../helpers';

/** The Adam step written with tf ops (the reference the fused kernel replaces). */
function adamOps(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: { lr: number; beta1: number; beta2: number; epsilon: number; step: number; weightDecay: number; decoupled: boolean }) {
  return tf.tidy(() => {
    const gg = a.decoupled ? g : g.add(w.mul(a.weightDecay));
    const m2 = m.mul(a.beta1).add(gg.mul(1 - a.beta1));
    const v2 = v.mul(a.beta2).add(gg.square().mul(1 - a.beta2));
    let w2 = w.sub(m2.div(1 - a.beta1 ** a.step).div(v2.div(1 - a.beta2 ** a.step).sqrt().add(a.epsilon)).mul(a.lr));
    if (a.decoupled) w2 = w2.sub(w.mul(a.lr * a.weightDecay));
    return [w2, m2, v2].map((t) => Array.from(t.dataSync()));
  });
}

describe('fused optimizer kernels', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
    registerFusedOptimizerKernels();
  });

  // wasm runs Adam with the SIMD kernel (35 elements: 32 in f32x4 lanes, a JS tail of 3), and
  // without it (the JS loop).
  for (const [backend, simd] of [['wasm', true], ['wasm', false], ['cpu', true]] as const) {
    it(`AslFusedAdam, AslFusedSgd and AslFusedEma on ${backend}${simd ? '' : ' without SIMD kernels'} equal the tf-op updates`, async () => {
      await tf.setBackend(backend);
      setWasmSimdKernelsEnabled(simd);
      const rnd = seededRandom(backend === 'cpu' ? 1 : simd ? 2 : 3);
      const make = (shape: number[], positive = false) => tf.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => (positive ? rnd() : rnd() * 2 - 1)), shape);
      const [w, g, m, v] = [make([7, 5]), make([7, 5]), make([7, 5]), make([7, 5], true)];
      for (const decoupled of [false, true]) {
        const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3, weightDecay: 0.05, decoupled };
        const out = tf.engine().runKernel(FUSED_ADAM_KERNEL, { w, g, m, v }, attrs) as unknown as tf.Tensor[];
        const ref = adamOps(w, g, m, v, attrs);
        out.forEach((t, i) => assertClose(t.dataSync(), ref[i], 1e-6, `adam decoupled=${decoupled} output ${i}`));
        tf.dispose(out);
      }
      for (const nesterov of [false, true]) {
        const out = tf.engine().runKernel(FUSED_SGD_KERNEL, { w, g, b: m }, { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov }) as unknown as tf.Tensor[];
        const ref = tf.tidy(() => {
          const gg = g.add(w.mul(0.01));
          const b2 = m.mul(0.9).add(gg);
          const w2 = w.sub((nesterov ? gg.add(b2.mul(0.9)) : b2).mul(0.1));
          return [w2, b2].map((t) => Array.from(t.dataSync()));
        });
        out.forEach((t, i) => assertClose(t.dataSync(), ref[i], 1e-6, `sgd nesterov=${nesterov} output ${i}`));
        tf.dispose(out);
      }
      const [ema] = tf.engine().runKernel(FUSED_EMA_KERNEL, { ema: m, w }, { decay: 0.9 }) as unknown as tf.Tensor[];
      assertClose(ema.dataSync(), tf.tidy(() => Array.from(m.mul(0.9).add(w.mul(0.1)).dataSync())), 1e-6, 'ema');
      ema.dispose();
      const before = tf.memory().numTensors;
      tf.dispose(tf.engine().runKernel(FUSED_ADAM_KERNEL, { w, g, m, v }, { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1, weightDecay: 0, decoupled: false }) as unknown as tf.Tensor[]);
      assert.equal(tf.memory().numTensors, before, 'no leak');
      tf.dispose([w, g, m, v]);
      setWasmSimdKernelsEnabled(true);
      await tf.setBackend('wasm');
    });
  }
});
