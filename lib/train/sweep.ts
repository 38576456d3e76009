/**
 * Sweeps on all cores: a grid of training configurations (loss × hyper-parameters × seeds) run in
 * `worker_threads`, one worker per core by default, each worker with its own tfjs backend (wasm runs
 * on one thread, so workers are how both cores are used). Results come back as tidy records (one
 * per run: the varied parameters, best/final mAP, time, status), as an arquero table and as CSV/JSON
 * files under `outDir`. A failing run becomes a record with `ok: false` and its error; a crashing
 * worker is replaced; the sweep itself does not fail.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fail } from '../core/errors';
import { escapeHtml } from '../display/mime';
import type { DatasetRef } from './data-ref';
import type { TrainConfig } from './trainer';
import type { EpochRecord } from './callbacks';

/** A grid: every key is a (dotted) config path, every value the list of values it takes. */
export interface SweepSpec {
  base: TrainConfig;
  /** e.g. `{ 'loss': [{ name: 'bce' }, { name: 'asl' }], 'lr': [1e-3, 3e-3], 'seed': [0, 1] }`. */
  grid: Record<string, readonly unknown[]>;
}

export interface SweepOptions {
  data: DatasetRef;
  /** Worker threads (default: the number of CPU cores, at most the number of runs). */
  workers?: number;
  /** Folder for per-run folders and `results.csv` / `results.json`. */
  outDir?: string;
  /** Backend each worker initialises (default: the workbook's choice, wasm here). */
  backend?: string;
  /** Called after every finished run. */
  onResult?: (record: SweepRecord, done: number, total: number) => void;
}

/** One run of a sweep, tidy: parameters as columns. */
export interface SweepRecord {
  run: number;
  ok: boolean;
  error?: string;
  /** The varied parameters (dotted path → value, objects as JSON). */
  [param: string]: unknown;
  bestMap?: number;
  bestEpoch?: number;
  bestWeights?: string;
  finalMap?: number;
  finalMapEma?: number;
  finalTrainLoss?: number;
  seconds: number;
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

/** The configurations of a grid (cartesian product, the first key varying slowest). */
export function expandGrid(spec: SweepSpec): { config: TrainConfig; params: Record<string, unknown> }[] {
  const keys = Object.keys(spec.grid);
  for (const k of keys) {
    if (!Array.isArray(spec.grid[k]) || spec.grid[k].length === 0) fail('expandGrid', `grid.${k}`, 'must be a non-empty array of values');
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k].map((v) => ({ ...c, [k]: v })));
  return combos.map((params) => {
    const config = JSON.parse(JSON.stringify(spec.base)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(params)) setPath(config, k, v);
    const label = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
    if (!config.name) config.name = label || 'run';
    return { config: config as TrainConfig, params };
  });
}

/**
 * The worker entry, next to this file: `sweep-worker.js` in lib/dist; from the TypeScript sources
 * (tests, tsx) `sweep-worker.ts`, started through a small bootstrap that registers tsx's CommonJS
 * hook first (`--import tsx` in a worker's execArgv comes too late for the entry file itself).
 */
export function sweepWorkerEntry(): { file: string; source: string; eval: boolean } {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, `sweep-worker${ts ? '.ts' : '.js'}`);
  if (!ts) return { file, source: file, eval: false };
  return { file, source: `require('tsx/cjs');\nrequire(${JSON.stringify(file)});`, eval: true };
}

/** The result of a sweep: records, table, files. */
export class SweepResult {
  constructor(
    readonly records: SweepRecord[],
    readonly outDir?: string,
  ) {}

  get failures(): SweepRecord[] {
    return this.records.filter((r) => !r.ok);
  }

  /** An arquero table of the records. */
  table(): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const aq = require('arquero') as { from(rows: object[]): unknown };
    return aq.from(this.records);
  }

  columns(): string[] {
    const cols: string[] = [];
    for (const r of this.records) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    return cols;
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

  [Symbol.for('Jupyter.display')](): Record<string, string> {
    const cols = this.columns();
    const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : typeof v === 'object' ? JSON.stringify(v) : String(v ?? ''));
    const text = [`sweep: ${this.records.length} runs, ${this.failures.length} failed`, cols.join('\t'), ...this.records.map((r) => cols.map((c) => fmt(r[c])).join('\t'))].join('\n');
    const html = `<p>sweep: ${this.records.length} runs, ${this.failures.length} failed</p><table><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${this.records
      .map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(fmt(r[c]))}</td>`).join('')}</tr>`)
      .join('')}</table>`;
    return { 'text/plain': text, 'text/html': html };
  }
}

