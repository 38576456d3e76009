/**
 * ASL is exact for every logit: value and gradient of both implementations within float32 rounding of
 * an independent float64 evaluation, over z ∈ [−100, 100], both labels, every parameter set
 * (fractional exponents and the differentiated focusing weight included). And the table of the
 * hardening issue: the fused loss at very negative logits of positives matches the official code.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { asymmetricLoss } from '../../lib/index';
import { setupBackend } from '../helpers';

/** σ(z) in float64 without cancellation on either side. */
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

interface Params {
  gammaNeg: number;
  gammaPos: number;
  clip: number;
  eps: number;
  detach: boolean;
}

/** The official formula in float64 (log clamp at ε, probability shift m), value and dℓ/dz. */
function reference(z: number, y: 0 | 1, o: Params): { value: number; grad: number } {
  const p = sigmoid(z);
  const s = sigmoid(-z); // 1 − p
  if (y === 1) {
    const clamped = p <= o.eps;
    const logx = clamped ? Math.log(o.eps) : -Math.log1p(Math.exp(-z)); // log p
    const w = o.gammaPos === 0 ? 1 : Math.pow(s, o.gammaPos);
    const dLog = clamped ? 0 : s; // d log p / dz = 1 − p
    // dw/dz = −γ+·(1 − p)^γ+ · p
    const dw = o.gammaPos === 0 || o.detach ? 0 : -o.gammaPos * w * p;
    return { value: -w * logx, grad: -(w * dLog + dw * logx) };
  }
  if (p <= o.clip) return { value: 0, grad: 0 }; // q = 1: log 1 = 0 and the clip holds q constant
  const pm = p - o.clip;
  const q = s + o.clip; // < 1 here
  const clamped = q <= o.eps;
  const logq = clamped ? Math.log(o.eps) : Math.log1p(-pm); // log(1 − p_m)
  const w = o.gammaNeg === 0 ? 1 : Math.pow(pm, o.gammaNeg);
  const ps = p * s;
  const dLog = clamped ? 0 : -ps / q;
  // dw/dz = γ−·p_m^(γ−−1)·p(1 − p)
  const dw = o.gammaNeg === 0 || o.detach ? 0 : o.gammaNeg * Math.pow(pm, o.gammaNeg - 1) * ps;
  return { value: -w * logq, grad: -(w * dLog + dw * logq) };
}

const SETTINGS: Array<[number, number, number]> = [
  [4, 0, 0.05],
  [4, 1, 0.05],
  [2, 0, 0.2],
  [0, 0, 0],
  [2, 2, 0],
  [0.5, 0.5, 0],
  [0.7, 0.3, 0.05],
  [0, 0.5, 0.1],
  [3.5, 1.5, 0],
];

/** z on [−100, 100], dense near the interesting region, avoiding the points where a clamp switches. */
function grid(): number[] {
  const zs: number[] = [];
  for (let z = -100; z <= 100.0001; z += 0.25) zs.push(Math.round(z * 100) / 100);
  for (let z = -20; z <= 20; z += 0.0625) zs.push(z);
  return zs;
}

/** Whether z lies within float32 rounding of a switch point of the official formula (a kink). */
function nearKink(z: number, y: 0 | 1, o: Params): boolean {
  const p = sigmoid(z);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(b), 1e-30);
  return y === 1 ? near(p, o.eps) : (o.clip > 0 && near(p, o.clip)) || near(sigmoid(-z) + o.clip, o.eps);
}

const F32 = 2 ** -23;
const UNDERFLOW = 1e-33;

/**
 * How far the float64 value and gradient move when the inputs move by float32 rounding (z and m by a
 * few units in the last place): what "within float32 rounding" allows — near p = m, for instance,
 * p − m cancels in any float32 computation.
 */
function envelope(z: number, y: 0 | 1, o: Params): { value: number; grad: number } {
  const r = reference(z, y, o);
  let value = 0;
  let grad = 0;
  for (const dz of [-4, 4]) {
    for (const dm of [-4, 0, 4]) {
      const q = reference(z + dz * F32 * Math.max(Math.abs(z), 1), y, { ...o, clip: o.clip * (1 + dm * F32) });
      value = Math.max(value, Math.abs(q.value - r.value));
      grad = Math.max(grad, Math.abs(q.grad - r.grad));
    }
  }
  return { value, grad };
}

