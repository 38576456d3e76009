/**
 * Figures of dataset label statistics (plotly specs): class frequencies (the long tail), labels per
 * sample, and the label co-occurrence heatmap. Inputs are {@link DatasetStatistics} objects from
 * `datasetStatistics` / `computeLabelStatistics`.
 */
import type { PlotlyFigure } from '../display/plotly';
import type { DatasetStatistics } from 'asl-workbook';
import { PALETTE } from './line';

export interface ClassFrequencyFigureOptions {
  title?: string;
  /** Log-scale y axis (default true: shows the tail). */
  logY?: boolean;
  /** Show at most this many classes (most frequent first; default all). */
  limit?: number;
  height?: number;
}

/** Bar chart of positives per class, most frequent first; several datasets are grouped bars. */
export function classFrequencyFigure(stats: DatasetStatistics | readonly DatasetStatistics[], options: ClassFrequencyFigureOptions = {}): PlotlyFigure {
  const list = Array.isArray(stats) ? (stats as readonly DatasetStatistics[]) : [stats as DatasetStatistics];
  const order = list[0].sortedClasses().slice(0, options.limit ?? Infinity).map((c) => c.name);
  const data = list.map((s, i) => {
    const byName = new Map(s.perClass.map((c) => [c.name, c.frequency]));
    return {
      type: 'bar',
      name: s.name,
      x: order,
      y: order.map((n) => byName.get(n) ?? 0),
      marker: { color: PALETTE[i % PALETTE.length] },
      hovertemplate: '%{x}: %{y:.4f}<extra>%{fullData.name}</extra>',
    };
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Class frequencies (fraction of samples with the label)' },
      xaxis: { title: { text: 'class (most frequent first)' }, tickangle: -60, automargin: true },
      yaxis: { title: { text: 'frequency' }, ...(options.logY ?? true ? { type: 'log' } : {}) },
      barmode: 'group',
      height: options.height ?? 460,
      margin: { t: 50, b: 120 },
    },
  };
}

/** Bar chart of the number of positive labels per sample. */
export function labelsPerSampleFigure(stats: DatasetStatistics | readonly DatasetStatistics[], options: { title?: string } = {}): PlotlyFigure {
  const list = Array.isArray(stats) ? (stats as readonly DatasetStatistics[]) : [stats as DatasetStatistics];
  return {
    data: list.map((s, i) => ({
      type: 'bar',
      name: s.name,
      x: s.labelsPerSample.map((_, n) => n),
      y: s.labelsPerSample.map((c) => c / s.samples),
      marker: { color: PALETTE[i % PALETTE.length] },
    })),
    layout: {
      title: { text: options.title ?? 'Positive labels per sample' },
      xaxis: { title: { text: 'positive labels' }, dtick: 1 },
      yaxis: { title: { text: 'fraction of samples' } },
      barmode: 'group',
      height: 380,
    },
  };
}

export interface CooccurrenceFigureOptions {
  title?: string;
  /** `count` (raw), or `conditional`: P(column | row) = C[i][j] / C[i][i] (default). */
  normalize?: 'count' | 'conditional';
  /** Show only the most frequent classes (default 40). */
  limit?: number;
}

/** Heatmap of label co-occurrence among the most frequent classes. */
export function cooccurrenceFigure(stats: DatasetStatistics, options: CooccurrenceFigureOptions = {}): PlotlyFigure {
  const names = stats.sortedClasses().slice(0, options.limit ?? 40).map((c) => c.name);
  const index = new Map(stats.perClass.map((c, i) => [c.name, i]));
  const idx = names.map((n) => index.get(n)!);
  const conditional = (options.normalize ?? 'conditional') === 'conditional';
  const z = idx.map((i) =>
    idx.map((j) => {
      const v = stats.cooccurrence[i][j];
      return conditional ? (stats.cooccurrence[i][i] > 0 ? v / stats.cooccurrence[i][i] : 0) : v;
    }),
  );
  return {
    data: [{ type: 'heatmap', x: names, y: names, z, colorscale: 'Viridis', hovertemplate: 'row %{y}, column %{x}: %{z}<extra></extra>' }],
    layout: {
      title: { text: options.title ?? (conditional ? 'Label co-occurrence P(column | row)' : 'Label co-occurrence (samples)') },
      xaxis: { tickangle: -60, automargin: true },
      yaxis: { autorange: 'reversed', automargin: true },
      height: 640,
    },
  };
}
