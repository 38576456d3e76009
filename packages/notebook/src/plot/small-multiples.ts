/**
 * Small multiples: many curves as a grid of small panels sharing their axes, one panel per group
 * (e.g. one loss per panel), instead of a dozen lines in one plot.
 */
import type { PlotlyFigure } from '../display/plotly';
import { fail } from '../errors';
import { PALETTE, type LineSeries } from './line';

export interface SmallMultiplesOptions {
  title?: string;
  /** Panels per row (default 4). */
  columns?: number;
  xTitle?: string;
  yTitle?: string;
  /** Share the y axis (default true), so the panels compare. */
  shareY?: boolean;
  yRange?: [number, number];
  xLog?: boolean;
  /** Height of one row in px (default 200). */
  rowHeight?: number;
}

/** One panel: a title and its lines (the same series names across panels share a colour and legend entry). */
export interface Panel {
  title: string;
  series: readonly LineSeries[];
}

export function smallMultiplesFigure(panels: readonly Panel[], options: SmallMultiplesOptions = {}): PlotlyFigure {
  const fn = 'smallMultiplesFigure';
  if (!Array.isArray(panels as unknown) || panels.length === 0) fail(fn, 'panels', 'must be a non-empty array of { title, series }');
  const columns = Math.max(1, Math.min(options.columns ?? 4, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colour = (name: string, given?: string) => given ?? PALETTE[names.indexOf(name) % PALETTE.length];
  const data = panels.flatMap((p, i) =>
    p.series.map((s) => ({
      type: 'scatter',
      mode: s.mode ?? 'lines',
      name: s.name,
      legendgroup: s.name,
      showlegend: panels.findIndex((q) => q.series.some((t) => t.name === s.name)) === i,
      x: Array.from(s.x),
      y: Array.from(s.y),
      xaxis: i === 0 ? 'x' : `x${i + 1}`,
      yaxis: i === 0 ? 'y' : `y${i + 1}`,
      line: { color: colour(s.name, s.color), dash: s.dash ?? 'solid', width: 1.8 },
    })),
  );
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    grid: { rows, columns, pattern: 'independent', xgap: 0.06, ygap: 0.16 },
    height: 60 + rows * (options.rowHeight ?? 200),
    margin: { l: 60, r: 20, t: 60, b: 50 },
    legend: { orientation: 'h', x: 0, y: -0.08, yanchor: 'top' },
    annotations: panels.map((p, i) => ({
      text: p.title,
      showarrow: false,
      xref: `${i === 0 ? 'x' : `x${i + 1}`} domain`,
      yref: `${i === 0 ? 'y' : `y${i + 1}`} domain`,
      x: 0.5,
      y: 1.12,
      font: { size: 12 },
    })),
  };
  panels.forEach((_, i) => {
    const sx = i === 0 ? 'xaxis' : `xaxis${i + 1}`;
    const sy = i === 0 ? 'yaxis' : `yaxis${i + 1}`;
    const bottom = i >= (rows - 1) * columns;
    layout[sx] = { ...(options.xLog ? { type: 'log' } : {}), ...(bottom && options.xTitle ? { title: { text: options.xTitle } } : {}) };
    layout[sy] = {
      ...(options.shareY ?? true ? { matches: 'y' } : {}),
      ...(options.yRange ? { range: options.yRange } : {}),
      ...(i % columns === 0 && options.yTitle ? { title: { text: options.yTitle } } : {}),
    };
  });
  if (options.shareY ?? true) (layout.yaxis as Record<string, unknown>).matches = undefined;
  return { data, layout, config: { displaylogo: false } };
}
