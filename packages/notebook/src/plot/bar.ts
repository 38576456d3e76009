/**
 * Bar charts with error bars as plain plotly figure specs: `barFigure(series, options)`. One series
 * is one group of bars (e.g. one dataset); the categories (e.g. losses) are the bars of a group.
 * Grouped bars let a leaderboard show every loss on several datasets side by side, with the spread
 * over seeds as error bars. Horizontal bars (`orientation: 'h'`) suit long category names.
 */
import { fail } from '../errors';
import type { PlotlyFigure } from '../display/plotly';
import { OUTSIDE_LEGEND, PALETTE } from './line';

/** One group of bars: parallel `categories` and `values` (and optional ± `errors`). */
export interface BarSeries {
  name: string;
  categories: readonly string[];
  values: readonly number[];
  /** Error bars (± values, e.g. a std over seeds); NaN or undefined entries draw none. */
  errors?: readonly number[];
  color?: string;
  /** Per-bar colours (e.g. to highlight one bar); wins over `color`. */
  colors?: readonly string[];
}

export interface BarFigureOptions {
  title?: string;
  /** Title of the value axis. */
  valueTitle?: string;
  /** Title of the category axis. */
  categoryTitle?: string;
  /** `'v'` (default, vertical bars) or `'h'` (horizontal). */
  orientation?: 'v' | 'h';
  /** Range of the value axis. */
  valueRange?: [number, number];
  /** Category order on the axis (default: first appearance over the series). */
  categoryOrder?: readonly string[];
  /** Show each bar's value as text on the bar, with this many digits (default: no text). */
  textDigits?: number;
  width?: number;
  /** Figure height in px (default 420; horizontal bars: 20 px per bar + 120, at least 300). */
  height?: number;
}

/** A grouped bar figure, one trace per series, with error bars where given. */
export function barFigure(series: readonly BarSeries[], options: BarFigureOptions = {}): PlotlyFigure {
  const fn = 'barFigure';
  if (!Array.isArray(series) || series.length === 0) fail(fn, 'series', 'must be a non-empty array of { name, categories, values }');
  series.forEach((s, i) => {
    if (s.categories.length !== s.values.length) {
      fail(fn, `series[${i}].values`, `must have one value per category (${s.categories.length}), got ${s.values.length}`);
    }
    if (s.errors && s.errors.length !== s.values.length) {
      fail(fn, `series[${i}].errors`, `must have one error per value (${s.values.length}), got ${s.errors.length}`);
    }
    if (s.colors && s.colors.length !== s.values.length) {
      fail(fn, `series[${i}].colors`, `must have one colour per value (${s.values.length}), got ${s.colors.length}`);
    }
  });
  const horizontal = options.orientation === 'h';
  const order: string[] = options.categoryOrder ? [...options.categoryOrder] : [];
  if (!options.categoryOrder) for (const s of series) for (const c of s.categories) if (!order.includes(c)) order.push(c);
  const data = series.map((s, i) => {
    const cats: string[] = s.categories.slice();
    const vals: number[] = s.values.slice();
    const errs = s.errors ? Array.from(s.errors, (e) => (Number.isFinite(e) ? e : 0)) : undefined;
    return {
      type: 'bar',
      name: s.name,
      orientation: horizontal ? 'h' : 'v',
      x: horizontal ? vals : cats,
      y: horizontal ? cats : vals,
      marker: { color: s.colors ? Array.from(s.colors) : s.color ?? PALETTE[i % PALETTE.length] },
      ...(errs ? { [horizontal ? 'error_x' : 'error_y']: { type: 'data', array: errs, visible: true, thickness: 1.5 } } : {}),
      ...(options.textDigits !== undefined ? { text: vals.map((v: number) => v.toFixed(options.textDigits)), textposition: 'outside', cliponaxis: false } : {}),
    };
  });
  const valueAxis = { title: { text: options.valueTitle ?? '' }, ...(options.valueRange ? { range: options.valueRange } : {}), zeroline: true };
  const categoryAxis = {
    title: { text: options.categoryTitle ?? '' },
    categoryorder: 'array',
    categoryarray: horizontal ? [...order].reverse() : order,
    automargin: true,
  };
  return {
    data,
    layout: {
      title: { text: options.title ?? '' },
      barmode: 'group',
      xaxis: horizontal ? valueAxis : categoryAxis,
      yaxis: horizontal ? categoryAxis : valueAxis,
      height: options.height ?? (horizontal ? Math.max(300, 120 + 20 * order.length * series.length) : 420),
      ...(options.width ? { width: options.width } : {}),
      margin: { l: 60, r: 20, t: 50, b: 50 },
      legend: OUTSIDE_LEGEND,
      showlegend: series.length > 1,
      template: { layout: { font: { family: 'sans-serif' } } },
    },
    config: { displaylogo: false },
  };
}
