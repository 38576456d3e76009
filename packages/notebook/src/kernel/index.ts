/**
 * The workbook's Jupyter kernel (entry point `asl-kernel`, ./main.ts). Not re-exported by
 * the package root: it loads tslab and zeromq, which only the kernel process needs.
 */
export { WorkbookKernel, WorkbookHandler, startWorkbookKernel, KERNEL_IMPLEMENTATION } from './kernel';
export type { WorkbookKernelOptions } from './kernel';
export { CellConverter } from './cell-converter';
export { fixCellSource } from './source-fixes';
export type { LastConversion, CellConverterOptions } from './cell-converter';
export { markCellSource, buildLineMap } from './line-map';
export type { MarkedCell, StatementSpan, LineMap, CellPosition } from './line-map';
export { InterruptController, KeyboardInterrupt, instrumentAwaits, isInterruptError, AWAIT_GUARD_NAME } from './interrupt';
export { runtimeErrorContent, diagnosticsContent, interruptContent, codeExcerpt, stripAnsi } from './traceback';
export type { ErrorContent, CellRecord, CellLookup } from './traceback';
export { StreamCoalescer, streamWriter } from './streams';
export { ExecutionHistory, globToRegExp, HISTORY_SESSION } from './history';
export type { HistoryRequest } from './history';
export { WireMessage, MessageSigner, PROTOCOL_VERSION, DEFAULT_SIGNATURE_SCHEME } from './wire';
export { SigintWatchdog } from './sigint-watchdog';
export type { SigintWatchdogOptions } from './sigint-watchdog';
export { StdinChannel, StdinNotAllowedError } from './stdin';
export { ProcessExitError, installProcessExitGuard, exitProcess } from './process-exit';
export { installNodePathResolution, nodePathFolders, nodePathTarget, ROOT_NODE_MODULES } from './module-paths';
export type { FileSystemHost } from './module-paths';
export { moduleNotFoundHint } from './traceback';
