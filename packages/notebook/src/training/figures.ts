/**
 * Figures of training runs: the loss and mAP curves of a history, and the paper's Figure 4 (mean
 * probability of positives and negatives along training) from a ProbabilityTracker.
 */
import type { EpochRecord, ProbabilityTracker, TrainingHistory } from 'asl-workbook';
import type { PlotlyFigure } from '../display/plotly';
import { lineFigure, type LineSeries } from '../plot/line';

function recordsOf(history: TrainingHistory | readonly EpochRecord[]): readonly EpochRecord[] {
  return Array.isArray(history) ? history : (history as TrainingHistory).records;
}

/** Training and validation loss per epoch (the same loss, the same units), with the loss-independent validation BCE. */
export function lossFigure(history: TrainingHistory | readonly EpochRecord[], options: { title?: string; width?: number; height?: number } = {}): PlotlyFigure {
  const records = recordsOf(history);
  const x = records.map((r) => r.epoch + 1);
  return lineFigure(
    [
      { name: 'train loss', x, y: records.map((r) => r.trainLoss) },
      { name: 'val loss', x, y: records.map((r) => r.valLoss), dash: 'dash' },
    ],
    { title: options.title ?? 'loss (train and validation, same loss)', xTitle: 'epoch', height: options.height ?? 300, width: options.width },
  );
}

/** Validation mAP (raw and EMA weights; accuracy too for single-label runs) per epoch. */
export function metricFigure(history: TrainingHistory | readonly EpochRecord[], options: { title?: string; width?: number; height?: number } = {}): PlotlyFigure {
  const records = recordsOf(history);
  const x = records.map((r) => r.epoch + 1);
  const series: LineSeries[] = [{ name: 'val mAP', x, y: records.map((r) => r.valMap) }];
  if (records.some((r) => Number.isFinite(r.valMapEma))) series.push({ name: 'val mAP (EMA)', x, y: records.map((r) => r.valMapEma), dash: 'dash' });
  if (records.some((r) => Number.isFinite(r.valAccuracy))) series.push({ name: 'val accuracy', x, y: records.map((r) => r.valAccuracy) });
  return lineFigure(series, { title: options.title ?? 'validation metrics (%)', xTitle: 'epoch', height: options.height ?? 300, width: options.width });
}

/** The paper's Figure 4: mean probability of positives and of negatives against the iteration. */
export function probabilityFigure(tracker: ProbabilityTracker, title = 'Mean probability of positives and negatives'): PlotlyFigure {
  const x = tracker.records.map((r) => r.step);
  return lineFigure(
    [
      { name: 'positives p̄⁺', x, y: tracker.records.map((r) => r.meanPositive) },
      { name: 'negatives p̄⁻', x, y: tracker.records.map((r) => r.meanNegative), dash: 'dash' },
    ],
    { title, xTitle: 'iteration', yTitle: 'mean probability', yRange: [0, 1] },
  );
}
