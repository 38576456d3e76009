/**
 * Helpers of the wasm kernel tests: run the same computation on the cpu backend (tfjs' reference
 * kernels) and on wasm (the workbook's kernels), with one thread and with all kernel threads, and
 * compare.
 */
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { setWasmSimdKernelsEnabled, setWasmThreads, wasmThreads } from '../../lib/backend/index';
import { seededRandom } from '../../lib/core/random';

/** Seeded uniform values in [lo, hi). */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rnd = seededRandom(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rnd());
}

/** A seeded tensor of `shape`. */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

/** Runs `f` on `backend` and returns its outputs' values (everything it creates is disposed). */
export async function valuesOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** |a − b| ≤ tol·(1 + |b|) element-wise, naming the first offending index. */
export function assertNear(actual: Float32Array, expected: Float32Array, tol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])) || (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    if (!ok) assert.fail(`${label}: index ${i}: wasm ${actual[i]} vs cpu ${expected[i]}`);
  }
}

/**
 * Checks `f` on wasm against cpu, on wasm with every kernel thread and with one (the two must be
 * bit-identical: kernels split work without changing any value's arithmetic), and that wasm leaves
 * no tensor behind. Returns the wasm values.
 */
export async function assertWasmMatchesCpu(f: () => tf.Tensor | tf.Tensor[], label: string, tol = 1e-4): Promise<Float32Array[]> {
  const cpu = await valuesOn('cpu', f);
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const threads = wasmThreads();
  const many = await valuesOn('wasm', f);
  setWasmThreads(1);
  let one: Float32Array[];
  try {
    one = await valuesOn('wasm', f);
  } finally {
    setWasmThreads(threads);
  }
  assert.equal(tf.memory().numTensors, before, `${label}: wasm leaked ${tf.memory().numTensors - before} tensor(s)`);
  assert.equal(many.length, cpu.length, `${label}: output count`);
  many.forEach((v, i) => {
    assertNear(v, cpu[i], tol, `${label} output ${i}`);
    assert.deepEqual(one[i], v, `${label} output ${i}: one thread and ${threads} threads differ`);
  });
  return many;
}

/** Runs `f` with the workbook's SIMD kernels switched off (the JS fallbacks), then switches them back on. */
export async function withoutSimdKernels<T>(f: () => T | Promise<T>): Promise<T> {
  setWasmSimdKernelsEnabled(false);
  try {
    return await f();
  } finally {
    setWasmSimdKernelsEnabled(true);
  }
}
