/**
 * What a notebook kernel offers running code beyond displays: clearing the cell's output, an
 * `AbortSignal` that fires when the user interrupts the kernel, and the channels comms, widgets and
 * `prompt` use (comm messages, outputs under a chosen parent, stdin). The workbook's kernel installs
 * them with {@link setKernelHooks}; elsewhere the functions are harmless no-ops or say that they need
 * the kernel.
 *
 * Why an interrupt signal: a Jupyter interrupt stops the cell's own code at its next `await`, but a
 * library loop (a training engine awaiting its batches) only stops early if it looks; checking
 * `kernelInterruptSignal()?.aborted` once per batch makes long library calls interruptible too.
 */

import { shared } from '../shared';
import { currentOutputSink } from './output-sink';

/** The comm messages a kernel sends to the frontend. */
export type CommMessageType = 'comm_open' | 'comm_msg' | 'comm_close';

/** Error fields of an `error` output (what a traceback needs). */
export interface ErrorOutput {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** The hooks a kernel provides. */
export interface KernelHooks {
  /** Clears the current cell's output (`wait`: only when the next output arrives). */
  clearOutput?(wait: boolean): void;
  /** A signal aborted when the kernel is interrupted (a fresh one for each cell). */
  interruptSignal?(): AbortSignal;
  /** Sends a comm message on IOPub, its parent the request being handled (a cell or a comm message). */
  sendComm?(msgType: CommMessageType, content: Record<string, unknown>, metadata: Record<string, unknown>, buffers: readonly Uint8Array[]): void;
  /** Publishes an output message (`error`, `stream`, …) where outputs go now: an Output widget's capture, else the request's. */
  publishOutput?(msgType: string, content: Record<string, unknown>): void;
  /** Publishes an output message under a parent msg_id of the caller's choosing (Output widgets of the classic notebook). */
  publishUnder?(parentMsgId: string, msgType: string, content: Record<string, unknown>): void;
  /** Asks the frontend for a line of input on stdin; rejects when the request did not allow stdin. */
  requestInput?(prompt: string, password: boolean): Promise<string>;
  /** The error output of a thrown value (traceback with cell lines). */
  errorContent?(error: unknown): ErrorOutput;
  /** The msg_id of the request being handled: the running cell, or the comm message a handler answers. */
  parentMsgId?(): string | undefined;
}

const slot = shared<{ hooks?: KernelHooks }>('kernel-hooks', () => ({}));

/** Installs (or with `undefined` removes) the kernel's hooks. */
export function setKernelHooks(next: KernelHooks | undefined): void {
  slot.hooks = next;
}

/** The installed hooks (empty outside the workbook kernel). */
export function kernelHooks(): KernelHooks {
  return slot.hooks ?? {};
}

/** Clears the output of the running cell (Jupyter `clear_output`); false outside the workbook kernel. */
export function clearOutput(wait = false): boolean {
  const clear = slot.hooks?.clearOutput;
  if (!clear) return false;
  clear(wait);
  return true;
}

/** The interrupt signal of the running cell, or undefined outside the workbook kernel. */
export function kernelInterruptSignal(): AbortSignal | undefined {
  return slot.hooks?.interruptSignal?.();
}

/**
 * Throws the kernel's interrupt error if the user interrupted the running cell: call it once per
 * batch or step in a long library loop so an interrupt stops it (no-op outside the kernel).
 */
export function throwIfKernelInterrupted(): void {
  kernelInterruptSignal()?.throwIfAborted();
}

/**
 * Reports an error thrown by a callback (a widget observer, a comm handler's timer) as an `error`
 * output where outputs go now, with the kernel's traceback. Outside the kernel: printed on stderr.
 */
export function reportCallbackError(error: unknown): void {
  const hooks = kernelHooks();
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  const content: ErrorOutput = hooks.errorContent?.(error) ?? {
    ename: typeof e?.name === 'string' ? e.name : 'Error',
    evalue: typeof e?.message === 'string' ? e.message : String(error),
    traceback: [typeof e?.stack === 'string' ? e.stack : String(error)],
  };
  const sink = currentOutputSink();
  if (sink) sink.emit('error', { ...content });
  else if (hooks.publishOutput) hooks.publishOutput('error', { ...content });
  else process.stderr.write(`${content.traceback.join('\n')}\n`);
}
