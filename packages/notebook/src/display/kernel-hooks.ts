/**
 * What a notebook kernel offers running code beyond displays: clearing the cell's output and an
 * `AbortSignal` that fires when the user interrupts the kernel. The workbook's kernel installs them
 * with {@link setKernelHooks}; elsewhere the functions are harmless no-ops.
 *
 * Why an interrupt signal: a Jupyter interrupt stops the cell's own code at its next `await`, but a
 * library loop (a training engine awaiting its batches) only stops early if it looks; checking
 * `kernelInterruptSignal()?.aborted` once per batch makes long library calls interruptible too.
 */

/** The hooks a kernel provides. */
export interface KernelHooks {
  /** Clears the current cell's output (`wait`: only when the next output arrives). */
  clearOutput?(wait: boolean): void;
  /** A signal aborted when the kernel is interrupted (a fresh one for each cell). */
  interruptSignal?(): AbortSignal;
}

let hooks: KernelHooks | undefined;

/** Installs (or with `undefined` removes) the kernel's hooks. */
export function setKernelHooks(next: KernelHooks | undefined): void {
  hooks = next;
}

/** Clears the output of the running cell (Jupyter `clear_output`); false outside the workbook kernel. */
export function clearOutput(wait = false): boolean {
  if (!hooks?.clearOutput) return false;
  hooks.clearOutput(wait);
  return true;
}

/** The interrupt signal of the running cell, or undefined outside the workbook kernel. */
export function kernelInterruptSignal(): AbortSignal | undefined {
  return hooks?.interruptSignal?.();
}

/**
 * Throws the kernel's interrupt error if the user interrupted the running cell: call it once per
 * batch or step in a long library loop so an interrupt stops it (no-op outside the kernel).
 */
export function throwIfKernelInterrupted(): void {
  kernelInterruptSignal()?.throwIfAborted();
}
