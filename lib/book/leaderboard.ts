/**
 * Leaderboards of training runs for the book: a small, fixed-budget Debtags subset that sweep workers
 * can load by reference, and a summary of sweep records per group (mean, standard deviation over
 * seeds, best and worst), sorted best first.
 */
import { fail } from '../core/errors';
import { loadDebtags } from '../data/debtags';
import type { DebtagsOptions } from '../data/debtags';
import { SparseFeatureDataset } from '../data/sparse';
import type { SparseRows } from '../data/sparse';
import type { DatasetSplits } from '../data/types';
import type { DatasetRef } from '../train/data-ref';

/** Options of {@link loadDebtagsSubset}: Debtags' options plus the subset sizes. */
export interface DebtagsSubsetOptions extends DebtagsOptions {
  /** Training packages kept (default 4,000; at most the split's size). */
  trainSize?: number;
  /** Validation packages kept (default 1,000). */
  valSize?: number;
}

/** Rows `round(i·n/m)`, i < m: an evenly spread, deterministic subset of m of n rows. */
function spreadRows(n: number, m: number): number[] {
  const k = Math.min(n, m);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

async function subsetOf(ds: SparseFeatureDataset, size: number, name: string): Promise<SparseFeatureDataset> {
  const rows = spreadRows(ds.size, size);
  const k = ds.classNames.length;
  const all = await ds.targets();
  const targets = new Uint8Array(rows.length * k);
  const { rowPtr, cols, vals, dim } = ds.features;
  const ptr = new Uint32Array(rows.length + 1);
  const c: number[] = [];
  const v: number[] = [];
  rows.forEach((r, i) => {
    targets.set(all.subarray(r * k, (r + 1) * k), i * k);
    for (let j = rowPtr[r]; j < rowPtr[r + 1]; j++) {
      c.push(cols[j]);
      v.push(vals[j]);
    }
    ptr[i + 1] = c.length;
  });
  const features: SparseRows = { rowPtr: ptr, cols: Uint32Array.from(c), vals: Float32Array.from(v), dim };
  return new SparseFeatureDataset({ name, classNames: ds.classNames, targets, features });
}

/**
 * Debtags (see `loadDebtags`) reduced to `trainSize` training and `valSize` validation packages,
 * evenly spread over each split (deterministic), for leaderboards with a small fixed budget per run.
 * The classes are those of the full snapshot (`minTagCount`), so a rare class may have no positive
 * in a small subset (mAP skips such classes).
 */
export async function loadDebtagsSubset(options: DebtagsSubsetOptions = {}): Promise<DatasetSplits> {
  const fn = 'loadDebtagsSubset';
  const { trainSize = 4000, valSize = 1000, ...debtags } = options;
  for (const [arg, v] of [['trainSize', trainSize], ['valSize', valSize]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(fn, arg, `must be a positive integer, got ${String(v)}`);
  }
  const full = await loadDebtags(debtags);
  return {
    train: await subsetOf(full.train, trainSize, 'debtags-subset/train'),
    val: await subsetOf(full.val, valSize, 'debtags-subset/val'),
  };
}

/**
 * A sweep data reference to {@link loadDebtagsSubset}, so `runSweep` workers load the same subset:
 * `runSweep(spec, { data: debtagsSubsetRef({ trainSize: 2000 }) })`.
 */
export function debtagsSubsetRef(options: DebtagsSubsetOptions = {}): DatasetRef {
  return { kind: 'module', module: __filename, exportName: 'loadDebtagsSubset', args: [options] };
}

/** One row of a leaderboard. */
export interface LeaderboardRow {
  /** The group's value (e.g. the loss name). */
  group: string;
  /** Runs that finished (`ok`) with a finite metric. */
  runs: number;
  /** Runs that failed or gave no finite metric. */
  failed: number;
  mean: number;
  /** Sample standard deviation over the runs (0 for one run). */
  std: number;
  min: number;
  max: number;
  /** Rank by mean, 1 = best. */
  rank: number;
}

/**
 * Summarises run records (e.g. `SweepResult.records`) by `by` (a record field, e.g. `'loss'`; object
 * values are compared by their JSON) over `metric` (default `'bestMap'`): mean, sample std, min, max
 * and rank, sorted best first (`higherIsBetter`, default true). Groups whose every run failed come
 * last with NaN statistics.
 */
export function leaderboard(
  records: readonly Record<string, unknown>[],
  options: { by: string; metric?: string; higherIsBetter?: boolean; label?: (value: unknown) => string },
): LeaderboardRow[] {
  const fn = 'leaderboard';
  if (!Array.isArray(records)) fail(fn, 'records', 'must be an array of run records');
  if (!options || typeof options.by !== 'string') fail(fn, 'options.by', 'must name the record field to group by');
  const metric = options.metric ?? 'bestMap';
  const higher = options.higherIsBetter ?? true;
  const label = options.label ?? ((v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const groups = new Map<string, { values: number[]; failed: number }>();
  for (const r of records) {
    const key = label(r[options.by]);
    const g = groups.get(key) ?? { values: [], failed: 0 };
    const v = r[metric];
    if (r.ok !== false && typeof v === 'number' && Number.isFinite(v)) g.values.push(v);
    else g.failed++;
    groups.set(key, g);
  }
  const rows = [...groups.entries()].map(([group, { values, failed }]) => {
    const n = values.length;
    const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN;
    const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : n ? 0 : NaN;
    return { group, runs: n, failed, mean, std, min: n ? Math.min(...values) : NaN, max: n ? Math.max(...values) : NaN, rank: 0 };
  });
  rows.sort((a, b) => {
    if (Number.isNaN(a.mean)) return Number.isNaN(b.mean) ? 0 : 1;
    if (Number.isNaN(b.mean)) return -1;
    return higher ? b.mean - a.mean : a.mean - b.mean;
  });
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}
