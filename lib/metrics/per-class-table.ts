/**
 * Per-class results as a table — class name, positives, AP, precision, recall, F1 — convertible to a
 * danfo DataFrame or an arquero table, and shown as an HTML table in notebooks. danfo and arquero are
 * loaded only when a conversion is asked for (danfo takes seconds to load).
 */
import { JUPYTER_DISPLAY, tableHtml, tableText, type MimeBundle, type PlainTable } from '../core/rich';
import { requireOptional } from '../core/optional';

/** One row of {@link PerClassMetricsTable}. AP, precision, recall and F1 are fractions in [0, 1]. */
export interface PerClassMetricsRow {
  class: string;
  /** Known positive labels of the class. */
  positives: number;
  /** Average precision (NaN when the class was skipped for having no positive). */
  AP: number;
  precision: number;
  recall: number;
  F1: number;
}

/** The column order of the per-class table. */
export const PER_CLASS_COLUMNS = ['class', 'positives', 'AP', 'precision', 'recall', 'F1'] as const;

/** A minimal view of a danfo DataFrame (danfojs-node is loaded lazily, so its types are not imported). */
export interface PerClassDanfoFrame {
  columns: string[];
  values: unknown[];
  shape: number[];
}

/** A minimal view of an arquero table (arquero is loaded lazily). */
export interface PerClassArqueroTable {
  numRows(): number;
  columnNames(): string[];
  objects(options?: { limit?: number }): Array<Record<string, unknown>>;
}

/** Per-class metrics with conversions to danfo and arquero and a notebook display. */
export class PerClassMetricsTable {
  constructor(
    readonly rows: readonly PerClassMetricsRow[],
    /** A caption (e.g. the conventions used). */
    readonly caption = 'Per-class metrics (AP, precision, recall, F1 as fractions)',
  ) {}

  /** Column-oriented values, in {@link PER_CLASS_COLUMNS} order. */
  columns(): { [K in (typeof PER_CLASS_COLUMNS)[number]]: Array<PerClassMetricsRow[K]> } {
    return {
      class: this.rows.map((r) => r.class),
      positives: this.rows.map((r) => r.positives),
      AP: this.rows.map((r) => r.AP),
      precision: this.rows.map((r) => r.precision),
      recall: this.rows.map((r) => r.recall),
      F1: this.rows.map((r) => r.F1),
    };
  }

  /** The rows as `{ columns, rows }` (for the display helpers). */
  toPlainTable(): PlainTable {
    return { columns: [...PER_CLASS_COLUMNS], rows: this.rows.map((r) => PER_CLASS_COLUMNS.map((c) => r[c])) };
  }

  /** A danfo DataFrame (danfojs-node) with the columns class, positives, AP, precision, recall, F1. */
  toDanfo(): PerClassDanfoFrame {
    const dfd = requireOptional<{ DataFrame: new (data: object) => PerClassDanfoFrame }>('danfojs-node', 'PerClassMetricsTable');
    return new dfd.DataFrame(this.columns());
  }

  /** An arquero table with the columns class, positives, AP, precision, recall, F1. */
  toArquero(): PerClassArqueroTable {
    const aq = requireOptional<{ table: (columns: object) => PerClassArqueroTable }>('arquero', 'PerClassMetricsTable');
    return aq.table(this.columns());
  }

  /** Plain-text rendering (all rows). */
  toString(): string {
    return tableText(this.toPlainTable(), { limit: Infinity });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const t = this.toPlainTable();
    return {
      'text/plain': tableText(t, { limit: 200 }),
      'text/html': tableHtml(t, { limit: 200, caption: this.caption }),
    };
  }
}

/** Default class names: `class 0`, `class 1`, … */
export function defaultClassNames(k: number): string[] {
  return Array.from({ length: k }, (_, c) => `class ${c}`);
}
