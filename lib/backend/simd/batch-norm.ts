/**
 * Batch normalisation in training mode over the last axis of a float32 tensor (P positions × C
 * channels), forward and backward, each as two passes over the data: per-channel sums, then the
 * per-element update. On the wasm heap with the SIMD kernels of ./norm-kernels where `heap` is
 * given (split over the kernel threads), else in plain JS loops over `view` (the same formulas).
 *
 * Forward: μ, σ² (biased) from the sums of u = x − k and u² with k the first position's values
 * (a shift that keeps the one-pass variance accurate when |μ| ≫ σ); y = x·a + b with
 * a = γ / √(σ² + ε), b = β − μ·a.
 *
 * Backward with r = 1 / √(σ² + ε), S1 = Σ dy, S2 = Σ dy·(x − μ), and the incoming gradients of the
 * batch statistics dμ and dσ² (zero when only y is used):
 * dγ = r·S2, dβ = S1, dx = γr·dy − γr³·S2/P·(x − μ) − γr·S1/P + dμ/P + 2·dσ²/P·(x − μ).
 *
 * With a fused ReLU (`relu` forward, `reluOut` backward) the output is max(y, 0) and the backward pass
 * reads dy as (out > 0 ? dy : 0), out that output: the same numbers as batch norm followed by
 * tfjs' ReLU and its gradient, one pass fewer each way.
 *
 * Sums are float64 per block of positions (f32 within a block of 512) and blocks are added in a
 * fixed order, so results do not depend on the number of threads.
 */
import type { WasmHeap } from './wasm-api';
import { Carve, heapScratch, partsFor, runJobs, splitRange } from './jobs';
import { SUM_BLOCK } from './norm-kernels';

/** Periods (4 positions each) per job of the sums: each job has its own partial sums. */
const GROUP_CHUNKS = 8 * SUM_BLOCK;

/** Where the data is: a heap with the SIMD kernels, or only a float32 view of it. */
export interface NormTarget {
  heap: WasmHeap | null;
  /** Float32 view of the heap (or the backend's arrays), indexed by float offsets. */
  view: () => Float32Array;
}

interface Sums {
  s1: Float64Array;
  s2: Float64Array;
}

/**
 * Per-channel S1 = Σ v, S2 = Σ v·u with u = a − shift and v = u (`grad` false) or b (`grad` true),
 * over P positions of C channels at float offsets `a`, `b`; with `mask` (a float offset), v is
 * taken as 0 where the value at `mask` is not > 0. `totalsOnly` (shift 0, not `grad`): S1 alone, by
 * the SIMD kernel that skips S2 (S2 is then 0 for the SIMD part).
 */
function channelSums(t: NormTarget, grad: boolean, a: number, b: number, P: number, C: number, shift: Float32Array, mask: number | null = null, totalsOnly = false): Sums {
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  const period = 4 * C;
  const chunks = t.heap ? Math.floor(P / 4) : 0;
  if (chunks > 0) {
    const heap = t.heap!;
    const groups = splitRange(chunks, Math.ceil(chunks / GROUP_CHUNKS));
    const carve = new Carve(heapScratch(heap, period * 4 + groups.length * (period * 8 + period * 16 + 32) + 64));
    const shiftAt = carve.take(period * 4);
    const accs = groups.map(() => carve.take(period * 8));
    const outs = groups.map(() => carve.take(period * 16));
    const f = new Float32Array(heap.memory.buffer);
    for (let i = 0; i < period; i++) f[shiftAt / 4 + i] = shift[i % C];
    for (const o of outs) new Float64Array(heap.memory.buffer, o, 2 * period).fill(0);
    runJobs(
      heap,
      mask !== null ? 'bnSumsGradMasked' : grad ? 'bnSumsGrad' : totalsOnly ? 'channelTotals' : 'bnSums',
      groups.map(([c0, c1], i) => [4 * (a + c0 * period), grad ? 4 * (b + c0 * period) : 0, ...(mask !== null ? [4 * (mask + c0 * period)] : []), c1 - c0, period, shiftAt, accs[i], outs[i]]),
    );
    for (const o of outs) {
      const d = new Float64Array(heap.memory.buffer, o, 2 * period);
      for (let i = 0; i < period; i++) {
        s1[i % C] += d[i];
        s2[i % C] += d[period + i];
      }
    }
  }
  const v = t.view();
  for (let p = 4 * chunks; p < P; p++) {
    for (let c = 0; c < C; c++) {
      const u = v[a + p * C + c] - shift[c];
      const w = mask !== null && !(v[mask + p * C + c] > 0) ? 0 : grad ? v[b + p * C + c] : u;
      s1[c] += w;
      s2[c] += w * u;
    }
  }
  return { s1, s2 };
}

/** Per-channel totals Σ over P positions of the P × C values at float offset `a` (a bias's gradient). */
export function channelTotals(t: NormTarget, a: number, P: number, C: number): Float64Array {
  return channelSums(t, false, a, 0, P, C, new Float32Array(C), null, true).s1;
}

/** Expands per-channel values to one period (4·C floats) on the heap. */
function expand(f: Float32Array, at: number, values: ArrayLike<number>, C: number): void {
  for (let i = 0; i < 4 * C; i++) f[at / 4 + i] = values[i % C];
}

