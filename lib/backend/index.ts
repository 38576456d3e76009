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
} from './wasm-fixes';
export type { WasmFixName } from './wasm-fixes';
export { registerFusedOptimizerKernels, hasFusedOptimizerKernels, FUSED_ADAM_KERNEL, FUSED_SGD_KERNEL, FUSED_EMA_KERNEL } from './fixes/fused-optimizer';
