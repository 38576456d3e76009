/**
 * Rich display of arbitrary values: turns the value of a notebook cell's last expression (or any value
 * passed to {@link displayValue}) into a Jupyter MIME bundle. `text/plain` is always present; richer
 * types are added where the value has them:
 *
 * 1. objects with a display method, `[Symbol.for('Jupyter.display')]()` returning a MIME bundle (the
 *    convention of Deno's kernel; the workbook's own result objects implement it);
 * 2. renderers registered with {@link registerValueRenderer} (most recent first);
 * 3. built-in renderers: tfjs tensors (an HTML table for small 1-D/2-D tensors), danfo DataFrames and
 *    Series, arquero tables, plotly figures (interactive `text/html` plus
 *    `application/vnd.plotly.v1+json`), and tfjs `History` objects from `model.fit` (loss curves);
 * 4. everything else: `util.inspect` as `text/plain`.
 *
 * `undefined` renders as nothing. Detection is structural (duck typing), so no tfjs, danfo or arquero
 * module is loaded here and values from any copy of those packages are recognised.
 */
import { inspect } from 'node:util';
import { escapeHtml, formatCell, isDisplayable, JUPYTER_DISPLAY, tableHtml, tableText, type MimeBundle } from 'asl-workbook';
import { collectFigure, figureBundle, type PlotlyFigure } from './plotly';
import { publish, type PublishOptions } from './publish';


/** Options of the value renderers. */
export interface RenderOptions {
  /** Inline plotly.js in the HTML of a figure (the kernel does so for the session's first figure). */
  includePlotlyJs?: boolean;
  /** Most table rows shown in HTML and text (default 50). */
  maxRows?: number;
  /** Most cells of a tensor shown as an HTML table (default 1000; larger tensors are shown as text). */
  maxTensorCells?: number;
  /** Significant digits of non-integer numbers in tables (default 4). */
  digits?: number;
}

/** A renderer: a bundle for values it recognises, `undefined` for the others. */
export type ValueRenderer = (value: unknown, options: RenderOptions) => MimeBundle | undefined;

const registered: Array<{ name: string; render: ValueRenderer }> = [];

/**
 * Adds a renderer, tried before the built-in ones (and replacing an earlier one of the same name).
 * Objects of your own are better given a `[Symbol.for('Jupyter.display')]()` method; this is for
 * values of other packages.
 */
export function registerValueRenderer(name: string, render: ValueRenderer): void {
  const at = registered.findIndex((r) => r.name === name);
  if (at >= 0) registered.splice(at, 1);
  registered.unshift({ name, render });
}

/** The `text/plain` form of any value: `util.inspect`, as the Node REPL prints it. */
export function plainTextOf(value: unknown): string {
  if (typeof value === 'string') return inspect(value, { maxStringLength: 20000 });
  return inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
}

// ---------------------------------------------------------------------------------------------
// tfjs tensors

/** The part of a tfjs `Tensor` the renderer uses. */
export interface RenderableTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly rank: number;
  readonly size: number;
  readonly isDisposed: boolean;
  arraySync(): unknown;
  toString(verbose?: boolean): string;
}

/** True for a tfjs `Tensor` (or `Variable`), recognised by its shape, dtype and sync accessors. */
export function isTensorLike(x: unknown): x is RenderableTensor {
  const t = x as RenderableTensor;
  return (
    !!t &&
    typeof t === 'object' &&
    Array.isArray(t.shape) &&
    typeof t.dtype === 'string' &&
    typeof t.rank === 'number' &&
    typeof t.arraySync === 'function' &&
    typeof (t as unknown as { dataSync?: unknown }).dataSync === 'function' &&
    typeof t.isDisposed === 'boolean'
  );
}

function tensorHeader(t: RenderableTensor): string {
  const kind = (t as unknown as { trainable?: unknown }).trainable !== undefined ? 'Variable' : 'Tensor';
  return `${kind} ${t.dtype} [${t.shape.join(', ')}]`;
}

