/**
 * A slider explorer that needs no kernel: every curve is precomputed for every value its parameters
 * can take, one plotly slider per parameter, and the figure shows the curves that match the sliders'
 * current values. It works wherever the figure's HTML runs — in JupyterLab, in the classic notebook and
 * in the offline book — because the linking is part of the figure (`layout.meta.aslLinkedSliders`,
 * honoured by {@link figureHtml}), not of a live kernel.
 *
 * Each curve declares the parameters it depends on, so the precomputed traces stay few: ASL's positive
 * curves depend on γ+ only, its negative curves on γ− and m.
 *
 * @example
 * const fig = sliderExplorerFigure(
 *   { gammaNeg: { label: 'γ−', values: [0, 1, 2, 4], initial: 4 } },
 *   [{ name: 'negative', panel: 0, dependsOn: ['gammaNeg'], compute: ({ gammaNeg }) => ({ x, y: x.map((p) => p ** gammaNeg) }) }],
 *   { panels: [{ title: 'loss', xTitle: 'p', yTitle: 'L' }] },
 * );
 * showFigure(fig);
 */
import { lossCurves } from 'asl-workbook';
import type { PlotlyFigure } from '../display/plotly';
import { fail } from '../errors';
import { checkOptions } from '../options';
import { OUTSIDE_LEGEND, PALETTE } from './line';

/** One slider: its label and the values it steps through. */
export interface ExplorerParameter {
  label: string;
  values: readonly number[];
  /** The value shown first (must be one of `values`). */
  initial: number;
}

/** One curve of the explorer, computed for every combination of the parameters it depends on. */
export interface ExplorerCurve<K extends string> {
  /** Legend name (curves with the same name share colour and legend entry). */
  name: string;
  /** Index of the panel it is drawn in. */
  panel: number;
  dependsOn: readonly K[];
  compute: (values: Record<K, number>) => { x: readonly number[]; y: readonly number[] };
  color?: string;
  dash?: string;
}

export interface ExplorerPanel {
  title: string;
  xTitle?: string;
  yTitle?: string;
  yRange?: [number, number];
  yLog?: boolean;
}

export interface SliderExplorerOptions {
  title?: string;
  panels: readonly ExplorerPanel[];
  /** Height in px (default 380 + 70 per slider). */
  height?: number;
  /** Significant digits kept of each value (default 4), to keep the page small. */
  digits?: number;
}

const EXPLORER_KEYS = ['title', 'panels', 'height', 'digits'];

/** The cartesian product of the value indices of `keys`. */
function combinations<K extends string>(keys: readonly K[], parameters: Record<K, ExplorerParameter>): Array<Record<K, number>> {
  let out: Array<Partial<Record<K, number>>> = [{}];
  for (const k of keys) out = out.flatMap((c) => parameters[k].values.map((_, i) => ({ ...c, [k]: i })));
  return out as Array<Record<K, number>>;
}

export function sliderExplorerFigure<K extends string>(
  parameters: Record<K, ExplorerParameter>,
  curves: ReadonlyArray<ExplorerCurve<K>>,
  options: SliderExplorerOptions,
): PlotlyFigure {
  const fn = 'sliderExplorerFigure';
  checkOptions(fn, options, EXPLORER_KEYS);
  const keys = Object.keys(parameters) as K[];
  if (keys.length === 0) fail(fn, 'parameters', 'must name at least one parameter');
  for (const k of keys) {
    const p = parameters[k];
    if (!Array.isArray(p.values) || p.values.length === 0 || p.values.some((v) => !Number.isFinite(v))) fail(fn, `parameters.${k}.values`, 'must be a non-empty array of finite numbers');
    if (!p.values.includes(p.initial)) fail(fn, `parameters.${k}.initial`, `must be one of its values (${p.values.join(', ')}), got ${p.initial}`);
  }
  if (!options.panels?.length) fail(fn, 'panels', 'must be a non-empty array of { title, xTitle?, yTitle? }');
  const digits = options.digits ?? 4;
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);
  const sliderOf = new Map(keys.map((k, i) => [k, i]));
  const initialIndex = Object.fromEntries(keys.map((k) => [k, parameters[k].values.indexOf(parameters[k].initial)])) as Record<K, number>;
  const names = [...new Set(curves.map((c) => c.name))];
  const data: Array<Record<string, unknown>> = [];
  curves.forEach((curve, ci) => {
    if (!(curve.panel >= 0 && curve.panel < options.panels.length)) fail(fn, `curves[${ci}].panel`, `must be a panel index 0…${options.panels.length - 1}`);
    for (const k of curve.dependsOn) if (!sliderOf.has(k)) fail(fn, `curves[${ci}].dependsOn`, `names an unknown parameter "${k}" (parameters: ${keys.join(', ')})`);
    const firstOfName = curves.findIndex((c) => c.name === curve.name) === ci;
    for (const at of combinations(curve.dependsOn, parameters)) {
      const values = Object.fromEntries(keys.map((k) => [k, parameters[k].values[k in at ? at[k] : initialIndex[k]]])) as Record<K, number>;
      const { x, y } = curve.compute(values);
      if (x.length !== y.length) fail(fn, `curves[${ci}].compute`, `returned x and y of different lengths (${x.length} vs ${y.length})`);
      const visible = curve.dependsOn.every((k) => at[k] === initialIndex[k]);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: curve.name,
        legendgroup: curve.name,
        showlegend: firstOfName && curve.panel === curves.find((c) => c.name === curve.name)!.panel,
        visible,
        x: Array.from(x, round),
        y: Array.from(y, round),
        xaxis: curve.panel === 0 ? 'x' : `x${curve.panel + 1}`,
        yaxis: curve.panel === 0 ? 'y' : `y${curve.panel + 1}`,
        line: { color: curve.color ?? PALETTE[names.indexOf(curve.name) % PALETTE.length], dash: curve.dash ?? 'solid', width: 2 },
        // Which slider positions this trace belongs to: { slider index: value index }.
        meta: { at: Object.fromEntries(curve.dependsOn.map((k) => [sliderOf.get(k)!, at[k]])) },
      });
    }
  });
  const n = options.panels.length;
  const gap = 0.08;
  const width = (1 - gap * (n - 1)) / n;
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    height: options.height ?? 380 + 70 * keys.length,
    margin: { l: 60, r: 150, t: 70, b: 60 + 70 * keys.length },
    legend: OUTSIDE_LEGEND,
    meta: { aslLinkedSliders: true },
    annotations: options.panels.map((p, i) => ({
      text: p.title,
      showarrow: false,
      xref: 'paper',
      yref: 'paper',
      x: i * (width + gap) + width / 2,
      y: 1.06,
      font: { size: 13 },
    })),
    sliders: keys.map((k, i) => ({
      active: initialIndex[k],
      currentvalue: { prefix: `${parameters[k].label} = `, font: { size: 13 } },
      pad: { t: 55 + 70 * i },
      y: 0,
      yanchor: 'top',
      len: 1,
      // 'skip': the slider calls no plotly method itself; the figure's linking script restyles every
      // trace from all sliders' positions.
      steps: parameters[k].values.map((v) => ({ label: String(v), method: 'skip', args: [] })),
    })),
  };
  options.panels.forEach((p, i) => {
    const sx = i === 0 ? 'xaxis' : `xaxis${i + 1}`;
    const sy = i === 0 ? 'yaxis' : `yaxis${i + 1}`;
    layout[sx] = { domain: [i * (width + gap), i * (width + gap) + width], anchor: i === 0 ? 'y' : `y${i + 1}`, ...(p.xTitle ? { title: { text: p.xTitle } } : {}) };
    layout[sy] = {
      anchor: i === 0 ? 'x' : `x${i + 1}`,
      ...(p.yRange ? { range: p.yRange } : {}),
      ...(p.yLog ? { type: 'log' } : {}),
      ...(p.yTitle ? { title: { text: p.yTitle } } : {}),
    };
  });
  return { data, layout, config: { displaylogo: false } };
}

