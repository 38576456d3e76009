/**
 * Interrupting a running cell without killing the kernel.
 *
 * - Synchronous code: tslab runs a cell with `vm` `breakOnSigint`, so a SIGINT (Jupyter's interrupt)
 *   stops a busy loop in the cell's first synchronous stretch; the kernel keeps running.
 * - Asynchronous code (a training loop with `await`s): a signal cannot stop a pending promise, so the
 *   kernel rewrites every `await x` of the cell's compiled code as `await __aslAwait__(x)`. On
 *   interrupt, every such pending await rejects with a `KeyboardInterrupt` error, and so does every
 *   later one until the next cell starts: the loop stops at its next `await` and its state (the
 *   variables of earlier cells, and those the cell already set) stays usable.
 * - Library loops can stop early by polling `kernelInterruptSignal()` (lib/display/kernel-hooks).
 *
 * A synchronous loop that runs after the cell's first `await` is stopped by the SIGINT watchdog
 * (./sigint-watchdog.ts), which terminates the stuck JavaScript from another thread.
 */
import * as ts from '@tslab/typescript-for-tslab';

/** The global through which instrumented code reaches the kernel's guard. */
export const AWAIT_GUARD_NAME = '__aslAwait__';

/** The error an interrupted cell fails with. */
export class KeyboardInterrupt extends Error {
  override name = 'KeyboardInterrupt';
  constructor(message = 'the cell was interrupted') {
    super(message);
  }
}

/** True for the errors that mean "interrupted": ours, vm's SIGINT break and tslab's own. */
export function isInterruptError(e: unknown): boolean {
  if (e instanceof KeyboardInterrupt) return true;
  const err = e as { code?: unknown; message?: unknown; name?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  return (
    err.name === 'KeyboardInterrupt' ||
    err.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ||
    err.message === 'Interrupted asynchronously'
  );
}

/**
 * Wraps the operand of every `await` in `code` (compiled JavaScript) with a call to the guard.
 * `for await` loops are left alone. Returns the code unchanged when it has no `await`.
 */
export function instrumentAwaits(code: string, guard = AWAIT_GUARD_NAME): string {
  if (!code.includes('await')) return code;
  const sf = ts.createSourceFile('cell.js', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Array<{ at: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isAwaitExpression(node)) {
      edits.push({ at: node.expression.getStart(sf), text: `${guard}(` });
      edits.push({ at: node.expression.getEnd(), text: ')' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (edits.length === 0) return code;
  // Apply from the end; at one offset, closing parentheses before opening ones is never needed
  // (an operand cannot end where another starts), so a stable order suffices.
  edits.sort((a, b) => b.at - a.at);
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as PromiseLike<unknown>).then === 'function';
}

/** The kernel's interrupt state: the await guard, pending awaits and the per-cell abort signal. */
export class InterruptController {
  private interrupted = false;
  private readonly pending = new Set<(e: Error) => void>();
  private abort = new AbortController();

  /** The guard instrumented awaits call: passes values through, races promises with an interrupt. */
  readonly guard = (value: unknown): unknown => {
    if (this.interrupted) throw new KeyboardInterrupt();
    if (!isThenable(value)) return value;
    return new Promise((resolve, reject) => {
      const cancel = (e: Error) => reject(e);
      this.pending.add(cancel);
      value.then(
        (v) => {
          this.pending.delete(cancel);
          resolve(v);
        },
        (e: unknown) => {
          this.pending.delete(cancel);
          reject(e);
        },
      );
    });
  };

  /** Whether an interrupt arrived since the running cell started. */
  get isInterrupted(): boolean {
    return this.interrupted;
  }

  /** The abort signal of the running cell. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Number of awaits now pending through the guard (for tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Interrupts: rejects every pending guarded await and makes the next ones throw. */
  interrupt(): void {
    this.interrupted = true;
    const error = new KeyboardInterrupt();
    for (const cancel of Array.from(this.pending)) cancel(error);
    this.pending.clear();
    this.abort.abort(error);
  }

  /** Called when a cell starts: clears the interrupt. */
  reset(): void {
    this.interrupted = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
  }

  /** Makes the guard reachable from cell code as `globalThis.__aslAwait__`. */
  install(name = AWAIT_GUARD_NAME): void {
    Object.defineProperty(globalThis, name, { value: this.guard, configurable: true, writable: true, enumerable: false });
  }
}
