/**
 * Progress of a training run, in three forms picked by where it runs (`mode: 'auto'`):
 * - in a notebook (tslab): a live display updated in place (a progress line and a loss/mAP chart);
 * - on a terminal (TTY, not CI): a progress bar with ETA on stderr, rewritten in place;
 * - in CI logs or pipes: silent except one summary line per epoch.
 * `'none'` prints nothing.
 */
import { newDisplay, inNotebook } from '../display/publish';
import { figureHtml } from '../display/plotly';
import { escapeHtml } from '../display/mime';
import { lineFigure } from '../plot/line';
import type { EpochRecord } from './callbacks';

export type ProgressMode = 'auto' | 'notebook' | 'bar' | 'lines' | 'none';

export interface TrainingProgress {
  step(info: { epoch: number; step: number; loss: number }): void;
  epoch(record: EpochRecord): void;
  done(): void;
}

/** The mode `'auto'` resolves to in this process. */
export function resolveProgressMode(mode: ProgressMode = 'auto', env: NodeJS.ProcessEnv = process.env): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  if (inNotebook()) return 'notebook';
  if (env.CI || env.ASL_QUIET || !process.stderr.isTTY) return 'lines';
  return 'bar';
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** One summary line of an epoch (the CI log format). */
export function epochSummaryLine(r: EpochRecord, epochs: number, label = ''): string {
  const ema = Number.isFinite(r.valMapEma) ? ` mAP(ema) ${r.valMapEma.toFixed(2)}` : '';
  return `${label}epoch ${r.epoch + 1}/${epochs} loss ${r.trainLoss.toFixed(4)} val-loss ${r.valLoss.toFixed(4)} mAP ${r.valMap.toFixed(2)}${ema} lr ${r.lr.toExponential(2)} ${r.seconds.toFixed(1)}s${r.best ? ' *best' : ''}`;
}

export function createTrainingProgress(options: { mode?: ProgressMode; epochs: number; stepsPerEpoch: number; startEpoch?: number; label?: string }): TrainingProgress {
  const mode = resolveProgressMode(options.mode);
  const { epochs, stepsPerEpoch } = options;
  const label = options.label ? `[${options.label}] ` : '';
  const totalSteps = epochs * stepsPerEpoch;
  const firstStep = (options.startEpoch ?? 0) * stepsPerEpoch;
  const start = Date.now();
  const history: EpochRecord[] = [];
  let lastDraw = 0;
  const eta = (step: number) => {
    const done = step + 1 - firstStep;
    const rate = (Date.now() - start) / 1000 / Math.max(1, done);
    return rate * (totalSteps - step - 1);
  };
  if (mode === 'none') return { step() {}, epoch() {}, done() {} };
  if (mode === 'lines') {
    return {
      step() {},
      epoch(r) {
        history.push(r);
        console.log(epochSummaryLine(r, epochs, label));
      },
      done() {},
    };
  }
  if (mode === 'bar') {
    const width = 30;
    return {
      step({ epoch, step, loss }) {
        const now = Date.now();
        if (now - lastDraw < 200 && step + 1 < totalSteps) return;
        lastDraw = now;
        const frac = (step + 1) / totalSteps;
        const filled = Math.round(frac * width);
        process.stderr.write(`\r${label}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * frac).toFixed(0)}% epoch ${epoch + 1}/${epochs} loss ${loss.toFixed(4)} ETA ${fmtSeconds(eta(step))}   `);
      },
      epoch(r) {
        process.stderr.write('\r\x1b[K');
        console.log(epochSummaryLine(r, epochs, label));
      },
      done() {
        process.stderr.write('\r\x1b[K');
      },
    };
  }
  // Notebook: one display, updated in place.
  const display = newDisplay();
  let line = 'starting…';
  const draw = () => {
    const xs = history.map((h) => h.epoch + 1);
    const series = [
      { name: 'train loss', x: xs, y: history.map((h) => h.trainLoss) },
      { name: 'val loss', x: xs, y: history.map((h) => h.valLoss), dash: 'dash' },
    ];
    const maps = [{ name: 'val mAP', x: xs, y: history.map((h) => h.valMap) }];
    if (history.some((h) => Number.isFinite(h.valMapEma))) maps.push({ name: 'val mAP (EMA)', x: xs, y: history.map((h) => h.valMapEma) });
    const charts = history.length
      ? `<div style="display:flex;flex-wrap:wrap">${figureHtml(lineFigure(series, { title: 'loss', xTitle: 'epoch', height: 280, width: 420 }))}${figureHtml(lineFigure(maps, { title: 'validation mAP (%)', xTitle: 'epoch', height: 280, width: 420 }))}</div>`
      : '';
    display.update({ 'text/plain': line, 'text/html': `<pre>${escapeHtml(line)}</pre>${charts}` });
  };
  return {
    step({ epoch, step, loss }) {
      const now = Date.now();
      if (now - lastDraw < 1000) return;
      lastDraw = now;
      line = `${label}epoch ${epoch + 1}/${epochs} step ${step + 1}/${totalSteps} loss ${loss.toFixed(4)} ETA ${fmtSeconds(eta(step))}`;
      draw();
    },
    epoch(r) {
      history.push(r);
      line = epochSummaryLine(r, epochs, label);
      draw();
    },
    done() {
      draw();
    },
  };
}