/** The loss and gradient-weight curves of one loss family: which of its parameters each curve uses. */
export interface LossExplorerOptions {
  /** Registry name of the loss (default 'asl'). */
  loss?: string;
  gammaNeg?: readonly number[];
  gammaPos?: readonly number[];
  clip?: readonly number[];
  /** Initial values (default γ− = 4, γ+ = 0, m = 0.05: the official training setting). */
  initial?: { gammaNeg?: number; gammaPos?: number; clip?: number };
  /** Points per curve (default 120). */
  points?: number;
}

const LOSS_EXPLORER_KEYS = ['loss', 'gammaNeg', 'gammaPos', 'clip', 'initial', 'points'];

/**
 * ASL's explorer: sliders over γ−, γ+ and m; the loss (left) and the gradient weight |∂L/∂z| (right)
 * of a positive and a negative label against p, computed by the library's `lossCurves`. A positive's
 * curves depend on γ+ only, a negative's on γ− and m.
 */
export function aslExplorerFigure(options: LossExplorerOptions = {}): PlotlyFigure {
  checkOptions('aslExplorerFigure', options, LOSS_EXPLORER_KEYS);
  const name = options.loss ?? 'asl';
  const points = options.points ?? 120;
  const parameters = {
    gammaNeg: { label: 'γ−', values: options.gammaNeg ?? [0, 1, 2, 3, 4, 5, 6, 7, 8], initial: options.initial?.gammaNeg ?? 4 },
    gammaPos: { label: 'γ+', values: options.gammaPos ?? [0, 1, 2, 3, 4], initial: options.initial?.gammaPos ?? 0 },
    clip: { label: 'm', values: options.clip ?? [0, 0.05, 0.1, 0.15, 0.2, 0.3], initial: options.initial?.clip ?? 0.05 },
  };
  type Key = keyof typeof parameters;
  const curve = (v: Record<Key, number>, which: 'positive' | 'negative') =>
    lossCurves({ name, params: { gammaNeg: v.gammaNeg, gammaPos: v.gammaPos, clip: v.clip } }, { points })[which];
  const curves: Array<ExplorerCurve<Key>> = [
    { name: 'positive (y = 1)', panel: 0, dependsOn: ['gammaPos'], compute: (v) => { const c = curve(v, 'positive'); return { x: c.p, y: c.loss }; } },
    { name: 'negative (y = 0)', panel: 0, dependsOn: ['gammaNeg', 'clip'], compute: (v) => { const c = curve(v, 'negative'); return { x: c.p, y: c.loss }; } },
    { name: 'positive (y = 1)', panel: 1, dependsOn: ['gammaPos'], compute: (v) => { const c = curve(v, 'positive'); return { x: c.p, y: c.weight }; } },
    { name: 'negative (y = 0)', panel: 1, dependsOn: ['gammaNeg', 'clip'], compute: (v) => { const c = curve(v, 'negative'); return { x: c.p, y: c.weight }; } },
  ];
  return sliderExplorerFigure(parameters, curves, {
    title: 'ASL: loss and gradient weight of a positive and a negative label — move the sliders',
    panels: [
      { title: 'loss L(p)', xTitle: 'p = σ(z)', yTitle: 'loss', yRange: [0, 5] },
      { title: 'gradient weight |∂L/∂z|', xTitle: 'p = σ(z)', yTitle: '|∂L/∂z|', yRange: [0, 1] },
    ],
  });
}
