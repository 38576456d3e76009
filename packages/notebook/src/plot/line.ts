/**
 * Line charts as plain plotly figure specs: `lineFigure(series, options)`. The spec can be shown
 * with `showFigure`, saved, or edited before showing.
 */
import type { PlotlyFigure } from '../display/plotly';

/** One line: parallel `x` and `y` arrays. */
export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Plotly dash style (`'solid'`, `'dash'`, `'dot'`, `'dashdot'`). */
  dash?: string;
  color?: string;
  /** Plotly `mode` (default `'lines'`). */
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** Error bars (± values), e.g. a std over seeds. */
  errorY?: readonly number[];
}

export interface LineFigureOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  /** Log-scale x axis. */
  xLog?: boolean;
  yLog?: boolean;
  /** Figure width in px (default: the container's). */
  width?: number;
  /** Figure height in px (default 420). */
  height?: number;
}

/** The legend placement of every figure: to the right of the plotting area, never over the data. */
export const OUTSIDE_LEGEND = { x: 1.02, xanchor: 'left', y: 1, yanchor: 'top' } as const;

/** A qualitative palette (colour-blind friendly, Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** Dash styles cycled once the palette is used up, so many series stay distinguishable. */
export const DASHES = ['solid', 'dash', 'dot', 'dashdot'];

/** A figure with one line per series. */
export function lineFigure(series: readonly LineSeries[], options: LineFigureOptions = {}): PlotlyFigure {
  const data = series.map((s, i) => ({
    type: 'scatter',
    mode: s.mode ?? 'lines',
    name: s.name,
    x: Array.from(s.x),
    y: Array.from(s.y),
    line: {
      dash: s.dash ?? DASHES[Math.floor(i / PALETTE.length) % DASHES.length],
      color: s.color ?? PALETTE[i % PALETTE.length],
      width: 2,
    },
    ...(s.errorY ? { error_y: { type: 'data', array: Array.from(s.errorY), visible: true } } : {}),
  }));
  const axis = (title: string | undefined, range: [number, number] | undefined, log: boolean | undefined) => ({
    title: { text: title ?? '' },
    ...(range ? { range: log ? range.map(Math.log10) : range } : {}),
    ...(log ? { type: 'log' } : {}),
    zeroline: false,
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? '' },
      xaxis: axis(options.xTitle, options.xRange, options.xLog),
      yaxis: axis(options.yTitle, options.yRange, options.yLog),
      height: options.height ?? 420,
      ...(options.width ? { width: options.width } : {}),
      margin: { l: 60, r: 20, t: 50, b: 50 },
      // Outside the plotting area (right of it), never over the data.
      legend: OUTSIDE_LEGEND,
      template: { layout: { font: { family: 'sans-serif' } } },
    },
    config: { displaylogo: false },
  };
}
