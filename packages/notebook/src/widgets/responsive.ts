/**
 * Keeping the kernel responsive during a long run. The core's trainer awaits its batches, but when
 * every await resolves at once (tensors computed synchronously) the event loop never gets a turn:
 * messages from the notebook — a Stop button's click, a slider, `interrupt_request` — wait until the
 * run ends. A callback that yields one event-loop turn every few milliseconds lets them in.
 */
import type { TrainingCallback } from 'asl-workbook';
import { fail } from '../errors';
import { checkOptions } from '../options';

/** Options of {@link keepKernelResponsive}. */
export interface KeepResponsiveOptions {
  /** Yield when this many milliseconds passed since the last turn (default 50). */
  everyMs?: number;
}

/**
 * A training callback that yields to the event loop (after a batch or an epoch, at most every
 * `everyMs`), so widgets and other messages are handled while `trainModel` runs.
 *
 * @example
 * await trainModel(config, { data, callbacks: [keepKernelResponsive()], signal: stop.signal });
 */
export function keepKernelResponsive(options: KeepResponsiveOptions = {}): TrainingCallback {
  checkOptions('keepKernelResponsive', options, ['everyMs']);
  const everyMs = options.everyMs ?? 50;
  if (typeof everyMs !== 'number' || !(everyMs >= 0)) fail('keepKernelResponsive', 'everyMs', `must be a number ≥ 0, got ${JSON.stringify(everyMs)}`);
  let last = Date.now();
  const breathe = async () => {
    if (Date.now() - last < everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  };
  return { name: 'keep-kernel-responsive', onBatchEnd: breathe, onEpochEnd: breathe };
}