interface WorkerResult {
  type: 'result';
  index: number;
  ok: boolean;
  error?: string;
  best?: { epoch: number; valMap: number; weights: string };
  history?: EpochRecord[];
  seconds: number;
}

/**
 * Runs every configuration of `spec` in worker threads and gathers one record per run.
 * Example: `await runSweep({ base: { epochs: 5 }, grid: { loss: [{ name: 'bce' }, { name: 'asl' }], seed: [0, 1] } }, { data: { kind: 'multifashion', options: { canvasSize: 32 } } })`.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  const runs = expandGrid(spec);
  const nWorkers = Math.max(1, Math.min(options.workers ?? os.cpus().length, runs.length));
  const records: SweepRecord[] = new Array(runs.length);
  const entry = sweepWorkerEntry();
  const queue = runs.map((_, i) => i);
  let done = 0;
  if (options.outDir) fs.mkdirSync(options.outDir, { recursive: true });

  const paramColumns = (i: number) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(runs[i].params)) out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
    return out;
  };
  const finish = (i: number, r: Partial<WorkerResult> & { ok: boolean; seconds: number }) => {
    const last = r.history?.[r.history.length - 1];
    records[i] = {
      run: i,
      ...paramColumns(i),
      ok: r.ok,
      ...(r.ok ? {} : { error: r.error ?? 'unknown error' }),
      bestMap: r.best?.valMap,
      bestEpoch: r.best?.epoch,
      bestWeights: r.best?.weights,
      finalMap: last?.valMap,
      finalMapEma: last?.valMapEma ?? undefined,
      finalTrainLoss: last?.trainLoss,
      seconds: r.seconds,
    };
    done += 1;
    options.onResult?.(records[i], done, runs.length);
  };

  await new Promise<void>((resolve) => {
    let live = 0;
    const startWorker = () => {
      live += 1;
      const worker = new Worker(entry.source, { eval: entry.eval, workerData: { data: options.data, backend: options.backend } });
      let current: number | undefined;
      let started = Date.now();
      const next = () => {
        current = queue.shift();
        if (current === undefined) {
          worker.postMessage({ type: 'stop' });
          void worker.terminate();
          return;
        }
        started = Date.now();
        worker.postMessage({ type: 'run', index: current, config: runs[current].config, outDir: options.outDir ? path.join(options.outDir, `run-${String(current).padStart(3, '0')}`) : undefined });
      };
      worker.on('message', (msg: { type: string } & Partial<Omit<WorkerResult, 'type'>>) => {
        if (msg.type === 'ready') next();
        else if (msg.type === 'result' && msg.index !== undefined) {
          finish(msg.index, msg as unknown as WorkerResult);
          current = undefined;
          next();
        }
      });
      const onGone = (why: string) => {
        if (current !== undefined) {
          finish(current, { ok: false, error: `worker died: ${why}`, seconds: (Date.now() - started) / 1000 });
          current = undefined;
          if (queue.length > 0) startWorker();
        }
      };
      worker.on('error', (e) => onGone(e.message));
      worker.on('exit', (code) => {
        onGone(`exit code ${code}`);
        live -= 1;
        if (live === 0) {
          // Runs no worker could take (every worker died before starting them).
          for (const i of queue.splice(0)) finish(i, { ok: false, error: 'no worker left to run it', seconds: 0 });
          resolve();
        }
      });
    };
    for (let w = 0; w < nWorkers; w++) startWorker();
  });

  const result = new SweepResult(records, options.outDir);
  if (options.outDir) {
    fs.writeFileSync(path.join(options.outDir, 'results.json'), JSON.stringify(records, null, 2));
    fs.writeFileSync(path.join(options.outDir, 'results.csv'), result.toCSV());
  }
  return result;
}
