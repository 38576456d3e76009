/**
 * Access to the tfjs wasm backend's heap for the SIMD kernels: its `WasmMemoryLike`, malloc and
 * free, the heap address of a tensor's data, and the kernel threads where the heap is shared.
 */
import type { WasmHeap } from './wasm-api';
import { simdKernelModuleFor, simdKernelsFor } from './kernels';
import { isSharedMemory, isWasmMemory } from './wasm-api';
import type { WasmMemoryLike } from './wasm-api';
import { configuredThreadCount, KernelThreadPool } from './threads';

/** The parts of tfjs' wasm backend (`BackendWasm`) the SIMD kernels use. */
export interface WasmBackendHeapLike {
  getMemoryOffset(dataId: object): number;
  wasm: { asm: { memory: WasmMemoryLike }; _malloc(bytes: number): number; _free(ptr: number): void };
}

const heaps = new WeakMap<object, WasmHeap | null>();
let enabled = true;
/** Threads requested with {@link setWasmThreads} (undefined: the configured count). */
let requestedThreads: number | undefined;
const pools = new Set<KernelThreadPool>();

/**
 * Switches the SIMD kernels (matrix product, convolutions, batch norm, pooling, Adam) on or off
 * for all wasm backends; off, the fixes use their fallbacks (explicit transposes + XNNPACK, the JS
 * loops, tfjs' own kernels). For benchmarks' before/after and for testing the fallbacks; on by
 * default.
 */
export function setWasmSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Sets how many threads the SIMD kernels use from now on (1 = the calling thread only), up to the
 * pool's size (`ASL_THREADS` or the machine's cores, fixed when the backend started). Returns the
 * count now in effect. Results do not depend on it (the kernels split work so that every value is
 * computed the same way); it exists for tests and for measuring the speed-up.
 */
export function setWasmThreads(n: number): number {
  requestedThreads = Math.max(1, Math.floor(n));
  for (const pool of pools) pool.threads = requestedThreads;
  return wasmThreads();
}

/** The threads the SIMD kernels use now on the active wasm backend's heap (1 where it is not shared). */
export function wasmThreads(): number {
  for (const pool of pools) return pool.threads;
  return 1;
}

/**
 * The backend's heap with the SIMD kernels instantiated on it, or null where they cannot run (no
 * wasm SIMD in this engine, or a backend build that does not expose its memory); callers then
 * fall back to tfjs' own kernels. A shared heap (see ./shared-heap) gets kernel threads.
 */
export function simdHeap(backend: WasmBackendHeapLike): WasmHeap | null {
  if (!enabled) return null;
  if (heaps.has(backend)) return heaps.get(backend)!;
  let heap: WasmHeap | null = null;
  try {
    const memory = backend.wasm.asm.memory;
    if (isWasmMemory(memory)) {
      const kernels = simdKernelsFor(memory);
      heap = { memory, malloc: (n) => backend.wasm._malloc(n), free: (p) => backend.wasm._free(p) };
      const capacity = configuredThreadCount();
      if (isSharedMemory(memory) && capacity > 1) {
        const pool = new KernelThreadPool(memory, simdKernelModuleFor(memory), kernels as unknown as Record<string, unknown>, heap.malloc, capacity);
        if (requestedThreads !== undefined) pool.threads = requestedThreads;
        pools.add(pool);
        heap.pool = pool;
      }
    }
  } catch {
    heap = null;
  }
  heaps.set(backend, heap);
  return heap;
}
