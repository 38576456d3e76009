/**
 * Terminal progress of a training run, as a callback the trainer notifies:
 * - `'bar'` (a terminal, not CI): a progress bar with ETA on stderr, rewritten in place;
 * - `'lines'` (CI logs, pipes): one summary line per epoch;
 * - `'none'`: nothing.
 * `'auto'` picks the host's display when one is installed (a notebook's live chart, from the notebook
 * package through `setTrainingEnvironment`), else `'bar'` on a terminal and `'lines'` elsewhere.
 */
import type { EpochRecord, TrainBeginInfo, TrainingCallback } from './events';
import { trainingEnvironment } from './events';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';
export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'none'];

/** The terminal mode `'auto'` resolves to in this process when no host display is installed. */
export function terminalProgressMode(env: NodeJS.ProcessEnv = process.env, isTty = process.stderr.isTTY): 'bar' | 'lines' {
  return env.CI || env.ASL_QUIET || !isTty ? 'lines' : 'bar';
}

/** A duration as `1m05s` or `42s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** One summary line of an epoch (the CI log format). */
export function epochSummaryLine(r: EpochRecord, epochs: number, label = ''): string {
  const ema = Number.isFinite(r.valMapEma) ? ` mAP(ema) ${r.valMapEma.toFixed(2)}` : '';
  const acc = Number.isFinite(r.valAccuracy) ? ` acc ${r.valAccuracy.toFixed(2)}` : '';
  return `${label}epoch ${r.epoch + 1}/${epochs} loss ${r.trainLoss.toFixed(4)} val-loss ${r.valLoss.toFixed(4)} val-bce ${r.valBce.toFixed(4)} mAP ${r.valMap.toFixed(2)}${ema}${acc} lr ${r.lr.toExponential(2)} ${r.seconds.toFixed(1)}s${r.best ? ' *best' : ''}`;
}

/** Progress-bar state shared by the terminal bar and the notebook display: ETA from the steps done. */
export class ProgressClock {
  private start = Date.now();
  private firstStep = 0;
  totalSteps = 0;
  epochs = 0;
  label = '';

  begin(info: TrainBeginInfo): void {
    this.start = Date.now();
    this.epochs = info.epochs;
    this.totalSteps = info.epochs * info.stepsPerEpoch;
    this.firstStep = info.startEpoch * info.stepsPerEpoch;
    this.label = info.name && info.name !== 'run' ? `[${info.name}] ` : '';
  }

  /** Seconds left after global step `step`. */
  eta(step: number): number {
    const done = step + 1 - this.firstStep;
    return ((Date.now() - this.start) / 1000 / Math.max(1, done)) * (this.totalSteps - step - 1);
  }
}

/** The terminal progress callback of a mode (`'auto'` resolved as the module comment says). */
export function createTrainingProgress(mode: ProgressMode = 'auto'): TrainingCallback {
  if (mode === 'auto') {
    const host = trainingEnvironment().progress;
    if (host) return host();
    mode = terminalProgressMode();
  }
  const clock = new ProgressClock();
  if (mode === 'none') return { name: 'progress' };
  if (mode === 'lines') {
    return {
      name: 'progress',
      onTrainBegin: (info) => clock.begin(info),
      onEpochEnd: (r) => console.log(epochSummaryLine(r, clock.epochs, clock.label)),
    };
  }
  const width = 30;
  let lastDraw = 0;
  return {
    name: 'progress',
    onTrainBegin: (info) => clock.begin(info),
    onBatchEnd({ epoch, step, loss }) {
      const now = Date.now();
      if (now - lastDraw < 200 && step + 1 < clock.totalSteps) return;
      lastDraw = now;
      const frac = (step + 1) / clock.totalSteps;
      const filled = Math.round(frac * width);
      process.stderr.write(
        `\r${clock.label}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * frac).toFixed(0)}% epoch ${epoch + 1}/${clock.epochs} loss ${loss.toFixed(4)} ETA ${formatSeconds(clock.eta(step))}   `,
      );
    },
    onEpochEnd(r) {
      process.stderr.write('\r\x1b[K');
      console.log(epochSummaryLine(r, clock.epochs, clock.label));
    },
    onTrainEnd() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
