/**
 * Heat maps as plain plotly figure specs: `heatmapFigure(z, options)` shows a matrix `z[row][col]`
 * (e.g. validation mAP over a γ− × m grid, the ASL paper's combined ablation) with every cell's value
 * written on it, so the figure reads like a table and the best cell is easy to spot. Missing cells
 * (NaN, null: a failed run) stay blank and unannotated.
 */
import { fail } from '../errors';
import type { PlotlyFigure } from '../display/plotly';

export interface HeatmapFigureOptions {
  /** Column labels (x axis), one per column of `z`. Default 0, 1, …. */
  x?: ReadonlyArray<number | string>;
  /** Row labels (y axis), one per row of `z`. Default 0, 1, …. */
  y?: ReadonlyArray<number | string>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Title of the colour bar (e.g. `'mAP (%)'`). */
  colorbarTitle?: string;
  /** Digits of the cell annotations (default 1). */
  digits?: number;
  /** Plotly colour scale name (default `'Viridis'`). */
  colorscale?: string;
  /** Outline the cell with the largest value (default true). */
  markMax?: boolean;
  /** Figure width in px (default: the container's). */
  width?: number;
  /** Figure height in px (default 420). */
  height?: number;
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A heat map of `z` (rows × columns, rows along y from bottom to top) with one annotation per finite
 * cell. Labels are categorical (equal-sized cells whatever the spacing of the swept values); annotations
 * and the best-cell outline are placed by category index.
 * Annotation text is dark on light cells and white on dark ones (Viridis: the upper half is light).
 *
 * @example
 * heatmapFigure([[10.1, 12.3], [11.0, 13.4]], { x: [0, 0.05], y: [0, 2], xTitle: 'm', yTitle: 'γ−', colorbarTitle: 'mAP' })
 */
export function heatmapFigure(z: ReadonlyArray<ReadonlyArray<number | null | undefined>>, options: HeatmapFigureOptions = {}): PlotlyFigure {
  const fn = 'heatmapFigure';
  if (!Array.isArray(z) || z.length === 0) fail(fn, 'z', `must be a non-empty array of rows, got ${Array.isArray(z) ? '[]' : String(z)}`);
  const cols = z[0].length;
  if (cols === 0) fail(fn, 'z', 'rows must be non-empty');
  z.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) fail(fn, `z[${i}]`, `must have ${cols} values like z[0], got ${Array.isArray(row) ? row.length : String(row)}`);
  });
  const xs = (options.x ?? Array.from({ length: cols }, (_, j) => j)).map(String);
  const ys = (options.y ?? Array.from({ length: z.length }, (_, i) => i)).map(String);
  if (xs.length !== cols) fail(fn, 'options.x', `must have one label per column (${cols}), got ${xs.length}`);
  if (ys.length !== z.length) fail(fn, 'options.y', `must have one label per row (${z.length}), got ${ys.length}`);
  const digits = options.digits ?? 1;
  const values: Array<Array<number | null>> = z.map((row: ReadonlyArray<number | null | undefined>) => row.map((v: number | null | undefined) => finiteOrNull(v)));
  const finite = values.flat().filter((v): v is number => v !== null);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const mid = (lo + hi) / 2;
  const annotations: Array<Record<string, unknown>> = [];
  let best: { i: number; j: number; v: number } | undefined;
  values.forEach((row: Array<number | null>, i: number) =>
    row.forEach((v: number | null, j: number) => {
      if (v === null) return;
      if (!best || v > best.v) best = { i, j, v };
      // Category coordinates: on a categorical axis the k-th category sits at k. (A label such as '0.05'
      // would be read as a number, not as the category, and land in the wrong cell.)
      annotations.push({
        x: j,
        y: i,
        text: v.toFixed(digits),
        showarrow: false,
        font: { color: v > mid ? '#000000' : '#ffffff', size: 13 },
      });
    }),
  );
  const shapes: Array<Record<string, unknown>> = [];
  if ((options.markMax ?? true) && best) {
    // Categorical axes put category k at coordinate k: the cell spans k ± 0.5.
    shapes.push({
      type: 'rect',
      xref: 'x',
      yref: 'y',
      x0: best.j - 0.5,
      x1: best.j + 0.5,
      y0: best.i - 0.5,
      y1: best.i + 0.5,
      line: { color: '#D55E00', width: 3 },
    });
  }
  return {
    data: [
      {
        type: 'heatmap',
        x: xs,
        y: ys,
        z: values,
        colorscale: options.colorscale ?? 'Viridis',
        colorbar: { title: { text: options.colorbarTitle ?? '' } },
        hoverongaps: false,
      },
    ],
    layout: {
      title: { text: options.title ?? '' },
      xaxis: { title: { text: options.xTitle ?? '' }, type: 'category' },
      yaxis: { title: { text: options.yTitle ?? '' }, type: 'category' },
      annotations,
      shapes,
      height: options.height ?? 420,
      ...(options.width ? { width: options.width } : {}),
      margin: { l: 70, r: 20, t: 50, b: 55 },
      template: { layout: { font: { family: 'sans-serif' } } },
    },
    config: { displaylogo: false },
  };
}
