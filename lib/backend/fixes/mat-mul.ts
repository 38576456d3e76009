/**
 * Matrix products on wasm: `BatchMatMul` and `_FusedMatMul` (dense layers) on the workbook's SIMD
 * product (../simd/gemm), on every kernel thread where the heap is shared.
 *
 * Why: tfjs' wasm `BatchMatMul` with `transposeA`/`transposeB` is pathologically slow (a
 * [128,4096]ᵀ·[128,512] product took ≈1.1 s with the flag), and every dense layer's gradient uses
 * these flags; and XNNPACK re-packs the right operand whenever it is a new tensor, which in training
 * the weights are after every update (a 4096×512 weight: ≈14 ms of packing for a ≈21 ms product).
 * The SIMD product takes transposes as strides, packs with plain copies, and runs ≈1.5× faster than
 * XNNPACK's kernel even when XNNPACK's packing is cached. Where wasm SIMD is missing it falls back
 * to explicit transposes (blocked JS copies on the heap) and the flag-free XNNPACK product.
 */
import * as tf from '../../core/tf';
import { heapGemm } from '../simd/gemm';
import { heapOf, sizeOf, wasmKernel } from './kernel-api';
import type { TensorInfoLike, WasmBackendLike, WasmKernelFunc } from './kernel-api';

/**
 * Blocked transpose of the last two axes, `out[b, j, i] = x[b, i, j]`, for `batch` matrices of
 * `rows × cols`. Written in JS on the heap views: the wasm `Transpose` kernel is generic and about
 * 3–4× slower on these shapes.
 */
export function transposeLastTwoInto(x: Float32Array, batch: number, rows: number, cols: number, out: Float32Array): void {
  const B = 32;
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = Math.min(i0 + B, rows);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = Math.min(j0 + B, cols);
        for (let i = i0; i < i1; i++) {
          const src = base + i * cols;
          for (let j = j0; j < j1; j++) out[base + j * rows + i] = x[src + j];
        }
      }
    }
  }
}

/** A new heap tensor holding `x` with its last two axes swapped (the caller disposes it). */
function swapLastTwoInfo(backend: WasmBackendLike, x: TensorInfoLike): TensorInfoLike {
  const r = x.shape.length;
  const rows = x.shape[r - 2];
  const cols = x.shape[r - 1];
  const batch = x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const outShape = [...x.shape.slice(0, -2), cols, rows];
  const out = backend.makeOutput(outShape, x.dtype); // allocate before taking views (heap growth)
  transposeLastTwoInto(backend.typedArrayFromHeap(x), batch, rows, cols, backend.typedArrayFromHeap(out));
  return out;
}

/**
 * A `BatchMatMul` kernel that never hands transpose flags to the wasm product. C = op(A)·op(B) is
 * computed either directly after materialising the flagged operands, or as Cᵀ = op(B)ᵀ·op(A)ᵀ
 * followed by one transpose of the result, whichever moves fewer values (a dense layer's weight
 * gradient Xᵀ·G is cheaper the second way when the batch is small). Transposes are blocked JS
 * copies on the heap ({@link transposeLastTwoInto}).
 */
