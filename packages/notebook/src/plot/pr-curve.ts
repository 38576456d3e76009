/**
 * Precision-recall curves as a plotly figure spec: one step line per class (recall on x, precision
 * on y, drawn as scikit-learn's `PrecisionRecallDisplay` draws them: steps-post), named with the
 * class and its AP. Built on {@link lineFigure}.
 */
import type { PlotlyFigure } from '../display/plotly';
import { lineFigure, type LineFigureOptions } from './line';

/** What the figure needs of a curve (matches `PrecisionRecallCurve` from the metrics). */
export interface PrecisionRecallCurveLike {
  class: string;
  precision: readonly number[];
  recall: readonly number[];
  averagePrecision?: number;
}

/** A figure with one precision-recall step line per curve. */
export function precisionRecallFigure(curves: readonly PrecisionRecallCurveLike[], options: LineFigureOptions = {}): PlotlyFigure {
  const figure = lineFigure(
    curves.map((c) => ({
      name: c.averagePrecision === undefined ? c.class : `${c.class} (AP ${(100 * c.averagePrecision).toFixed(2)})`,
      x: c.recall,
      y: c.precision,
    })),
    { title: 'Precision-recall', xTitle: 'recall', yTitle: 'precision', xRange: [0, 1.02], yRange: [0, 1.02], ...options },
  );
  for (const trace of figure.data) {
    (trace.line as Record<string, unknown>).shape = 'hv';
  }
  return figure;
}
