/**
 * Training fixes for the tfjs `wasm` backend (tfjs 4.22), registered automatically when the wasm
 * backend is initialised (see ./select). Each fix lives in its own file under ./fixes and replaces
 * tfjs kernels (or adds missing ones) with kernels on the workbook's SIMD kernels (./simd), which run
 * on every kernel thread where the heap is shared (./simd/threads):
 *
 * - `matMul` (./fixes/mat-mul): `BatchMatMul`, `_FusedMatMul` on the blocked SIMD product.
 * - `conv2d`, `conv2dBackpropInput`, `conv2dBackpropFilter` (./fixes/conv2d): the convolution's
 *   forward pass (with bias and ReLU fused) and both gradients as direct SIMD convolutions;
 *   `tf.fused.conv2d` (conv layers) with a registered gradient, so unneeded input gradients are
 *   not computed.
 * - `maxPool`, `maxPoolGrad` (./fixes/max-pool): 2×2 pooling and its gradient.
 * - `batchNorm` (./fixes/batch-norm): training-mode batch norm as two fused kernels, used by
 *   `tf.layers.batchNormalization`; a batch norm whose consumer is a ReLU layer runs the ReLU in
 *   the same kernels (`markBatchNormRelu`, called by trainModel).
 * - `relu` (./fixes/relu): ReLU and its gradient in one pass each.
 * - `identity` (./fixes/identity): `Identity` (tfjs' clone of every tensor saved for the backward
 *   pass) and a `Cast` to the same dtype (Identity's gradient) share the data instead of copying it.
 * - `mean` (./fixes/mean): `Mean` over adjacent axes before the last (global average pooling) and
 *   its gradient in one pass each; tfjs' gradient builds a ones tensor in JavaScript.
 * - Optimizer updates: ./fixes/fused-optimizer (one-pass Adam/SGD kernels, registered separately).
 *
 * Every fix is tested for equality with the cpu backend (test/backend/) and benchmarked
 * (`npm run bench:train` reports every fix's before/after throughput).
 */
import { registerBatchNormFix, unregisterBatchNormFix } from './fixes/batch-norm';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, conv2dWasm, fusedConv2dWasm, registerFusedConv2dOp, unregisterFusedConv2dOp } from './fixes/conv2d';
import { castWasm, identityWasm } from './fixes/identity';
import { replaceKernel, restoreKernel } from './fixes/kernel-api';
import type { WasmKernelFunc } from './fixes/kernel-api';
import { fusedMatMulWasm, matMulWasm } from './fixes/mat-mul';
import { maxPoolGradWasm, maxPoolWasm } from './fixes/max-pool';
import { registerMeanFix, unregisterMeanFix } from './fixes/mean';
import { registerReluFix, unregisterReluFix } from './fixes/relu';

export { im2colTransposedInto } from './fixes/conv2d';
export { transposeLastTwoInto, wasmSimdMatMulAvailable } from './fixes/mat-mul';
export { batchNormTraining, markBatchNormRelu, BATCH_NORM_TRAIN_KERNEL, BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_RELU_TRAIN_KERNEL } from './fixes/batch-norm';
export { RELU_GRAD_KERNEL } from './fixes/relu';
export { MEAN_GRAD_KERNEL } from './fixes/mean';

/** Names of the fixes, for reports and for switching single fixes off in benchmarks. */
export type WasmFixName = 'conv2d' | 'conv2dBackpropFilter' | 'conv2dBackpropInput' | 'maxPool' | 'maxPoolGrad' | 'matMul' | 'batchNorm' | 'relu' | 'identity' | 'mean';

export const WASM_FIX_NAMES: readonly WasmFixName[] = ['conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput', 'maxPool', 'maxPoolGrad', 'matMul', 'batchNorm', 'relu', 'identity', 'mean'];

/** How each fix is switched on and off: kernels it replaces, or its own register/unregister. */
const FIXES: Record<WasmFixName, { kernels?: Record<string, WasmKernelFunc>; register?: () => void; unregister?: () => void }> = {
  conv2d: { kernels: { Conv2D: conv2dWasm, FusedConv2D: fusedConv2dWasm }, register: registerFusedConv2dOp, unregister: unregisterFusedConv2dOp },
  conv2dBackpropFilter: { kernels: { Conv2DBackpropFilter: conv2dBackpropFilterWasm } },
  conv2dBackpropInput: { kernels: { Conv2DBackpropInput: conv2dBackpropInputWasm } },
  maxPool: { kernels: { MaxPool: maxPoolWasm } },
  maxPoolGrad: { kernels: { MaxPoolGrad: maxPoolGradWasm } },
  matMul: { kernels: { BatchMatMul: matMulWasm, _FusedMatMul: fusedMatMulWasm } },
  batchNorm: { register: registerBatchNormFix, unregister: unregisterBatchNormFix },
  relu: { register: registerReluFix, unregister: unregisterReluFix },
  identity: { kernels: { Identity: identityWasm, Cast: castWasm } },
  mean: { register: registerMeanFix, unregister: unregisterMeanFix },
};

const active = new Set<WasmFixName>();

/**
 * Registers the wasm training fixes (idempotent). Called automatically by `initBackend` when the
 * wasm backend is chosen; call it yourself after `tf.setBackend('wasm')` outside the workbook's
 * start-up. `only` picks a subset (benchmarks measure each fix alone).
 *
 * Requires `@tensorflow/tfjs-backend-wasm` to be loaded (its kernels registered).
 */
export function registerWasmTrainingFixes(only: readonly WasmFixName[] = WASM_FIX_NAMES): WasmFixName[] {
  for (const fix of only) {
    if (active.has(fix)) continue;
    const f = FIXES[fix];
    for (const [name, kernel] of Object.entries(f.kernels ?? {})) replaceKernel(name, kernel);
    f.register?.();
    active.add(fix);
  }
  return [...active];
}

/** Removes fixes again, restoring tfjs' own wasm kernels (for before/after benchmarks and tests). */
export function unregisterWasmTrainingFixes(only: readonly WasmFixName[] = WASM_FIX_NAMES): void {
  for (const fix of only) {
    if (!active.has(fix)) continue;
    const f = FIXES[fix];
    for (const name of Object.keys(f.kernels ?? {})) restoreKernel(name);
    f.unregister?.();
    active.delete(fix);
  }
}

/** The fixes now registered. */
export function activeWasmTrainingFixes(): WasmFixName[] {
  return [...active];
}
