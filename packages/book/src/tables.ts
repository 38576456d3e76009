/**
 * Saving chapter tables as CSV under `ASL_TABLES_DIR` (set by `npm run reproduce` to results/tables).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toPlainTable, type TableLike } from 'asl-workbook';

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : String(value)) : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV text (header row, then one row per record). */
export function tableToCsv(table: TableLike): string {
  const t = toPlainTable(table);
  return [t.columns.map(csvCell).join(','), ...t.rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

/** Writes `<ASL_TABLES_DIR or dir>/<name>.csv`; returns the path, or undefined when no folder is set. */
export function saveTable(table: TableLike, name: string, dir: string | undefined = process.env.ASL_TABLES_DIR): string | undefined {
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, tableToCsv(table));
  return file;
}
