/**
 * General matrix product on the wasm heap with the SIMD kernels of ./kernels, blocked the
 * GotoBLAS way: for each `nc`-wide, `kc`-deep block of B, the block is packed once into
 * `GEMM_NR`-column panels; for each `mc`-row slice of A, A's block is packed into `GEMM_MR`-row
 * panels; the macro-kernel then sweeps panel × panel. Block sizes were tuned on this project's
 * machines (AMD EPYC, one wasm thread): 4 × 8 register blocks ran at ≈37 GFLOP/s, 6 × 8 (15 live
 * vectors, spilling) at ≈24; with fused multiply-adds (./features) the 4 × 8 micro-kernel alone
 * reaches ≈48. Packing is a plain copy (no re-layout beyond panels), so unlike XNNPACK's weight
 * packing it costs a small fraction of the product, which matters when the right operand is new
 * every call (a layer's weights during training).
 */
import { GEMM_MC, GEMM_MR, GEMM_NR, simdKernelsFor } from './kernels';
import type { WasmMemoryLike } from './kernels';
import type { SimdKernels } from './kernels';
import { heapScratch, partsFor, splitRange, threadsFor } from './jobs';
import type { WasmHeap } from './wasm-api';

export type { WasmHeap } from './wasm-api';

export { GEMM_MC };


/** Depth of a K slice: a B panel (kc × 8 floats = 16 KB) stays in L1 while A streams. */
export const GEMM_KC = 512;
/** Columns of a B block (kc × nc floats ≤ 4 MB of packed scratch, whatever N is). */
export const GEMM_NC = 2048;

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
/** A matrix operand on the heap: element (i, j) at `ptr + i·rowStride + j·colStride` (bytes). */
export interface HeapMatrix {
  ptr: number;
  rowStride: number;
  colStride: number;
}

/**
 * C (M × N, row-major with row stride `ldc` bytes) = A (M × K) · B (K × N), operands given by
 * strides so either may be transposed for free. Throws if the engine has no wasm SIMD. With kernel
 * threads (./threads) a large product is split by rows of C (or by columns when C has few rows);
 * every element is computed the same way whatever the split, so results do not depend on it.
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
  const nc = Math.min(GEMM_NC, roundUp(N, GEMM_NR));
  const mc = Math.min(GEMM_MC, roundUp(M, GEMM_MR));
  const threads = threadsFor(heap, M * N * K);
  const parts = threads > 1 ? partsFor(heap, M * N * K) : 1;
  // Split by rows of C unless C has few rows and enough columns.
  const byRows = M >= 2 * GEMM_MR * threads || N < 2 * GEMM_NR * threads;
  const bBytes = nc * kc * 4;
  const aBytes = mc * kc * 4;
  const tileBytes = GEMM_MR * GEMM_NR * 4;
  const perJob = aBytes + tileBytes;
  // Allocate before reading any pointer-derived view: malloc may grow the heap.
  const base = heapScratch(heap, bBytes + parts * perJob + 16);
  const packedB = (base + 15) & ~15;
  const packedA = (t: number) => packedB + bBytes + t * perJob;
  const tile = (t: number) => packedA(t) + aBytes;
  for (let j0 = 0; j0 < N; j0 += nc) {
    const nn = Math.min(nc, N - j0);
    for (let k0 = 0; k0 < K; k0 += kc) {
      const kk = Math.min(kc, K - k0);
      const aBlock = a.ptr + k0 * a.colStride;
      const cBlock = c + 4 * j0;
      const accumulate = k0 > 0 ? 1 : 0;
      if (threads === 1) {
        kernels.packB(kk, nn, b.ptr + k0 * b.rowStride + j0 * b.colStride, b.rowStride, b.colStride, packedB);
        kernels.gemmRows(0, M, kk, nn, aBlock, a.rowStride, a.colStride, packedB, packedA(0), cBlock, ldc, accumulate, tile(0));
        continue;
      }
      // Pack B's panels in parallel (each range a whole number of panels), then the products.
      const panels = splitRange(nn, byRows ? threads : parts, GEMM_NR);
      heap.pool!.run(
        'packB',
        panels.map(([from, to]) => [kk, to - from, b.ptr + k0 * b.rowStride + (j0 + from) * b.colStride, b.rowStride, b.colStride, packedB + from * kk * 4]),
      );
      const jobs = byRows
        ? splitRange(M, parts, GEMM_MR).map(([from, to], t) => [from, to, kk, nn, aBlock, a.rowStride, a.colStride, packedB, packedA(t), cBlock, ldc, accumulate, tile(t)])
        : panels.map(([from, to], t) => [0, M, kk, to - from, aBlock, a.rowStride, a.colStride, packedB + from * kk * 4, packedA(t), cBlock + 4 * from, ldc, accumulate, tile(t)]);
      heap.pool!.run('gemmRows', jobs);
    }
  }
}