/** Chunk ranges of an element-wise pass over P positions, one per thread. */
function passRanges(heap: WasmHeap, P: number, C: number): [number, number][] {
  const chunks = Math.floor(P / 4);
  return splitRange(chunks, partsFor(heap, P * C));
}

/**
 * y = batch-normalised x (training mode): statistics of this batch. `x`, `y` float offsets of
 * P × C values; returns the batch mean and (biased) variance. With `relu`, y = max(normalised x, 0).
 */
export function batchNormForward(t: NormTarget, x: number, P: number, C: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, epsilon: number, y: number, relu = false): { mean: Float64Array; variance: Float64Array } {
  const shift = P > 0 ? t.view().slice(x, x + C) : new Float32Array(C);
  const { s1, s2 } = channelSums(t, false, x, 0, P, C, shift);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = s1[c] / P;
    mean[c] = shift[c] + m;
    variance[c] = Math.max(0, s2[c] / P - m * m);
    a[c] = gamma[c] / Math.sqrt(variance[c] + epsilon);
    b[c] = beta[c] - mean[c] * a[c];
  }
  const period = 4 * C;
  let done = 0;
  if (t.heap && P >= 4) {
    const heap = t.heap;
    const carve = new Carve(heapScratch(heap, 2 * period * 4 + 64));
    const scaleAt = carve.take(period * 4);
    const offsetAt = carve.take(period * 4);
    const f = new Float32Array(heap.memory.buffer);
    expand(f, scaleAt, a, C);
    expand(f, offsetAt, b, C);
    const ranges = passRanges(heap, P, C);
    runJobs(heap, relu ? 'bnAffineRelu' : 'bnAffine', ranges.map(([c0, c1]) => [4 * (x + c0 * period), 4 * (y + c0 * period), c1 - c0, period, scaleAt, offsetAt]));
    done = 4 * Math.floor(P / 4);
  }
  const v = t.view();
  for (let p = done; p < P; p++) {
    for (let c = 0; c < C; c++) {
      const out = v[x + p * C + c] * a[c] + b[c];
      v[y + p * C + c] = relu ? Math.max(out, 0) : out;
    }
  }
  return { mean, variance };
}

/**
 * Gradients of batch normalisation in training mode: writes dx (float offset `dx`), returns dγ
 * and dβ. `mean`, `variance` as the forward pass returned them (float32 tensors' values);
 * `dmean`, `dvariance` the gradients reaching the batch statistics (or null); `reluOut` the float
 * offset of the forward output when a ReLU was fused into it (dy counts only where it is > 0), else null.
 */
export function batchNormBackward(
  t: NormTarget,
  x: number,
  dy: number,
  P: number,
  C: number,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  gamma: ArrayLike<number>,
  epsilon: number,
  dmean: ArrayLike<number> | null,
  dvariance: ArrayLike<number> | null,
  dx: number,
  reluOut: number | null = null,
): { dscale: Float64Array; doffset: Float64Array } {
  const shift = Float32Array.from(mean);
  const { s1, s2 } = channelSums(t, true, x, dy, P, C, shift, reluOut);
  const k1 = new Float32Array(C);
  const k2 = new Float32Array(C);
  const k3 = new Float32Array(C);
  const dscale = new Float64Array(C);
  const doffset = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const r = 1 / Math.sqrt(variance[c] + epsilon);
    const gr = gamma[c] * r;
    dscale[c] = r * s2[c];
    doffset[c] = s1[c];
    k1[c] = gr;
    k2[c] = (-gr * r * r * s2[c]) / P + (dvariance ? (2 * dvariance[c]) / P : 0);
    k3[c] = (-gr * s1[c]) / P + (dmean ? dmean[c] / P : 0);
  }
  const period = 4 * C;
  let done = 0;
  if (t.heap && P >= 4) {
    const heap = t.heap;
    const carve = new Carve(heapScratch(heap, 4 * period * 4 + 64));
    const at = [0, 1, 2, 3].map(() => carve.take(period * 4));
    const f = new Float32Array(heap.memory.buffer);
    [k1, k2, k3, shift].forEach((values, i) => expand(f, at[i], values, C));
    const ranges = passRanges(heap, P, C);
    const masked = reluOut !== null;
    runJobs(
      heap,
      masked ? 'bnBackwardMasked' : 'bnBackward',
      ranges.map(([c0, c1]) => [4 * (x + c0 * period), 4 * (dy + c0 * period), ...(masked ? [4 * (reluOut + c0 * period)] : []), 4 * (dx + c0 * period), c1 - c0, period, at[0], at[1], at[2], at[3]]),
    );
    done = 4 * Math.floor(P / 4);
  }
  const v = t.view();
  for (let p = done; p < P; p++) {
    for (let c = 0; c < C; c++) {
      const i = p * C + c;
      const g = reluOut !== null && !(v[reluOut + i] > 0) ? 0 : v[dy + i];
      v[dx + i] = k1[c] * g + k2[c] * (v[x + i] - shift[c]) + k3[c];
    }
  }
  return { dscale, doffset };
}