const flagFreeBatchMatMul: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const tA = !!attrs.transposeA;
  const tB = !!attrs.transposeB;
  const original = wasmKernel('BatchMatMul');
  if ((!tA && !tB) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length) {
    return original(args);
  }
  const rank = a.shape.length;
  const m = tA ? a.shape[rank - 1] : a.shape[rank - 2];
  const n = tB ? b.shape[rank - 2] : b.shape[rank - 1];
  const batch = Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));
  const direct = (tA ? sizeOf(a.shape) : 0) + (tB ? sizeOf(b.shape) : 0);
  const swapped = (tA ? 0 : sizeOf(a.shape)) + (tB ? 0 : sizeOf(b.shape)) + batch * m * n;
  const temps: TensorInfoLike[] = [];
  const flip = (x: TensorInfoLike): TensorInfoLike => {
    const t = swapLastTwoInfo(backend, x);
    temps.push(t);
    return t;
  };
  const plain = { transposeA: false, transposeB: false };
  try {
    if (direct <= swapped) {
      const a2 = tA ? flip(a) : a;
      const b2 = tB ? flip(b) : b;
      return original({ inputs: { a: a2, b: b2 }, backend, attrs: plain });
    }
    // Cᵀ = op(B)ᵀ · op(A)ᵀ: op(B)ᵀ is B itself when tB, else Bᵀ; likewise for A.
    const left = tB ? b : flip(b);
    const right = tA ? a : flip(a);
    const ct = original({ inputs: { a: left, b: right }, backend, attrs: plain });
    temps.push(ct);
    return swapLastTwoInfo(backend, ct);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** `_FusedMatMul` (dense layers' forward pass) without transpose flags (the operands are flipped first). */
const flagFreeFusedMatMul: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const original = wasmKernel('_FusedMatMul');
  const a = inputs.a!;
  const b = inputs.b!;
  if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
  const temps: TensorInfoLike[] = [];
  try {
    const a2 = attrs.transposeA ? swapLastTwoInfo(backend, a) : a;
    const b2 = attrs.transposeB ? swapLastTwoInfo(backend, b) : b;
    if (a2 !== a) temps.push(a2);
    if (b2 !== b) temps.push(b2);
    return original({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** Whether the SIMD matrix product (./simd/gemm) serves products on this backend. */
export function wasmSimdMatMulAvailable(): boolean {
  return tf.getBackend() === 'wasm' && heapOf(tf.backend() as unknown as WasmBackendLike) !== null;
}

/**
 * op(A)·op(B) for float32 operands of rank ≥ 2 with the SIMD product, the transposes expressed as
 * strides (no copies). Batch dimensions must match or be all 1 on one side (the broadcasts tfjs
 * models use). Returns null when it does not apply, for the caller to fall back.
 */
export function simdProduct(backend: WasmBackendLike, a: TensorInfoLike, b: TensorInfoLike, tA: boolean, tB: boolean): TensorInfoLike | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const heap = heapOf(backend);
  if (!heap) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  if ((tB ? b.shape[rb - 1] : b.shape[rb - 2]) !== K) return null; // let tfjs report the mismatch
  let outBatch: number[];
  try {
    outBatch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const batch = sizeOf(outBatch);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  const out = backend.makeOutput([...outBatch, M, N], 'float32');
  const pa = backend.getMemoryOffset(a.dataId);
  const pb = backend.getMemoryOffset(b.dataId);
  const pc = backend.getMemoryOffset(out.dataId);
  for (let t = 0; t < batch; t++) {
    heapGemm(
      heap,
      M,
      N,
      K,
      { ptr: pa + (batchA === 1 ? 0 : t * M * K * 4), rowStride: tA ? 4 : 4 * K, colStride: tA ? 4 * M : 4 },
      { ptr: pb + (batchB === 1 ? 0 : t * K * N * 4), rowStride: tB ? 4 : 4 * N, colStride: tB ? 4 * K : 4 },
      pc + t * M * N * 4,
      4 * N,
    );
  }
  return out;
}

/** `BatchMatMul`: the SIMD product, else the flag-free XNNPACK path. */
export const matMulWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  return simdProduct(backend, inputs.a!, inputs.b!, !!attrs.transposeA, !!attrs.transposeB) ?? flagFreeBatchMatMul(args);
};

/** Element-wise activations of `_FusedMatMul` applied after the SIMD product (tfjs' definitions). */
const EPILOGUE_ACTIVATIONS: Record<string, ((x: number, alpha: number) => number) | null> = {
  linear: null,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  leakyrelu: (x, alpha) => (x < 0 ? alpha * x : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/**
 * `_FusedMatMul` (dense layers' forward pass): the product (SIMD, else flag-free XNNPACK), then
 * bias and activation in one pass over the output. This also avoids two bugs of tfjs' own wasm
 * kernel (4.22): batches after the first, and a bias of size 1, come out wrong. PReLU, biases
 * that are not per-column, and unknown activations take tfjs' kernel (flag-free).
 */
export const fusedMatMulWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const bias = inputs.bias;
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  const tB = !!attrs.transposeB;
  const N = tB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const biasSize = bias ? sizeOf(bias.shape) : 0;
  const biasPerColumn = !bias || (bias.dtype === 'float32' && (biasSize === 1 || (biasSize === N && bias.shape[bias.shape.length - 1] === N)));
  if (inputs.preluActivationWeights || !(activation in EPILOGUE_ACTIVATIONS) || !biasPerColumn) return flagFreeFusedMatMul(args);
  const out =
    simdProduct(backend, a, b, !!attrs.transposeA, tB) ??
    flagFreeBatchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: attrs.transposeA, transposeB: tB } });
  const f = EPILOGUE_ACTIVATIONS[activation];
  if (!bias && !f) return out;
  const c = backend.typedArrayFromHeap(out);
  const bv = bias ? backend.typedArrayFromHeap(bias) : null;
  const alpha = (attrs.leakyreluAlpha as number | undefined) ?? 0.2;
  for (let row = 0; row < c.length; row += N) {
    for (let j = 0; j < N; j++) {
      let x = c[row + j];
      if (bv) x += bv[biasSize === 1 ? 0 : j];
      c[row + j] = f ? f(x, alpha) : x;
    }
  }
  return out;
};
