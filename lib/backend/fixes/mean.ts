/**
 * `Mean` over a block of adjacent axes before the last (a global average pool: `[N, H, W, C]` over
 * H and W) and its gradient on wasm, in one pass each over the heap.
 *
 * Why (measured on the reference CNN, 48×48×1, batch 64, AMD EPYC, 2 threads):
 * - tfjs' gradient of `Mean` is `dy · ones(x.shape) / n`. `ones` fills a new typed array in
 *   JavaScript through a store that sees three array types (about 13 ns an element): for the
 *   pool's 64×12×12×64 input, 7.7 ms of a 48 ms step, then a broadcast multiply and a divide on
 *   the heap. Here `AslMeanGrad` {dy} writes dy / n to every reduced position directly.
 *   (`tf.broadcastTo(dy / n)` would give the same values, but tfjs' wasm `Tile` takes 49 ms there.)
 * - tfjs' wasm `Mean` transposes the reduced axes innermost first (a full copy of x).
 *
 * Same numbers as tfjs: the forward sums each output's inputs in float32 in the order tfjs' kernel
 * does (reduced positions in row-major order; a float32 store after each double-precision add is
 * the correctly rounded float32 add), then divides by n in float32; the gradient writes fl(dy / n),
 * what `dy · 1 / n` gives. Other axes (the last one included, which tfjs' kernel reduces without a
 * transpose), other dtypes and other backends run tfjs' kernel and formula.
 */
import * as tf from '../../core/tf';
import { heapScratch, partsFor, runJobs, splitRange } from '../simd/jobs';
import { heapOf, registerGradientOnce, replaceKernel, restoreKernel, sizeOf, wasmKernel } from './kernel-api';
import type { TensorInfoLike, WasmKernelFunc } from './kernel-api';

export const MEAN_GRAD_KERNEL = 'AslMeanGrad';

/** The axes a reduction over `axis` takes (every axis for none), as tfjs reads them. */
function reducedAxes(shape: readonly number[], axis: number | number[] | undefined | null): number[] {
  return axis == null ? shape.map((_, k) => k) : tf.util.parseAxisParam(axis, [...shape]);
}

/** `[outer, reduced, inner]` of a reduction over axes that are one block of adjacent axes before the last, else null. */
export function middleAxesSplit(shape: readonly number[], axis: number | number[] | undefined): [number, number, number] | null {
  if (shape.length < 2) return null;
  const axes = [...new Set(reducedAxes(shape, axis))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length || last >= shape.length - 1) return null;
  return [sizeOf(shape.slice(0, first)), sizeOf(shape.slice(first, last + 1)), sizeOf(shape.slice(last + 1))];
}

/** `out[o, i] = (Σ_r x[o, r, i]) / reduced`, summed in float32 in order of r. */
export function meanOverMiddleInto(x: Float32Array, outer: number, reduced: number, inner: number, out: Float32Array): void {
  const acc = new Float32Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let at = o * reduced * inner;
    for (let r = 0; r < reduced; r++, at += inner) for (let i = 0; i < inner; i++) acc[i] += x[at + i];
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] / reduced;
  }
}

/** `dx[o, r, i] = dy[o, i] / reduced`, rounded to float32. */
export function meanGradOverMiddleInto(dy: Float32Array, outer: number, reduced: number, inner: number, dx: Float32Array): void {
  const row = new Float32Array(inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) row[i] = dy[o * inner + i] / reduced;
    for (let r = 0, at = o * reduced * inner; r < reduced; r++, at += inner) dx.set(row, at);
  }
}

const meanWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const split = x.dtype === 'float32' && sizeOf(x.shape) > 0 ? middleAxesSplit(x.shape, attrs.axis as number | number[]) : null;
  if (!split) return wasmKernel('Mean')(args);
  const axes = reducedAxes(x.shape, attrs.axis as number | number[] | null);
  const shape = attrs.keepDims ? x.shape.map((d, k) => (axes.includes(k) ? 1 : d)) : x.shape.filter((_, k) => !axes.includes(k));
  const out = backend.makeOutput(shape, 'float32');
  const [outer, reduced, inner] = split;
  const heap = heapOf(backend);
  if (heap && inner % 4 === 0) {
    // The SIMD pass (../simd/norm-kernels `meanMiddle`), outer rows split over the kernel threads.
    const divisor = heapScratch(heap, 16);
    new Float32Array(heap.memory.buffer, divisor, 1)[0] = reduced;
    const [xAt, outAt] = [backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId)];
    runJobs(heap, 'meanMiddle', splitRange(outer, partsFor(heap, outer * reduced * inner)).map(([o0, o1]) => [xAt, outAt, o0, o1, reduced, 4 * inner, divisor]));
  } else meanOverMiddleInto(backend.typedArrayFromHeap(x), outer, reduced, inner, backend.typedArrayFromHeap(out));
  return out;
};

/** `AslMeanGrad` {dy} (attrs `shape`: x's shape; `axis`) → dx of x's shape. */
const meanGradWasm: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs.dy!;
  const shape = attrs.shape as number[];
  const split = middleAxesSplit(shape, attrs.axis as number | number[]);
  if (!split) throw new Error(`${MEAN_GRAD_KERNEL}: axes ${JSON.stringify(attrs.axis)} of shape [${shape}] are not one block before the last axis`);
  if (sizeOf(dy.shape) !== split[0] * split[2]) throw new Error(`${MEAN_GRAD_KERNEL}: dy of shape [${dy.shape}] does not match the mean of [${shape}] over ${JSON.stringify(attrs.axis)}`);
  const dx: TensorInfoLike = backend.makeOutput([...shape], 'float32');
  meanGradOverMiddleInto(backend.typedArrayFromHeap(dy), ...split, backend.typedArrayFromHeap(dx));
  return dx;
};

/**
 * `Mean`'s gradient: `AslMeanGrad` where the backend has it and the axes suit it, else the gradient
 * tfjs registered (kept when this one replaces it).
 */
function registerMeanGradient(): void {
  const tfjs = tf.getGradient('Mean');
  if (!tfjs) throw new Error("mean fix: tfjs-core registered no gradient for 'Mean' (are its gradients loaded?)");
  registerGradientOnce({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const [x] = saved;
      const axis = (attrs as unknown as { axis: number | number[] }).axis;
      const fast = tf.getKernel(MEAN_GRAD_KERNEL, tf.getBackend()) !== undefined && g.dtype === 'float32' && middleAxesSplit(x.shape, axis) !== null;
      if (!fast) return tfjs.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(MEAN_GRAD_KERNEL, { dy: g }, { shape: x.shape, axis } as unknown as tf.NamedAttrMap) as tf.Tensor };
    },
  });
}

export function registerMeanFix(): void {
  registerMeanGradient();
  replaceKernel('Mean', meanWasm);
  replaceKernel(MEAN_GRAD_KERNEL, meanGradWasm);
}

export function unregisterMeanFix(): void {
  restoreKernel('Mean');
  restoreKernel(MEAN_GRAD_KERNEL);
}