function tensorCellHtml(v: unknown, digits: number): string {
  const numeric = typeof v === 'number';
  return `<td${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(formatCell(v, digits))}</td>`;
}

/**
 * A tensor's bundle: `text/plain` with dtype, shape and values (tfjs' own summarised print), and
 * `text/html`: a table with row and column indices for 1-D and 2-D tensors of at most
 * `maxTensorCells` values, a `<pre>` block otherwise. Reads the values synchronously.
 */
export function tensorBundle(t: RenderableTensor, options: RenderOptions = {}): MimeBundle {
  const { maxTensorCells = 1000, digits = 4 } = options;
  const header = tensorHeader(t);
  if (t.isDisposed) {
    const text = `${header} (disposed)`;
    return { 'text/plain': text, 'text/html': `<pre>${escapeHtml(text)}</pre>` };
  }
  // tfjs prints "Tensor\n    <values>"; keep the values, dedented.
  const values = t
    .toString()
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/^ {4}/, ''))
    .join('\n');
  const text = `${header}\n${values}`;
  const caption = `<caption style="text-align:left">${escapeHtml(header)}</caption>`;
  let html: string;
  if (t.rank === 0) {
    html = `<p><code>${escapeHtml(header)}</code>: <b>${escapeHtml(formatCell(t.arraySync(), digits))}</b></p>`;
  } else if ((t.rank === 1 || t.rank === 2) && t.size <= maxTensorCells && t.size > 0 && t.dtype !== 'complex64') {
    const rows = (t.rank === 1 ? [t.arraySync()] : t.arraySync()) as unknown[][];
    const cols = rows[0].length;
    const head = (t.rank === 2 ? '<th></th>' : '') + Array.from({ length: cols }, (_, j) => `<th>${j}</th>`).join('');
    const body = rows
      .map((r, i) => `<tr>${t.rank === 2 ? `<th>${i}</th>` : ''}${r.map((v) => tensorCellHtml(v, digits)).join('')}</tr>`)
      .join('');
    html = `<table class="asl-tensor dataframe">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  } else {
    html = `<pre>${escapeHtml(text)}</pre>`;
  }
  return { 'text/plain': text, 'text/html': html };
}

// ---------------------------------------------------------------------------------------------
// danfo

/** The part of a danfo `DataFrame` / `Series` the renderer uses. */
export interface RenderableDanfoFrame {
  readonly $isSeries: boolean;
  readonly columns: string[];
  readonly index: Array<string | number>;
  readonly values: unknown[];
  readonly shape: number[];
  toString(): string;
}

/** True for a danfo `DataFrame` or `Series`. */
export function isDanfoFrame(x: unknown): x is RenderableDanfoFrame {
  const d = x as RenderableDanfoFrame;
  return (
    !!d &&
    typeof d === 'object' &&
    typeof d.$isSeries === 'boolean' &&
    Array.isArray(d.columns) &&
    Array.isArray(d.index) &&
    Array.isArray(d.values) &&
    Array.isArray(d.shape)
  );
}

/** A danfo DataFrame/Series as an HTML table with its index (and danfo's own box-drawn text). */
export function danfoBundle(frame: RenderableDanfoFrame, options: RenderOptions = {}): MimeBundle {
  const { maxRows = 50, digits = 4 } = options;
  const series = frame.$isSeries;
  const columns = ['', ...(series ? [String(frame.columns[0] ?? '')] : frame.columns.map(String))];
  const rows = frame.values.map((r, i) => [frame.index[i], ...(Array.isArray(r) ? r : [r])]);
  const kind = series ? 'Series' : 'DataFrame';
  const caption = `${kind} ${frame.shape[0]} rows × ${series ? 1 : frame.shape[1]} columns`;
  let text: string;
  try {
    text = `${caption}\n${frame.toString()}`;
  } catch {
    text = `${caption}\n${tableText({ columns, rows }, { limit: maxRows, digits })}`;
  }
  return { 'text/plain': text, 'text/html': tableHtml({ columns, rows }, { limit: maxRows, digits, caption }) };
}

// ---------------------------------------------------------------------------------------------
// arquero

/** The part of an arquero table the renderer uses. */
export interface RenderableArqueroTable {
  columnNames(): string[];
  numRows(): number;
  numCols(): number;
  objects(options?: { limit?: number }): Array<Record<string, unknown>>;
}

/** True for an arquero table (`aq.table`, `aq.from`, the result of verbs). */
export function isArqueroTable(x: unknown): x is RenderableArqueroTable {
  const a = x as RenderableArqueroTable;
  return (
    !!a &&
    typeof a === 'object' &&
    typeof a.columnNames === 'function' &&
    typeof a.numRows === 'function' &&
    typeof a.numCols === 'function' &&
    typeof a.objects === 'function'
  );
}

/** An arquero table as an HTML table and aligned text (first `maxRows` rows). */
export function arqueroBundle(table: RenderableArqueroTable, options: RenderOptions = {}): MimeBundle {
  const { maxRows = 50, digits = 4 } = options;
  const columns = table.columnNames();
  const n = table.numRows();
  const rows = table.objects({ limit: maxRows }).map((o) => columns.map((c) => o[c]));
  const caption = `arquero table ${n} rows × ${columns.length} columns`;
  const more = n > rows.length ? `\n… ${n - rows.length} more rows` : '';
  const more_html = n > rows.length ? `<p class="asl-table-more">… ${n - rows.length} more rows (${n} in all)</p>` : '';
  return {
    'text/plain': `${caption}\n${tableText({ columns, rows }, { limit: maxRows, digits })}${more}`,
    'text/html': tableHtml({ columns, rows }, { limit: maxRows, digits, caption }) + more_html,
  };
}

// ---------------------------------------------------------------------------------------------
// plotly

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const FIGURE_KEYS = new Set(['data', 'layout', 'config', 'frames']);

/**
 * True for a plotly figure spec: a plain object whose keys are among `data`, `layout`, `config`,
 * `frames`, with `data` an array of trace objects (each with a `type` or data arrays).
 */
export function isPlotlyFigure(x: unknown): x is PlotlyFigure {
  if (!isPlainObject(x) || !Array.isArray(x.data)) return false;
  if (!Object.keys(x).every((k) => FIGURE_KEYS.has(k))) return false;
  if (x.layout !== undefined && !isPlainObject(x.layout)) return false;
  return x.data.every(
    (t) => isPlainObject(t) && (typeof t.type === 'string' || Array.isArray(t.x) || Array.isArray(t.y) || Array.isArray(t.z) || Array.isArray(t.values)),
  );
}

// ---------------------------------------------------------------------------------------------
// tfjs History (model.fit)

/** The part of a tfjs `History` (the result of `model.fit`) the renderer uses. */
export interface RenderableFitHistory {
  epoch: number[];
  history: Record<string, Array<number | unknown>>;
}

/** True for a tfjs `History`: `epoch` numbers and per-metric arrays of the same length. */
export function isFitHistory(x: unknown): x is RenderableFitHistory {
  const h = x as RenderableFitHistory;
  if (!h || typeof h !== 'object' || !Array.isArray(h.epoch) || !h.history || typeof h.history !== 'object') return false;
  const series = Object.values(h.history);
  return series.length > 0 && series.every((s) => Array.isArray(s) && s.length === h.epoch.length);
}

/** A fit history as a loss-curve figure (one line per metric) plus a per-epoch table. */
export function fitHistoryBundle(h: RenderableFitHistory, options: RenderOptions = {}): MimeBundle {
  const names = Object.keys(h.history);
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  const columns = ['epoch', ...names];
  const rows = h.epoch.map((e, i) => [e + 1, ...names.map((n) => num(h.history[n][i]))]);
  const figure: PlotlyFigure = {
    data: names.map((n) => ({ type: 'scatter', mode: 'lines+markers', name: n, x: rows.map((r) => r[0]), y: rows.map((r, i) => num(h.history[n][i])) })),
    layout: { title: { text: 'Training history' }, xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'value' } }, height: 360 },
  };
  const fig = figureBundle(figure, { includePlotlyJs: options.includePlotlyJs });
  const table = { columns, rows };
  return {
    'text/plain': `Training history: ${h.epoch.length} epochs (${names.join(', ')})\n${tableText(table, { limit: options.maxRows ?? 50, digits: options.digits ?? 4 })}`,
    'text/html': `${fig['text/html'] as string}${tableHtml(table, { limit: options.maxRows ?? 50, digits: options.digits ?? 4 })}`,
    'application/vnd.plotly.v1+json': fig['application/vnd.plotly.v1+json'],
  };
}

// ---------------------------------------------------------------------------------------------

function normalise(bundle: MimeBundle, value: unknown): MimeBundle {
  const out: MimeBundle = { ...bundle };
  if (typeof out['text/plain'] !== 'string') out['text/plain'] = plainTextOf(value);
  return out;
}

function builtIn(value: unknown, options: RenderOptions): MimeBundle | undefined {
  if (isTensorLike(value)) return tensorBundle(value, options);
  if (isDanfoFrame(value)) return danfoBundle(value, options);
  if (isArqueroTable(value)) return arqueroBundle(value, options);
  if (isPlotlyFigure(value)) {
    collectFigure(value);
    return figureBundle(value, { includePlotlyJs: options.includePlotlyJs });
  }
  if (isFitHistory(value)) return fitHistoryBundle(value, options);
  return undefined;
}

/**
 * The MIME bundle of a value, or `undefined` for `undefined` (nothing to show). Display methods that
 * return a promise are not awaited here: use {@link mimeBundleOfAsync}. A renderer that throws
 * falls back to `text/plain` with the error noted.
 */
export function mimeBundleOf(value: unknown, options: RenderOptions = {}): MimeBundle | undefined {
  if (value === undefined) return undefined;
  try {
    // Registered renderers first: they may enrich objects that display themselves (the core's
    // training history gets its charts here).
    for (const r of registered) {
      const b = r.render(value, options);
      if (b) return normalise(b, value);
    }
    if (isDisplayable(value)) {
      const b = value[JUPYTER_DISPLAY]() as MimeBundle | PromiseLike<MimeBundle>;
      if (b && typeof (b as PromiseLike<MimeBundle>).then === 'function') return { 'text/plain': plainTextOf(value) };
      if (b && typeof b === 'object') return normalise(b as MimeBundle, value);
    }
    const b = builtIn(value, options);
    if (b) return b;
  } catch (e) {
    return { 'text/plain': `${plainTextOf(value)}\n(rich display failed: ${(e as Error)?.message ?? String(e)})` };
  }
  return { 'text/plain': plainTextOf(value) };
}

/** Like {@link mimeBundleOf}, awaiting display methods that return a promise. */
export async function mimeBundleOfAsync(value: unknown, options: RenderOptions = {}): Promise<MimeBundle | undefined> {
  if (isDisplayable(value) && !registered.some((r) => r.render(value, options) !== undefined)) {
    try {
      const b: unknown = await value[JUPYTER_DISPLAY]();
      if (b && typeof b === 'object') return normalise(b as MimeBundle, value);
    } catch (e) {
      return { 'text/plain': `${plainTextOf(value)}\n(rich display failed: ${(e as Error)?.message ?? String(e)})` };
    }
  }
  return mimeBundleOf(value, options);
}

/**
 * Shows any value in the notebook as its cell's last expression would be shown (mid-cell, or
 * several per cell). Returns false outside a notebook (nothing is shown) or for `undefined`.
 */
export function displayValue(value: unknown, options: PublishOptions & RenderOptions = {}): boolean {
  const bundle = mimeBundleOf(value, options);
  return bundle ? publish(bundle, options) : false;
}
