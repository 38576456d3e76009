/**
 * asl-workbook: Asymmetric Loss (ASL) and a multi-label toolkit for TensorFlow.js.
 *
 * Areas, each a folder with its own index, layered bottom-up (a folder imports only from the ones
 * before it; see ARCHITECTURE.md): `core` (checks, strict options, seeded random numbers, rich text),
 * `backend` (tfjs backend start-up, wasm kernels), `losses` (ASL and the multi-label loss zoo),
 * `metrics` (mAP and friends), `data` (datasets and loaders), `train` (the training engine, sweeps,
 * callbacks such as the gradient-share tracker), `cli`. Figures, notebook display and the Jupyter kernel are the
 * `asl-workbook-notebook` package's. This file is the package's public surface: what users call.
 */
// core
export { AslInputError } from './core/errors';
export { MissingOptionalPackageError } from './core/optional';
export { seededRandom, mixSeeds, permutation } from './core/random';
export { JUPYTER_DISPLAY, escapeHtml, tableHtml, tableText, toPlainTable, formatCell, isDisplayable } from './core/rich';
export type { MimeBundle, Displayable, PlainTable, TableLike, TableHtmlOptions } from './core/rich';
// backend
export { initBackend, backendChoice, describeBackend, requestedBackend, BACKEND_ORDER, BACKEND_REQUESTS } from './backend/select';
export { setWasmThreads, wasmThreads } from './backend/simd/backend-heap';
export { configuredThreadCount } from './backend/simd/threads';
export type { BackendChoice, BackendAttempt, BackendRequest, InitBackendOptions } from './backend/select';
// losses, metrics, data, training, analysis
export * from './losses';
export * from './metrics';
export * from './data';
export * from './train';
// looking inside training: where the gradient comes from
export { gradientShare } from './losses/gradient-share';
export type { GradientShare } from './losses/gradient-share';
export { GradientShareTracker } from './train/gradient-share-tracker';
export type { GradientShareRecord } from './train/gradient-share-tracker';
