/**
 * Helpers of the kernels' drivers: scratch space on the heap, how many threads a piece of work
 * deserves, cutting ranges into per-thread parts, running a kernel's jobs.
 */
import type { WasmHeap } from './wasm-api';
import { simdKernelsFor } from './kernels';
import type { SimdKernels } from './kernels';
import type { WasmMemoryLike } from './wasm-api';

/** Work below this many multiply-adds (or elements) runs on one thread (a dispatch costs ≈10–20 µs). */
const PARALLEL_MIN_WORK = 1 << 19;

interface Scratch {
  ptr: number;
  bytes: number;
}

const scratchByHeap = new WeakMap<WasmMemoryLike, Scratch>();

/**
 * A grow-only scratch area on the heap (packed panels, edge tiles, padded copies), reused across
 * calls: a caller must not hold it across another driver call that uses it.
 */
export function heapScratch(heap: WasmHeap, bytes: number): number {
  let s = scratchByHeap.get(heap.memory);
  if (!s || s.bytes < bytes) {
    if (s) heap.free(s.ptr);
    const size = Math.max(bytes, (s?.bytes ?? 0) * 2);
    s = { ptr: heap.malloc(size), bytes: size };
    if (!s.ptr) throw new Error(`simd kernels: could not allocate ${size} bytes of scratch on the wasm heap`);
    scratchByHeap.set(heap.memory, s);
  }
  return s.ptr;
}

/** Bump allocation of 16-byte aligned pieces inside one scratch area. */
export class Carve {
  private at: number;
  constructor(base: number) {
    this.at = (base + 15) & ~15;
  }
  take(bytes: number): number {
    const p = this.at;
    this.at = (this.at + bytes + 15) & ~15;
    return p;
  }
}

/** Threads for a piece of work of `work` multiply-adds or elements (1 without a pool or below the threshold). */
export function threadsFor(heap: WasmHeap, work: number): number {
  return heap.pool && work >= PARALLEL_MIN_WORK ? heap.pool.threads : 1;
}

/** Jobs per thread when work is split: claimed dynamically (./threads), a few per thread balance the load. */
const JOBS_PER_THREAD = 3;

/**
 * Into how many jobs to cut a piece of work of `work` multiply-adds or elements: 1 without a pool
 * or below the threshold, else a few per thread.
 */
export function partsFor(heap: WasmHeap, work: number): number {
  const threads = threadsFor(heap, work);
  return threads > 1 ? threads * JOBS_PER_THREAD : 1;
}

/** `count` items cut into at most `parts` contiguous non-empty ranges whose bounds are multiples of `align`. */
export function splitRange(count: number, parts: number, align = 1): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  for (let t = 1; t <= parts; t++) {
    const to = t === parts ? count : Math.min(count, Math.ceil(Math.floor((t * count) / parts) / align) * align);
    if (to > from) out.push([from, to]);
    from = Math.max(from, to);
  }
  return out;
}

/** Runs `name(...job)` for every job, on the heap's threads where it has them, else in order here. */
export function runJobs(heap: WasmHeap, name: keyof SimdKernels, jobs: readonly (readonly number[])[]): void {
  if (heap.pool) {
    heap.pool.run(name, jobs);
    return;
  }
  const fn = simdKernelsFor(heap.memory)[name] as unknown as (...args: number[]) => void;
  for (const job of jobs) fn(...job);
}
