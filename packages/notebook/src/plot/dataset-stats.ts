/**
 * Figures of dataset label statistics (plotly specs): class frequencies (the long tail), labels per
 * sample, and the label co-occurrence heatmap. Inputs are {@link DatasetStatistics} objects from
 * `datasetStatistics` / `computeLabelStatistics`.
 */
import type { PlotlyFigure } from '../display/plotly';
import type { DatasetStatistics } from 'asl-workbook';
import { OUTSIDE_LEGEND, PALETTE } from './line';

export interface ClassFrequencyFigureOptions {
  title?: string;
  /** Log-scale y axis (default true: shows the tail). */
  logY?: boolean;
  /** Show at most this many classes (most frequent first; default all). */
  limit?: number;
  height?: number;
}

/**
 * Class frequencies by rank: the fraction of samples carrying each class, classes sorted from the most
 * frequent (rank 1) down — the long tail. Several datasets share the axes by rank (their classes differ),
 * each with its own bars; the hover names the class.
 */
export function classFrequencyFigure(stats: DatasetStatistics | readonly DatasetStatistics[], options: ClassFrequencyFigureOptions = {}): PlotlyFigure {
  const list = Array.isArray(stats) ? (stats as readonly DatasetStatistics[]) : [stats as DatasetStatistics];
  const data = list.map((s, i) => {
    const sorted = s.sortedClasses().slice(0, options.limit ?? Infinity);
    return {
      type: list.length > 1 ? 'scatter' : 'bar',
      ...(list.length > 1 ? { mode: 'lines+markers', marker: { size: 4, color: PALETTE[i % PALETTE.length] }, line: { color: PALETTE[i % PALETTE.length] } } : { marker: { color: PALETTE[i % PALETTE.length] } }),
      name: `${s.name} (${s.classes} classes)`,
      x: sorted.map((_, r) => r + 1),
      y: sorted.map((c) => c.frequency),
      text: sorted.map((c) => c.name),
      hovertemplate: 'rank %{x}: %{text}, %{y:.4f}<extra>%{fullData.name}</extra>',
    };
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Class frequencies by rank (fraction of samples with the label)' },
      xaxis: { title: { text: 'class rank (1 = most frequent)' } },
      yaxis: { title: { text: 'frequency' }, ...(options.logY ?? true ? { type: 'log' } : {}) },
      height: options.height ?? 420,
      legend: OUTSIDE_LEGEND,
      margin: { t: 50, b: 60 },
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
