/**
 * General matrix product on the wasm heap with the SIMD kernels of ./kernels, blocked the
 * GotoBLAS way: for each `nc`-wide, `kc`-deep block of B, the block is packed once into
 * `GEMM_NR`-column panels; for each `mc`-row slice of A, A's block is packed into `GEMM_MR`-row
 * panels; the macro-kernel then sweeps panel × panel. Block sizes were tuned on this project's
 * machines (AMD EPYC, one wasm thread): with fused multiply-adds (./features) the 3 × 12
 * micro-kernel alone runs at ≈54 GFLOP/s and a whole product at ≈48 (see ./kernels for the other
 * register blocks tried). Packing is a plain copy (no re-layout beyond panels), so unlike XNNPACK's weight
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


/** Depth of a K slice: a B panel (kc × 12 floats = 24 KB) stays in L1 while A streams. */
export const GEMM_KC = 512;
/** Columns of a B block (kc × nc floats ≤ 4 MB of packed scratch, whatever N is); a multiple of GEMM_NR. */
export const GEMM_NC = 2040;
/**
 * Most bytes of the shared packed operand of a group of blocks on several threads (default: all of
 * a 4096 × 512 weight). Settable so that tests can cover products of several groups cheaply.
 */
export const gemmLimits = { deepBytes: 8 << 20 };

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
 * threads (./threads) a large product is split by rows of C when it has at least as many rows as
 * columns, else by columns (a dense layer's forward product: 128 rows, a 4096 × 512 weight); every
 * element is computed the same way whatever the split, so results do not depend on it.
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
  const aBytes = mc * kc * 4;
  const tileBytes = GEMM_MR * GEMM_NR * 4;
  if (threads === 1) {
    const base = heapScratch(heap, nc * kc * 4 + aBytes + tileBytes + 16);
    const packedB = (base + 15) & ~15;
    const packedA = packedB + nc * kc * 4;
    const tile = packedA + aBytes;
    for (let j0 = 0; j0 < N; j0 += nc) {
      const nn = Math.min(nc, N - j0);
      for (let k0 = 0; k0 < K; k0 += kc) {
        const kk = Math.min(kc, K - k0);
        kernels.packB(kk, nn, b.ptr + k0 * b.rowStride + j0 * b.colStride, b.rowStride, b.colStride, packedB);
        kernels.gemmRows(0, M, kk, nn, a.ptr + k0 * a.colStride, a.rowStride, a.colStride, packedB, packedA, c + 4 * j0, ldc, k0 > 0 ? 1 : 0, tile);
      }
    }
    return;
  }
  // On several threads, the operand the jobs share is packed for as many kc-deep blocks as
  // `gemmLimits.deepBytes` holds (all of K for a dense layer), and each job then runs through all of those
  // blocks without waiting for the others between blocks: two dispatches per group of blocks
  // instead of two per block. Which operand is shared: every job reads all of it, so the smaller
  // one — B when C has more rows than columns (jobs take rows, gemmRowsDeep), else A (jobs take
  // columns and pack their own part of B, gemmColsDeep).
  const parts = partsFor(heap, M * N * K);
  const byRows = N < 2 * GEMM_NR * threads || (M >= 2 * GEMM_MR * threads && M >= N) || roundUp(M, GEMM_MR) * kc * 4 > gemmLimits.deepBytes;
  if (byRows) gemmSharedB(heap, M, N, K, a, b, c, ldc, { kc, nc, threads, parts, tileBytes }, aBytes);
  else gemmSharedA(heap, M, N, K, a, b, c, ldc, { kc, nc, threads, parts, tileBytes });
}

interface Blocking {
  kc: number;
  nc: number;
  threads: number;
  parts: number;
  tileBytes: number;
}

/** Depth of a group of kc-deep blocks whose shared operand, `width` (padded) rows or columns wide, fits `gemmLimits.deepBytes`. */
function groupDepth(width: number, kc: number): number {
  return kc * Math.max(1, Math.floor(gemmLimits.deepBytes / (width * kc * 4)));
}

/** The kc-deep blocks of a group `depth` deep, in order: [start within the group, depth]. */
function blocksOf(depth: number, kc: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k0 = 0; k0 < depth; k0 += kc) out.push([k0, Math.min(kc, depth - k0)]);
  return out;
}

