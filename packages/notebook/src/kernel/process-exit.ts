/**
 * `process.exit()` in a cell must not kill the kernel: the client would get no reply and lose the
 * session. While the kernel runs, `process.exit` throws a {@link ProcessExitError} instead: in a cell
 * it ends the cell with that error (reported to the notebook like any other); in a timer or callback
 * it is reported on stderr. The kernel itself exits through {@link exitProcess}.
 */

const realExit: (code?: number) => never = process.exit.bind(process) as (code?: number) => never;

/** What `process.exit(code)` throws inside the kernel. */
export class ProcessExitError extends Error {
  override name = 'ProcessExit';
  constructor(readonly code: number | string | null | undefined) {
    super(
      `process.exit(${code === undefined ? '' : String(code)}) was called: the kernel does not exit from a cell. ` +
        'The cell stops here and the session keeps its variables; to start afresh, restart the kernel (Kernel > Restart).',
    );
  }
}

let installed = false;

/** Replaces `process.exit` with a function that throws {@link ProcessExitError} (idempotent). */
export function installProcessExitGuard(): void {
  if (installed) return;
  installed = true;
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitError(code);
  }) as typeof process.exit;
}

/** Exits the process (the kernel's own shutdown), whatever cells did to `process.exit`. */
export function exitProcess(code = 0): never {
  return realExit(code);
}
