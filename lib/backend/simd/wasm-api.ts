/**
 * The parts of the WebAssembly JS API the kernels use, typed locally: the lib compiles without DOM
 * types and Node's types do not declare the `WebAssembly` global.
 */

/** A `WebAssembly.Memory` (its buffer is a SharedArrayBuffer when the memory is shared). */
export interface WasmMemoryLike {
  readonly buffer: ArrayBufferLike;
  grow?(pages: number): number;
}

/** A compiled module: it can be instantiated again on another thread (posted to a worker). */
export type WasmModuleLike = object;

export interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => WasmModuleLike;
  Instance: new (module: WasmModuleLike, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
  instantiate(source: unknown, imports?: object): Promise<unknown>;
}

/** The engine's `WebAssembly` object, if any. */
export function webAssemblyApi(): WebAssemblyApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
}

/** Whether `x` is a `WebAssembly.Memory`. */
export function isWasmMemory(x: unknown): x is WasmMemoryLike {
  const api = webAssemblyApi();
  return !!api && x instanceof api.Memory;
}

/** Whether a memory is shared (several threads may run kernels on it at once). */
export function isSharedMemory(memory: WasmMemoryLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The part of an Emscripten module the product needs, and the kernel threads on its heap if any. */
export interface WasmHeap {
  memory: WasmMemoryLike;
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** Threads that run kernels on this heap (only where the heap is shared; see ./threads). */
  pool?: KernelRunner;
}

/** What a heap's kernels need of a thread pool (./threads.ts `KernelThreadPool` is one). */
export interface KernelRunner {
  /** Threads the jobs are spread over (at most `capacity`). */
  threads: number;
  /** Threads the pool has, the calling one included. */
  readonly capacity: number;
  /** Runs every job of kernel export `name` (each job a list of its arguments), returning when all are done. */
  run(name: string, jobs: readonly (readonly number[])[]): void;
}
