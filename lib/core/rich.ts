/**
 * Rich representations without a notebook: MIME bundles, the `Symbol.for('Jupyter.display')`
 * convention (Deno's kernel's, honoured by the workbook's kernel and renderers) and tables as HTML
 * and aligned text. Pure functions of their inputs; the core's result objects (reports, statistics,
 * training results) implement the display method with them, so they render in any Jupyter kernel
 * that follows the convention, and the notebook package adds figures on top.
 */

/** A Jupyter MIME bundle: MIME type → data (`text/plain` should always be present). */
export interface MimeBundle {
  'text/plain'?: string;
  'text/html'?: string;
  [mime: string]: unknown;
}

/** The display-method key (`Symbol.for('Jupyter.display')`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** An object that renders itself as a MIME bundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

export function isDisplayable(x: unknown): x is Displayable {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as Record<symbol, unknown>)[JUPYTER_DISPLAY] === 'function'
  );
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A plain column-oriented table, the common form all supported inputs are converted to. */
export interface PlainTable {
  columns: string[];
  rows: unknown[][];
}

export interface TableHtmlOptions {
  /** Most rows shown (default 50); the rest are counted in a footer. */
  limit?: number;
  /** Caption above the table. */
  caption?: string;
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
}

interface DanfoLike {
  columns: string[];
  values: unknown[][] | unknown[];
  shape: number[];
}

interface ArqueroLike {
  columnNames(): string[];
  numRows(): number;
  objects(options?: { limit?: number }): object[];
}

function isDanfo(x: unknown): x is DanfoLike {
  const d = x as DanfoLike;
  return !!d && Array.isArray(d.columns) && Array.isArray(d.values) && Array.isArray(d.shape);
}

function isArquero(x: unknown): x is ArqueroLike {
  const a = x as ArqueroLike;
  return !!a && typeof a.columnNames === 'function' && typeof a.numRows === 'function' && typeof a.objects === 'function';
}

/** The kinds of value {@link toPlainTable} accepts. */
export type TableLike = PlainTable | Array<Record<string, unknown>> | DanfoLike | ArqueroLike;

/** Converts any supported table to `{ columns, rows }` (all rows, unformatted). */
export function toPlainTable(table: TableLike): PlainTable {
  if (isArquero(table)) {
    const columns = table.columnNames();
    return { columns, rows: table.objects().map((o) => columns.map((c) => (o as Record<string, unknown>)[c])) };
  }
  if (isDanfo(table)) {
    const columns = table.columns.map(String);
    // A danfo Series has 1-D values; a DataFrame 2-D.
    const rows = (table.values as unknown[]).map((r) => (Array.isArray(r) ? r : [r]));
    return { columns, rows };
  }
  if (Array.isArray(table)) {
    const columns: string[] = [];
    for (const record of table) for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
    return { columns, rows: table.map((r) => columns.map((c) => r[c])) };
  }
  if (table && Array.isArray((table as PlainTable).columns) && Array.isArray((table as PlainTable).rows)) {
    return table as PlainTable;
  }
  throw new TypeError(
    'tableHtml: argument \'table\' must be a danfo DataFrame, an arquero table, an array of records or { columns, rows }',
  );
}

/** Formats one cell: integers as they are, other numbers to `digits` significant digits. */
export function formatCell(value: unknown, digits = 4): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return Number(value.toPrecision(digits)).toString();
  }
  return String(value);
}

/** The table as an HTML `<table>` (numbers right-aligned, at most `limit` rows). */
export function tableHtml(table: TableLike, options: TableHtmlOptions = {}): string {
  const { limit = 50, caption, digits = 4 } = options;
  const t = toPlainTable(table);
  const shown = t.rows.slice(0, limit);
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map(
      (r) =>
        '<tr>' +
        r
          .map((v) => `<td${typeof v === 'number' ? ' style="text-align:right"' : ''}>${escapeHtml(formatCell(v, digits))}</td>`)
          .join('') +
        '</tr>',
    )
    .join('');
  const more = t.rows.length > shown.length ? `<p class="asl-table-more">… ${t.rows.length - shown.length} more rows (${t.rows.length} in all)</p>` : '';
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return `<table class="asl-table dataframe">${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** The table as aligned plain text (for `text/plain` and logs). */
export function tableText(table: TableLike, options: TableHtmlOptions = {}): string {
  const { limit = 50, digits = 4 } = options;
  const t = toPlainTable(table);
  const rows = t.rows.slice(0, limit).map((r) => r.map((v) => formatCell(v, digits)));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(t.columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (t.rows.length > rows.length) out.push(`… ${t.rows.length - rows.length} more rows`);
  return out.join('\n');
}
