/**
 * Training in a notebook: a live display (a progress line with ETA and the loss / metric charts,
 * updated in place) that the trainer's `progress: 'auto'` uses inside the workbook's kernel, and
 * renderers that show the core's histories, results and probability trackers with their charts.
 */
import {
  epochSummaryLine,
  formatSeconds,
  ProbabilityTracker,
  ProgressClock,
  TrainingHistory,
  TrainingResult,
  escapeHtml,
  JUPYTER_DISPLAY,
  type EpochRecord,
  type TrainingCallback,
} from 'asl-workbook';
import { figureHtml } from '../display/plotly';
import { newDisplay } from '../display/publish';
import { registerValueRenderer } from '../display/renderers';
import { lossFigure, metricFigure, probabilityFigure } from './figures';

/** Two charts side by side (loss, metrics) as HTML. */
function chartsHtml(records: readonly EpochRecord[]): string {
  if (!records.length) return '';
  const size = { width: 420, height: 280 };
  return `<div style="display:flex;flex-wrap:wrap">${figureHtml(lossFigure(records, size))}${figureHtml(metricFigure(records, size))}</div>`;
}

/**
 * A live training display: one notebook output updated in place — a progress line (epoch, step, loss,
 * ETA) and the loss and metric charts after each epoch. Pass it as `progress` to `trainModel`, or let
 * `progress: 'auto'` pick it in the workbook's kernel.
 */
export function liveTrainingDisplay(): TrainingCallback {
  const display = newDisplay();
  const clock = new ProgressClock();
  const history: EpochRecord[] = [];
  let line = 'starting…';
  let lastDraw = 0;
  const draw = () => display.update({ 'text/plain': line, 'text/html': `<pre>${escapeHtml(line)}</pre>${chartsHtml(history)}` });
  return {
    name: 'progress',
    onTrainBegin(info) {
      clock.begin(info);
      draw();
    },
    onBatchEnd({ epoch, step, loss }) {
      const now = Date.now();
      if (now - lastDraw < 1000) return;
      lastDraw = now;
      line = `${clock.label}epoch ${epoch + 1}/${clock.epochs} step ${step + 1}/${clock.totalSteps} loss ${loss.toFixed(4)} ETA ${formatSeconds(clock.eta(step))}`;
      draw();
    },
    onEpochEnd(r) {
      history.push(r);
      line = epochSummaryLine(r, clock.epochs, clock.label);
      draw();
    },
    onTrainEnd() {
      draw();
    },
  };
}

let installed = false;

/** Registers the renderers that add charts to the core's training objects (idempotent). */
export function registerTrainingRenderers(): void {
  if (installed) return;
  installed = true;
  registerValueRenderer('asl-training-history', (v) => {
    if (!(v instanceof TrainingHistory)) return undefined;
    const b = v[JUPYTER_DISPLAY]();
    return { 'text/plain': b['text/plain'], 'text/html': `${chartsHtml(v.records)}${b['text/html'] as string}` };
  });
  registerValueRenderer('asl-training-result', (v) => {
    if (!(v instanceof TrainingResult)) return undefined;
    const b = v[JUPYTER_DISPLAY]();
    return { 'text/plain': b['text/plain'], 'text/html': `<p>${escapeHtml(v.summary())}</p>${chartsHtml(v.history.records)}${v.history[JUPYTER_DISPLAY]()['text/html'] as string}` };
  });
  registerValueRenderer('asl-probability-tracker', (v) => {
    if (!(v instanceof ProbabilityTracker) || v.records.length === 0) return undefined;
    return { 'text/plain': v[JUPYTER_DISPLAY]()['text/plain'], 'text/html': figureHtml(probabilityFigure(v)) };
  });
}
