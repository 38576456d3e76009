/** Shared test helpers: backend start-up and numeric assertions. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/index';

/** Initialises the workbook's default backend once per test file (wasm here). */
export async function setupBackend(): Promise<string> {
  const choice = await initBackend();
  return choice.backend;
}

/** Asserts |actual − expected| ≤ tol (absolute) element-wise, naming the first offending index. */
export function assertClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  tol = 1e-5,
  message = '',
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  assert.equal(a.length, e.length, `${message} length ${a.length} ≠ ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isNaN(e[i]) ? Number.isNaN(a[i]) : Math.abs(a[i] - e[i]) <= tol;
    assert.ok(ok, `${message} index ${i}: got ${a[i]}, expected ${e[i]} (tol ${tol})`);
  }
}

/** Reads a tensor's values as a plain array and disposes it. */
export function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Runs `fn` and asserts it leaves no tensor behind. */
export function assertNoLeak(fn: () => void, message = ''): void {
  const before = tf.memory().numTensors;
  fn();
  assert.equal(tf.memory().numTensors, before, `${message} leaked ${tf.memory().numTensors - before} tensor(s)`);
}

/** Central finite differences of a scalar function of a flat array (float64 arithmetic in fn). */
export function finiteDifferences(f: (x: number[]) => number, x: number[], h = 1e-3): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}
