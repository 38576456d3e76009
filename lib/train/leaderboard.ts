/**
 * Leaderboards of training runs: a summary of run records (e.g. a sweep's) per group — mean, sample
 * standard deviation over seeds, best and worst, rank — sorted best first.
 */
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';

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
  checkOptionKeys(options, ['by', 'metric', 'higherIsBetter', 'label'], fn);
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
