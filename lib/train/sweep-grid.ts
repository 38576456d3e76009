/**
 * The grid and the records of a sweep, shared by local sweeps (./sweep.ts) and queue sweeps
 * (./queue): the spec and its expansion into configurations, the per-run folders, the tidy record of
 * a run and the {@link SweepResult} (records, arquero table, `results.csv` / `results.json`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { requireOptional } from '../core/optional';
import { JUPYTER_DISPLAY, tableHtml, tableText, type MimeBundle, type PlainTable } from '../core/rich';
import type { DatasetRef } from '../data/dataset-ref';
import { isLoss, isMultiLabelLoss } from '../losses/types';
import { resolveTrainConfig, type TrainConfig } from './config';
import type { EpochRecord } from './events';
import type { SweepTracking } from './sweep-thread';
import type { QueueSweepOptions } from './queue/types';
import type { RunOutcome } from './sweep-thread';

/** A grid: every key is a (dotted) config path, every value the list of values it takes. */
export interface SweepSpec {
  base: TrainConfig;
  /** e.g. `{ 'loss': ['bce', 'asl'], 'lr': [1e-3, 3e-3], 'seed': [0, 1] }`. */
  grid: Record<string, readonly unknown[]>;
}

export interface SweepOptions {
  data: DatasetRef;
  /** Worker threads (default: the number of CPU cores, at most the number of runs). */
  workers?: number;
  /** Folder for per-run folders (`run-NNN`) and `results.csv` / `results.json`; enables resume. */
  outDir?: string;
  /** Backend each worker initialises (default: the workbook's choice, wasm here). */
  backend?: string;
  /** Called after every finished (or reused) run. */
  onResult?: (record: SweepRecord, done: number, total: number) => void;
  /**
   * Run on a job queue instead of this machine's threads: a Redis URL
   * (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS) or the queue options. Workers
   * (`asl worker --queue URL`) train the runs; this call enqueues, waits and gathers the records.
   */
  queue?: string | QueueSweepOptions;
  /**
   * Record what happens inside each run (local sweeps): the mean probabilities of positives and
   * negatives (`probabilities`) and the split of the gradient between them (`gradientShare`), every
   * N steps. The records go to each run folder's report.json (`callbacks`), so one set of runs serves
   * every analysis.
   */
  track?: SweepTracking;
}

export type { SweepTracking } from './sweep-thread';

/** One run of a sweep, tidy: parameters as columns. */
export interface SweepRecord {
  run: number;
  ok: boolean;
  error?: string;
  /** Whether the run was reused from an earlier sweep into the same folder. */
  reused?: boolean;
  /** The varied parameters (dotted path → value, objects as JSON). */
  [param: string]: unknown;
  bestMap?: number;
  bestEpoch?: number;
  bestWeights?: string;
  finalMap?: number;
  finalMapEma?: number;
  finalTrainLoss?: number;
  seconds: number;
  /** Queue runs: the machine that trained the run, and the run folder there. */
  host?: string;
  runDir?: string;
  /** Queue runs: how many times a worker started the run (more than 1 after a retry). */
  attempts?: number;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    else o[k] = { ...(o[k] as Record<string, unknown>) };
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

function isLossObject(v: unknown): boolean {
  return isLoss(v) || isMultiLabelLoss(v);
}

/** A deep copy of a config; loss objects are kept as they are (they are functions or hold them). */
function cloneConfig(config: TrainConfig): Record<string, unknown> {
  const { loss, ...rest } = config;
  const copy = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  if (loss !== undefined) copy.loss = isLossObject(loss) ? loss : JSON.parse(JSON.stringify(loss));
  return copy;
}

/** A grid value as a label / table cell: loss objects by name, objects as JSON. */
function paramText(v: unknown): string | number | boolean {
  if (isLossObject(v)) return (v as { name: string }).name;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return v as string | number | boolean;
}

/** The configurations of a grid (cartesian product, the first key varying slowest). */
export function expandGrid(spec: SweepSpec): { config: TrainConfig; params: Record<string, unknown> }[] {
  checkOptionKeys(spec, ['base', 'grid'], 'expandGrid');
  const keys = Object.keys(spec.grid ?? {});
  for (const k of keys) {
    if (!Array.isArray(spec.grid[k]) || spec.grid[k].length === 0) fail('expandGrid', `grid.${k}`, 'must be a non-empty array of values');
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k].map((v) => ({ ...c, [k]: v })));
  return combos.map((params) => {
    const config = cloneConfig(spec.base ?? {});
    for (const [k, v] of Object.entries(params)) setPath(config, k, v);
    const label = Object.entries(params).map(([k, v]) => `${k}=${paramText(v)}`).join(' ');
    if (!config.name) config.name = label || 'run';
    // Every configuration is checked before anything runs (typos fail the whole sweep at once).
    resolveTrainConfig(config as TrainConfig, 'expandGrid', `run ${label || 0}`);
    return { config: config as TrainConfig, params };
  });
}