before(setupBackend);

describe('ASL is exact for every logit (both implementations vs float64)', () => {
  const zs = grid();
  for (const implementation of ['fused', 'autodiff'] as const) {
    for (const [gammaNeg, gammaPos, clip] of SETTINGS) {
      for (const detach of [true, false]) {
        test(`${implementation} (γ−=${gammaNeg}, γ+=${gammaPos}, m=${clip}, ${detach ? 'detached' : 'differentiated'})`, () => {
          const o: Params = { gammaNeg, gammaPos, clip, eps: 1e-8, detach };
          const y = [...zs.map(() => 0), ...zs.map(() => 1)];
          const z = [...zs, ...zs];
          const { value, grad } = tf.tidy(() => {
            const yt = tf.tensor2d(y, [1, y.length]);
            const f = (t: tf.Tensor) => tf.sum(asymmetricLoss(t, yt, { gammaNeg, gammaPos, clip, detachFocalWeight: detach, implementation, reduction: 'none', validate: false }));
            const zt = tf.tensor2d(z, [1, z.length]);
            const v = asymmetricLoss(zt, yt, { gammaNeg, gammaPos, clip, detachFocalWeight: detach, implementation, reduction: 'none', validate: false });
            return { value: Array.from(v.dataSync()), grad: Array.from(tf.grad(f)(zt).dataSync()) };
          });
          let checked = 0;
          let worstValue = 0;
          let worstGrad = 0;
          for (let i = 0; i < z.length; i++) {
            const label = y[i] as 0 | 1;
            // The logit as float32 holds it: the reference is evaluated at the same point.
            const zf = Math.fround(z[i]);
            if (nearKink(zf, label, o)) continue;
            const r = reference(zf, label, o);
            // float32 rounding: a few units in the last place of the result, what rounding the
            // inputs to float32 moves it by, and float32's range: products of σ(±z) beyond |z| ≈ 87
            // (below the smallest normal float32, 1.2e-38) underflow, so magnitudes under 1e-33 count as 0.
            const env = envelope(zf, label, o);
            const tolV = 32 * F32 * Math.abs(r.value) + env.value + UNDERFLOW;
            const tolG = 32 * F32 * Math.abs(r.grad) + env.grad + UNDERFLOW;
            const dv = Math.abs(value[i] - r.value);
            const dg = Math.abs(grad[i] - r.grad);
            worstValue = Math.max(worstValue, dv / Math.max(Math.abs(r.value), 1e-30));
            worstGrad = Math.max(worstGrad, dg / Math.max(Math.abs(r.grad), 1e-30));
            assert.ok(Number.isFinite(value[i]) && dv <= tolV, `value at z=${zf}, y=${label}: ${value[i]} vs float64 ${r.value}`);
            assert.ok(Number.isFinite(grad[i]) && dg <= tolG, `gradient at z=${zf}, y=${label}: ${grad[i]} vs float64 ${r.grad}`);
            checked++;
          }
          assert.ok(checked > 0.99 * z.length, `${checked} of ${z.length} points checked`);
        });
      }
    }
  }

  test('the hardening issue\'s table: positives at z = −10, −16, −17, −18 match the official values', () => {
    const z = [[-10, -16, -17, -18]];
    const y = [[1, 1, 1, 1]];
    const official = { value: [10.00005, 16.0, 17.0, 18.0], grad: [-0.99995, -1.0, -1.0, -1.0] };
    const { value, grad } = tf.tidy(() => {
      const yt = tf.tensor2d(y);
      const zt = tf.tensor2d(z);
      const v = asymmetricLoss(zt, yt, { reduction: 'none' });
      const g = tf.grad((t: tf.Tensor) => asymmetricLoss(t, yt))(zt);
      return { value: Array.from(v.dataSync()), grad: Array.from(g.dataSync()) };
    });
    value.forEach((v, i) => assert.ok(Math.abs(v - official.value[i]) < 1e-4 * official.value[i], `value at ${z[0][i]}: ${v}`));
    grad.forEach((g, i) => assert.ok(Math.abs(g - official.grad[i]) < 1e-4, `gradient at ${z[0][i]}: ${g}`));
  });
});
