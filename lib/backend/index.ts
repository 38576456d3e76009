export {
  initBackend,
  backendChoice,
  describeBackend,
  requestedBackend,
  quietTfjsBanner,
  onBackendReady,
  BACKEND_ORDER,
  BACKEND_REQUESTS,
} from './select';
export type { BackendChoice, BackendAttempt, BackendRequest, InitBackendOptions } from './select';
export {
  registerWasmTrainingFixes,
  unregisterWasmTrainingFixes,
  activeWasmTrainingFixes,
  WASM_FIX_NAMES,
  im2colTransposedInto,
  transposeLastTwoInto,
  wasmSimdMatMulAvailable,
  batchNormTraining,
  markBatchNormRelu,
  BATCH_NORM_TRAIN_KERNEL,
  BATCH_NORM_TRAIN_GRAD_KERNEL,
  BATCH_NORM_RELU_TRAIN_KERNEL,
  RELU_GRAD_KERNEL,
  MEAN_GRAD_KERNEL,
} from './wasm-fixes';
export type { WasmFixName } from './wasm-fixes';
export { registerFusedOptimizerKernels, hasFusedOptimizerKernels, FUSED_ADAM_KERNEL, FUSED_SGD_KERNEL, FUSED_EMA_KERNEL } from './fixes/fused-optimizer';
export { setWasmSimdKernelsEnabled, setWasmThreads, wasmThreads } from './simd/backend-heap';
export { configuredThreadCount } from './simd/threads';
export { wasmFmaAvailable } from './simd/features';
export { heapGemm, GEMM_KC, GEMM_MC, GEMM_NC } from './simd/gemm';
export type { WasmHeap, HeapMatrix } from './simd/gemm';
export { simdKernelsFor, simdKernelModuleBytes, GEMM_MR, GEMM_NR } from './simd/kernels';
export type { SimdKernels, WasmMemoryLike } from './simd/kernels';
export { FunctionBuilder, assembleModule } from './simd/wasm-module';
export type { ValueType, Local } from './simd/wasm-module';
export { reassertGradients } from './fixes/kernel-api';
