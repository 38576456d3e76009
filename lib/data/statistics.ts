/**
 * Label statistics of a multi-label dataset: samples, classes, label cardinality (mean positives
 * per sample), density (cardinality / K), negative:positive ratio, per-class positive counts, the
 * distribution of labels per sample and the label co-occurrence matrix C (C[i][j] = samples where
 * classes i and j are both positive; C[i][i] = positives of i). With a known-label mask only known
 * labels count: positives = known ∧ 1, negatives = known ∧ 0 (unknown labels are reported apart).
 * Results convert to danfo / arquero tables and display themselves in notebooks.
 */
import { fail } from '../core/errors';
import { JUPYTER_DISPLAY, tableHtml, tableText, type MimeBundle, type PlainTable } from '../core/rich';
import type { MultiLabelDataset } from './types';
import { requireOptional } from '../core/optional';

/** One class of {@link DatasetStatistics.perClass}. */
export interface ClassPositiveCount {
  name: string;
  positives: number;
  /** positives / samples. */
  frequency: number;
}

interface DanfoFrame {
  columns: string[];
  values: unknown[];
  shape: number[];
}

interface ArqueroTable {
  numRows(): number;
  columnNames(): string[];
  objects(options?: { limit?: number }): Array<Record<string, unknown>>;
}

/** The statistics of one dataset (split). */
export class DatasetStatistics {
  constructor(
    readonly name: string,
    readonly samples: number,
    readonly classes: number,
    /** Known positive labels per sample (mean). */
    readonly labelCardinality: number,
    /** labelCardinality / classes. */
    readonly density: number,
    /** Known negatives / known positives (Infinity without positives). */
    readonly negPosRatio: number,
    readonly perClass: readonly ClassPositiveCount[],
    /** `labelsPerSample[n]` = samples with exactly n known positives. */
    readonly labelsPerSample: readonly number[],
    /** K×K co-occurrence counts (diagonal = positives). */
    readonly cooccurrence: readonly (readonly number[])[],
    /** Unknown (masked) labels, 0 without a mask. */
    readonly unknownLabels: number,
  ) {}

  /** Total known positives. */
  get positives(): number {
    return this.perClass.reduce((a, c) => a + c.positives, 0);
  }

  /** Per-class counts sorted from most to least frequent. */
  sortedClasses(): ClassPositiveCount[] {
    return [...this.perClass].sort((a, b) => b.positives - a.positives || a.name.localeCompare(b.name));
  }

  /**
   * How long the tail is: the smallest number of classes holding half of all positives, and the
   * ratio of the most to the least frequent class (among classes with positives).
   */
  tail(): { classesForHalfOfPositives: number; maxMinRatio: number; classesWithoutPositives: number } {
    const s = this.sortedClasses();
    const total = this.positives;
    let acc = 0;
    let half = 0;
    for (const c of s) {
      if (acc >= total / 2) break;
      acc += c.positives;
      half++;
    }
    const nz = s.filter((c) => c.positives > 0);
    return {
      classesForHalfOfPositives: half,
      maxMinRatio: nz.length ? nz[0].positives / nz[nz.length - 1].positives : NaN,
      classesWithoutPositives: s.length - nz.length,
    };
  }

  /** The summary as plain JSON (the `asl data stats --json` shape plus density). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      samples: this.samples,
      classes: this.classes,
      labelCardinality: this.labelCardinality,
      density: this.density,
      negPosRatio: this.negPosRatio,
      unknownLabels: this.unknownLabels,
      perClass: this.perClass.map((c) => ({ name: c.name, positives: c.positives })),
    };
  }

  /** The summary as `{ columns, rows }` (one row per quantity). */
  summaryTable(): PlainTable {
    const t = this.tail();
    return {
      columns: ['quantity', 'value'],
      rows: [
        ['samples', this.samples],
        ['classes', this.classes],
        ['label cardinality', this.labelCardinality],
        ['density', this.density],
        ['negative:positive', this.negPosRatio],
        ['unknown labels', this.unknownLabels],
        ['classes holding half the positives', t.classesForHalfOfPositives],
        ['most / least frequent class', t.maxMinRatio],
      ],
    };
  }

  /** Per-class counts as `{ columns, rows }` (class, positives, frequency), most frequent first. */
  perClassTable(): PlainTable {
    return { columns: ['class', 'positives', 'frequency'], rows: this.sortedClasses().map((c) => [c.name, c.positives, c.frequency]) };
  }

  private columns() {
    const s = this.sortedClasses();
    return { class: s.map((c) => c.name), positives: s.map((c) => c.positives), frequency: s.map((c) => c.frequency) };
  }

