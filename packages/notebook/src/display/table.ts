/**
 * Showing tables in a notebook: danfo DataFrames, arquero tables, arrays of records, or
 * `{ columns, rows }` (the HTML and text forms are the core's `tableHtml` / `tableText`).
 * In a notebook {@link showTable} displays the table; outside one it returns the HTML.
 */
import { tableHtml, tableText, type MimeBundle, type TableHtmlOptions, type TableLike } from 'asl-workbook';
import { publish } from './publish';

/** The MIME bundle of a table (HTML and plain text). */
export function tableBundle(table: TableLike, options: TableHtmlOptions = {}): MimeBundle {
  return { 'text/plain': tableText(table, options), 'text/html': tableHtml(table, options) };
}

/** Shows a table in the notebook (returns undefined there); outside a notebook returns its HTML. */
export function showTable(table: TableLike, options: TableHtmlOptions = {}): string | undefined {
  const bundle = tableBundle(table, options);
  return publish(bundle) ? undefined : (bundle['text/html'] as string);
}
