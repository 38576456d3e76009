/**
 * Access to the tfjs wasm backend's heap for the SIMD kernels: its `WasmMemoryLike`, malloc and
 * free, and the heap address of a tensor's data.
 */
import type { WasmHeap } from './gemm';
import { isWasmMemory, simdKernelsFor } from './kernels';
import type { WasmMemoryLike } from './kernels';

/** The parts of tfjs' wasm backend (`BackendWasm`) the SIMD kernels use. */
export interface WasmBackendHeapLike {
  getMemoryOffset(dataId: object): number;
  wasm: { asm: { memory: WasmMemoryLike }; _malloc(bytes: number): number; _free(ptr: number): void };
}

const heaps = new WeakMap<object, WasmHeap | null>();
let enabled = true;

/**
 * Switches the SIMD kernels (matrix product, Adam update) on or off for all wasm backends; off,
 * the fixes use their fallbacks (explicit transposes + XNNPACK, the JS Adam loop). For benchmarks'
 * before/after and for testing the fallbacks; on by default.
 */
export function setWasmSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The backend's heap with the SIMD kernels instantiated on it, or null where they cannot run (no
 * wasm SIMD in this engine, or a backend build that does not expose its memory); callers then
 * fall back to tfjs' own kernels.
 */
export function simdHeap(backend: WasmBackendHeapLike): WasmHeap | null {
  if (!enabled) return null;
  if (heaps.has(backend)) return heaps.get(backend)!;
  let heap: WasmHeap | null = null;
  try {
    const memory = backend.wasm.asm.memory;
    if (isWasmMemory(memory)) {
      simdKernelsFor(memory);
      heap = { memory, malloc: (n) => backend.wasm._malloc(n), free: (p) => backend.wasm._free(p) };
    }
  } catch {
    heap = null;
  }
  heaps.set(backend, heap);
  return heap;
}