  /** Per-class counts as a danfo DataFrame (danfojs-node, loaded on first use). */
  toDanfo(): DanfoFrame {
    const dfd = requireOptional<{ DataFrame: new (data: object) => DanfoFrame }>('danfojs-node', 'DatasetStatistics');
    return new dfd.DataFrame(this.columns());
  }

  /** Per-class counts as an arquero table (loaded on first use). */
  toArquero(): ArqueroTable {
    const aq = requireOptional<{ table: (columns: object) => ArqueroTable }>('arquero', 'DatasetStatistics');
    return aq.table(this.columns());
  }

  /** The co-occurrence matrix as an arquero table (a `class` column, then one column per class). */
  cooccurrenceArquero(): ArqueroTable {
    const aq = requireOptional<{ table: (columns: object) => ArqueroTable }>('arquero', 'DatasetStatistics');
    const cols: Record<string, unknown[]> = { class: this.perClass.map((c) => c.name) };
    this.perClass.forEach((c, j) => (cols[c.name] = this.cooccurrence.map((row) => row[j])));
    return aq.table(cols);
  }

  toString(): string {
    return `${this.name}\n${tableText(this.summaryTable())}\n\n${tableText(this.perClassTable(), { limit: 20 })}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      'text/plain': this.toString(),
      'text/html':
        tableHtml(this.summaryTable(), { caption: `Label statistics: ${this.name}` }) +
        tableHtml(this.perClassTable(), { limit: 20, caption: 'Positives per class (most frequent first)' }),
    };
  }
}

export interface LabelStatisticsOptions {
  name?: string;
  /** Known-label mask `[N, K]` (1 known). */
  mask?: Uint8Array;
}

/** Statistics of row-major `[N, K]` 0/1 targets. */
export function computeLabelStatistics(
  targets: Uint8Array,
  classNames: readonly string[],
  options: LabelStatisticsOptions = {},
): DatasetStatistics {
  const fn = 'computeLabelStatistics';
  const k = classNames.length;
  if (k === 0) fail(fn, 'classNames', 'must not be empty');
  const n = targets.length / k;
  if (!Number.isInteger(n)) fail(fn, 'targets', `length ${targets.length} is not a multiple of ${k} classes`);
  const mask = options.mask;
  if (mask && mask.length !== targets.length) fail(fn, 'mask', `length ${mask.length} ≠ targets length ${targets.length}`);
  const pos = new Array<number>(k).fill(0);
  const co = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const perSample: number[] = [];
  let negatives = 0;
  let unknown = 0;
  const on: number[] = [];
  for (let i = 0; i < n; i++) {
    on.length = 0;
    for (let c = 0; c < k; c++) {
      const at = i * k + c;
      const v = targets[at];
      if (v > 1) fail(fn, 'targets', `must contain only 0 and 1, found ${v} at row ${i}, column ${c}`);
      if (mask && mask[at] === 0) {
        unknown++;
        continue;
      }
      if (v === 1) on.push(c);
      else negatives++;
    }
    for (const a of on) {
      pos[a]++;
      for (const b of on) co[a][b]++;
    }
    while (perSample.length <= on.length) perSample.push(0);
    perSample[on.length]++;
  }
  const total = pos.reduce((a, b) => a + b, 0);
  const card = n > 0 ? total / n : 0;
  return new DatasetStatistics(
    options.name ?? 'dataset',
    n,
    k,
    card,
    card / k,
    total > 0 ? negatives / total : Infinity,
    classNames.map((name, c) => ({ name, positives: pos[c], frequency: n > 0 ? pos[c] / n : 0 })),
    perSample,
    co,
    unknown,
  );
}

/** Reads a dataset's known-label mask: `knownMask()` when it has one, else through mask-only batches. */
async function datasetMask(dataset: MultiLabelDataset): Promise<Uint8Array | undefined> {
  if (!dataset.hasMask) return undefined;
  const withMask = dataset as MultiLabelDataset & { knownMask?: () => Promise<Uint8Array> };
  if (typeof withMask.knownMask === 'function') return withMask.knownMask();
  const k = dataset.classNames.length;
  const mask = new Uint8Array(dataset.size * k);
  for await (const b of dataset.batches({ batchSize: 1024 })) {
    const m = b.mask ? b.mask.dataSync() : undefined;
    b.indices!.forEach((idx, r) => {
      for (let c = 0; c < k; c++) mask[idx * k + c] = m ? m[r * k + c] : 1;
    });
    b.x.dispose();
    b.y.dispose();
    b.mask?.dispose();
  }
  return mask;
}

/** Statistics of a dataset (its targets and known-label mask; inputs are not read when avoidable). */
export async function datasetStatistics(dataset: MultiLabelDataset): Promise<DatasetStatistics> {
  const targets = await dataset.targets();
  const mask = await datasetMask(dataset);
  return computeLabelStatistics(targets, dataset.classNames, { name: dataset.name, mask });
}
