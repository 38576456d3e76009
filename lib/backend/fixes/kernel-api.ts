/**
 * What the wasm fixes share: the slice of tfjs' kernel API they use (tensor infos, the wasm
 * backend's heap access), calling tfjs' own wasm kernels directly, and replacing/restoring kernel
 * registrations. A fix is a *kernel* written against the backend's kernel API, not against
 * high-level ops: a kernel built from high-level ops fails inside the engine (see
 * /work/shared/reference/runtime-facts.md).
 */
import * as tf from '../../core/tf';
import { simdHeap } from '../simd/backend-heap';
import type { WasmBackendHeapLike } from '../simd/backend-heap';
import type { WasmHeap } from '../simd/wasm-api';

/** The parts of tfjs' `TensorInfo` a kernel sees. */
export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** The parts of the wasm backend (`BackendWasm`) the fixes use. */
export interface WasmBackendLike extends WasmBackendHeapLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

export type KernelArgs = {
  inputs: Record<string, TensorInfoLike | undefined>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
};
export type WasmKernelFunc = (args: KernelArgs) => TensorInfoLike;
export type WasmMultiKernelFunc = (args: KernelArgs) => TensorInfoLike[];

/** Original kernel configs replaced by a fix, to restore them (benchmarks' "before"). */
const originals = new Map<string, tf.KernelConfig>();

/** tfjs' own wasm kernel `name` (the original even while a fix replaces it). */
export function wasmKernel(name: string): WasmKernelFunc {
  const config = originals.get(name) ?? tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm-fixes: the wasm backend has no '${name}' kernel (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return config.kernelFunc as unknown as WasmKernelFunc;
}

/** Registers `kernelFunc` for `kernelName` on wasm, keeping the original to restore it. */
export function replaceKernel(kernelName: string, kernelFunc: WasmKernelFunc | WasmMultiKernelFunc): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (existing && !originals.has(kernelName)) originals.set(kernelName, existing);
  if (existing) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    // Keep the original set-up (it binds the C++ function the original kernel calls).
    setupFunc: originals.get(kernelName)?.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

/** Puts tfjs' own kernel back (or removes a kernel tfjs does not have). */
export function restoreKernel(kernelName: string): void {
  const original = originals.get(kernelName);
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  if (original) tf.registerKernel(original);
}

const gradientsRegistered = new Map<string, tf.GradConfig>();

/**
 * Registers a gradient once per process. The workbook's gradients stay registered when a fix is
 * switched off: each checks that its kernels are there and falls back to tfjs' formula otherwise.
 */
export function registerGradientOnce(config: tf.GradConfig): void {
  if (gradientsRegistered.has(config.kernelName)) return;
  gradientsRegistered.set(config.kernelName, config);
  tf.registerGradient(config);
}

/**
 * Registers the workbook's gradients again where something replaced them — loading
 * `@tensorflow/tfjs` after the backend started re-registers all of tfjs' own gradients (slower, as
 * correct). The trainer calls this before it trains. Returns the kernels whose gradient came back.
 */
export function reassertGradients(): string[] {
  const restored: string[] = [];
  for (const [name, config] of gradientsRegistered) {
    if (tf.getGradient(name) !== config) {
      tf.registerGradient(config);
      restored.push(name);
    }
  }
  return restored;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The SIMD heap of a wasm backend (null where the SIMD kernels cannot run or are switched off). */
export function heapOf(backend: WasmBackendLike): WasmHeap | null {
  return simdHeap(backend);
}

/** Runs the wasm `Transpose` kernel (a new tensor in the heap; the caller disposes it). */
export function transposeInfo(backend: WasmBackendLike, x: TensorInfoLike, perm: number[]): TensorInfoLike {
  return wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm } });
}