/** Several threads, jobs over rows of C sharing B's packed blocks (see heapGemm). */
function gemmSharedB(heap: WasmHeap, M: number, N: number, K: number, a: HeapMatrix, b: HeapMatrix, c: number, ldc: number, o: Blocking, aBytes: number): void {
  const { kc, nc, parts, tileBytes } = o;
  const group = groupDepth(nc, kc);
  const bBytes = nc * Math.min(group, K) * 4;
  const perJob = aBytes + tileBytes;
  // Allocate before reading any pointer-derived view: malloc may grow the heap.
  const base = heapScratch(heap, bBytes + parts * perJob + 16);
  const packedB = (base + 15) & ~15;
  const packedA = (t: number) => packedB + bBytes + t * perJob;
  const tile = (t: number) => packedA(t) + aBytes;
  const rows = splitRange(M, parts, GEMM_MR);
  for (let j0 = 0; j0 < N; j0 += nc) {
    const nn = Math.min(nc, N - j0);
    const nPad = roundUp(nn, GEMM_NR);
    const panels = splitRange(nn, o.threads, GEMM_NR);
    for (let g0 = 0; g0 < K; g0 += group) {
      const depth = Math.min(group, K - g0);
      const packs = blocksOf(depth, kc).flatMap(([k0, kk]) => {
        const src = b.ptr + (g0 + k0) * b.rowStride + j0 * b.colStride;
        return panels.map(([from, to]) => [kk, to - from, src + from * b.colStride, b.rowStride, b.colStride, packedB + 4 * (k0 * nPad + from * kk)]);
      });
      heap.pool!.run('packB', packs);
      const aGroup = a.ptr + g0 * a.colStride;
      heap.pool!.run(
        'gemmRowsDeep',
        rows.map(([from, to], t) => [from, to, 0, nn, depth, kc, nPad, aGroup, a.rowStride, a.colStride, packedB, packedA(t), c + 4 * j0, ldc, g0 > 0 ? 1 : 0, tile(t)]),
      );
    }
  }
}

/** Several threads, jobs over columns of C sharing A's packed blocks (see heapGemm). */
function gemmSharedA(heap: WasmHeap, M: number, N: number, K: number, a: HeapMatrix, b: HeapMatrix, c: number, ldc: number, o: Blocking): void {
  const { kc, nc, parts, tileBytes } = o;
  const mPad = roundUp(M, GEMM_MR);
  const group = groupDepth(mPad, kc);
  const aBytes = mPad * Math.min(group, K) * 4;
  const columns = splitRange(Math.min(nc, N), parts, GEMM_NR);
  // The first column block is the widest, so its widest job bounds every job's packed B.
  const bBytes = kc * Math.max(...columns.map(([from, to]) => roundUp(to - from, GEMM_NR))) * 4;
  const perJob = bBytes + tileBytes;
  const base = heapScratch(heap, aBytes + columns.length * perJob + 16);
  const packedA = (base + 15) & ~15;
  const packedB = (t: number) => packedA + aBytes + t * perJob;
  const tile = (t: number) => packedB(t) + bBytes;
  const rowRanges = splitRange(M, o.threads, GEMM_MR);
  for (let g0 = 0; g0 < K; g0 += group) {
    const depth = Math.min(group, K - g0);
    const packs = blocksOf(depth, kc).flatMap(([k0, kk]) => {
      const src = a.ptr + (g0 + k0) * a.colStride;
      return rowRanges.map(([from, to]) => [to - from, kk, src + from * a.rowStride, a.rowStride, a.colStride, packedA + 4 * (k0 * mPad + from * kk)]);
    });
    heap.pool!.run('packA', packs);
    const bGroup = b.ptr + g0 * b.rowStride;
    for (let j0 = 0; j0 < N; j0 += nc) {
      const nn = Math.min(nc, N - j0);
      heap.pool!.run(
        'gemmColsDeep',
        splitRange(nn, parts, GEMM_NR).map(([from, to], t) => [j0 + from, to - from, M, mPad, depth, kc, packedA, bGroup, b.rowStride, b.colStride, packedB(t), c, ldc, g0 > 0 ? 1 : 0, tile(t)]),
      );
    }
  }
}
