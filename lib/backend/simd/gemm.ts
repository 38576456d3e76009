/**
 * General matrix product on the wasm heap with the SIMD kernels of ./kernels, blocked the
 * GotoBLAS way: for each `nc`-wide, `kc`-deep block of B, the block is packed once into
 * `GEMM_NR`-column panels; for each `mc`-row slice of A, A's block is packed into `GEMM_MR`-row
 * panels; the macro-kernel then sweeps panel × panel. Block sizes were tuned on this project's
 * machines (AMD EPYC, one wasm thread): 4 × 8 register blocks ran at ≈37 GFLOP/s, 6 × 8 (15 live
 * vectors, spilling) at ≈24. Packing is a plain copy (no re-layout beyond panels), so unlike XNNPACK's weight
 * packing it costs a small fraction of the product, which matters when the right operand is new
 * every call (a layer's weights during training).
 */
import { GEMM_MR, GEMM_NR, simdKernelsFor } from './kernels';
import type { WasmMemoryLike } from './kernels';
import type { SimdKernels } from './kernels';

/** The part of an Emscripten module the product needs. */
export interface WasmHeap {
  memory: WasmMemoryLike;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** Depth of a K slice: a B panel (kc × 8 floats = 16 KB) stays in L1 while A streams. */
export const GEMM_KC = 512;
/** Rows of an A block (mc × kc floats = 512 KB, an L2-sized block). */
export const GEMM_MC = 256;
/** Columns of a B block (kc × nc floats ≤ 4 MB of packed scratch, whatever N is). */
export const GEMM_NC = 2048;

/** A matrix operand on the heap: element (i, j) at `ptr + i·rowStride + j·colStride` (bytes). */
export interface HeapMatrix {
  ptr: number;
  rowStride: number;
  colStride: number;
}

interface Scratch {
  ptr: number;
  bytes: number;
}

const scratchByHeap = new WeakMap<WasmMemoryLike, Scratch>();

/** A grow-only scratch area on the heap (packed panels and the edge tile), reused across calls. */
function scratch(heap: WasmHeap, bytes: number): number {
  let s = scratchByHeap.get(heap.memory);
  if (!s || s.bytes < bytes) {
    if (s) heap.free(s.ptr);
    const size = Math.max(bytes, (s?.bytes ?? 0) * 2);
    s = { ptr: heap.malloc(size), bytes: size };
    if (!s.ptr) throw new Error(`simd gemm: could not allocate ${size} bytes of scratch on the wasm heap`);
    scratchByHeap.set(heap.memory, s);
  }
  return s.ptr;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * C (M × N, row-major with row stride `ldc` bytes) = A (M × K) · B (K × N), operands given by
 * strides so either may be transposed for free. Throws if the engine has no wasm SIMD.
 */
export function heapGemm(heap: WasmHeap, M: number, N: number, K: number, a: HeapMatrix, b: HeapMatrix, c: number, ldc: number): void {
  if (M === 0 || N === 0) return;
  const kernels: SimdKernels = simdKernelsFor(heap.memory);
  if (K === 0) {
    // An empty sum: C = 0 (the kernels assume K ≥ 1).
    const view = new Float32Array(heap.memory.buffer);
    for (let i = 0; i < M; i++) view.fill(0, (c + i * ldc) / 4, (c + i * ldc) / 4 + N);
    return;
  }
  const kc = Math.min(GEMM_KC, K);
  const mc = Math.min(GEMM_MC, roundUp(M, GEMM_MR));
  const nc = Math.min(GEMM_NC, roundUp(N, GEMM_NR));
  const bBytes = nc * kc * 4;
  const aBytes = mc * kc * 4;
  const tileBytes = GEMM_MR * GEMM_NR * 4;
  // Allocate before reading any pointer-derived view: malloc may grow the heap.
  const base = scratch(heap, bBytes + aBytes + tileBytes + 16);
  const packedB = (base + 15) & ~15;
  const packedA = packedB + bBytes;
  const tile = packedA + aBytes;
  for (let j0 = 0; j0 < N; j0 += nc) {
    const nn = Math.min(nc, N - j0);
    for (let k0 = 0; k0 < K; k0 += kc) {
      const kk = Math.min(kc, K - k0);
      kernels.packB(kk, nn, b.ptr + k0 * b.rowStride + j0 * b.colStride, b.rowStride, b.colStride, packedB);
      for (let i0 = 0; i0 < M; i0 += mc) {
        const mm = Math.min(mc, M - i0);
        kernels.packA(mm, kk, a.ptr + i0 * a.rowStride + k0 * a.colStride, a.rowStride, a.colStride, packedA);
        kernels.macroKernel(mm, nn, kk, packedA, packedB, c + i0 * ldc + 4 * j0, ldc, k0 > 0 ? 1 : 0, tile);
      }
    }
  }
}