/** The folder of run `i` of a sweep. */
export function sweepRunDir(outDir: string, i: number): string {
  return path.join(outDir, `run-${String(i).padStart(3, '0')}`);
}

/** The result of a sweep: records, table, files. */
export class SweepResult {
  constructor(
    readonly records: SweepRecord[],
    readonly outDir?: string,
    /** The id of a queue sweep (`asl sweep status --sweep ID`). */
    readonly sweepId?: string,
  ) {}

  get failures(): SweepRecord[] {
    return this.records.filter((r) => !r.ok);
  }

  /** An arquero table of the records (arquero is an optional package). */
  table(): unknown {
    const aq = requireOptional<{ from(rows: object[]): unknown }>('arquero', 'SweepResult.table');
    return aq.from(this.records);
  }

  columns(): string[] {
    const cols: string[] = [];
    for (const r of this.records) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    return cols;
  }

  toTable(): PlainTable {
    const columns = this.columns();
    return { columns, rows: this.records.map((r) => columns.map((c) => (typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : r[c]))) };
  }

  toCSV(): string {
    const cols = this.columns();
    const cell = (v: unknown) => {
      if (v === undefined || v === null) return '';
      const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [cols.join(','), ...this.records.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
  }

  /** Writes `results.json` and `results.csv` into the sweep folder. */
  write(outDir = this.outDir): void {
    if (!outDir) return;
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(this.records, null, 2));
    fs.writeFileSync(path.join(outDir, 'results.csv'), this.toCSV());
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const caption = `sweep${this.sweepId ? ` ${this.sweepId}` : ''}: ${this.records.length} runs, ${this.failures.length} failed`;
    return { 'text/plain': `${caption}\n${tableText(this.toTable())}`, 'text/html': tableHtml(this.toTable(), { caption, digits: 4 }) };
  }
}

/** The tidy record of run `i` from its outcome. */
export function sweepRecord(i: number, params: Record<string, unknown>, r: RunOutcome): SweepRecord {
  const last = r.history?.[r.history.length - 1];
  const columns: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) columns[k] = paramText(v);
  return {
    run: i,
    ...columns,
    ok: r.ok,
    ...(r.ok ? {} : { error: r.error ?? 'unknown error' }),
    ...(r.reused ? { reused: true } : {}),
    bestMap: r.best?.valMap,
    bestEpoch: r.best?.epoch,
    bestWeights: r.best?.weights,
    finalMap: last?.valMap,
    finalMapEma: last && Number.isFinite(last.valMapEma) ? last.valMapEma : undefined,
    finalTrainLoss: last?.trainLoss,
    seconds: r.seconds,
    ...(r.host !== undefined ? { host: r.host, runDir: r.runDir } : {}),
    ...(r.attempts !== undefined ? { attempts: r.attempts } : {}),
  };
}

/** Epoch records read back from JSON, where non-finite numbers became `null`. */
export function historyFromJson(history: readonly unknown[] | undefined): EpochRecord[] {
  return (history ?? []).map((h) => Object.fromEntries(Object.entries(h as object).map(([k, v]) => [k, v === null ? NaN : v])) as unknown as EpochRecord);
}
