/**
 * `asl sweep`: a grid of training runs (loss × hyper-parameters × seeds) in worker threads. Runs
 * already finished in `--out` (same configuration) are reused; the exit code is 1 when any run failed.
 *
 * With `--queue URL` the runs go to a BullMQ job queue on Redis instead, for `asl worker` processes on
 * any number of machines (lib/train/queue); the command waits and gathers the records into `--out`
 * like a local sweep, or with `--detach` returns at once. `asl sweep status|results --queue URL
 * --sweep ID` report on a queue sweep and gather it later.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOptionKeys } from '../../core/options';
import type { SweepRecord, SweepResult, SweepSpec } from '../../train/sweep';
import type { SweepProgress, SweepStatus } from '../../train/queue/types';
import { UsageError, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { CONFIG_OPTIONS, DATA_OPTIONS, applyConfigFlags, datasetRefFromArgs, readConfigFile, toUsage } from '../training-options';
import { QUEUE_OPTION, checkedQueueUrl } from './worker';

const GRID_FLAGS = ['loss', 'loss-params', 'seed', 'lr', 'gamma-neg'];
const ACTIONS = ['status', 'results'];
/** The flags `asl sweep status` and `asl sweep results` take (the grid and data flags are the submission's). */
const ACTION_FLAGS: Record<string, string[]> = { status: ['queue', 'sweep', 'json'], results: ['queue', 'sweep', 'out', 'json'] };
const QUEUE_ONLY_FLAGS = ['detach', 'attempts', 'retry-failed'];

export const command: CliCommand = {
  name: 'sweep',
  summary: 'run a grid of trainings in worker threads or on a job queue (CSV/JSON records; resumes in --out)',
  usage: 'asl sweep [options]\n       asl sweep --queue URL [--detach] [options]\n       asl sweep status --queue URL --sweep ID\n       asl sweep results --queue URL --sweep ID [--out DIR]',
  positionals: 1,
  options: {
    ...withoutKeys(CONFIG_OPTIONS, ['loss-params']),
    loss: { type: 'string', kind: 'list', value: 'A,B,…', description: 'losses by registry name, one run each (default bce,asl)' },
    seed: { type: 'string', kind: 'list', value: 'N,…', description: 'seeds (default 0)' },
    lr: { type: 'string', kind: 'list', value: 'X,…', description: 'learning rates' },
    'gamma-neg': { type: 'string', kind: 'list', value: 'X,…', description: 'loss.params.gammaNeg (losses that have it)' },
    grid: { type: 'string', kind: 'path', value: 'FILE', description: 'a JSON SweepSpec {"base": TrainConfig, "grid": {"path": [values]}} instead of the grid flags' },
    workers: { type: 'string', kind: 'positive-int', value: 'N', description: `worker threads (default: CPU cores = ${os.cpus().length})` },
    out: { type: 'string', kind: 'path', value: 'DIR', description: 'sweep folder (default runs/sweep-<time>, with --queue runs/<sweep id>); finished runs in it are reused' },
    json: { type: 'boolean', description: 'print the records as JSON' },
    queue: { ...QUEUE_OPTION, description: `${QUEUE_OPTION.description}; the runs go to this job queue for 'asl worker' processes` },
    detach: { type: 'boolean', description: "with --queue: enqueue and return at once (then 'asl sweep status|results')" },
    attempts: { type: 'string', kind: 'positive-int', value: 'N', description: 'with --queue: tries of a failing run before it is recorded as failed (default 2; for the runs this submission adds)' },
    'retry-failed': { type: 'boolean', description: 'with --queue: run again the runs that failed in an earlier submission of the sweep' },
    sweep: { type: 'string', value: 'ID', description: 'status|results: the id of the queue sweep' },
    ...DATA_OPTIONS,
  },
  details: [
    'Writes DIR/results.csv, DIR/results.json and one run folder per configuration (DIR/run-NNN).',
    'Exit code 1 when any run failed (the failures are listed).',
    '',
    "With --queue, 'asl worker --queue URL' processes (any machine, started before or after) train the runs.",
    'The sweep id comes from the runs, the data and the code version: submitting the same sweep again runs',
    "only what is not finished yet (a run that failed stays failed unless --retry-failed). A queue run's",
    'folder DIR/run-NNN holds its report; its checkpoints stay on the worker (host and folder in the report).',
    "'asl sweep status' shows the runs (queued, running, done, failed; exit 0); 'asl sweep results' gathers",
    'the finished ones into --out (default runs/<sweep id>; exit 1 when a run failed or is not finished).',
  ].join('\n'),
  async run(p) {
    const action = p.positionals[0];
    if (action !== undefined) return runAction(action, p);
    if (p.has('sweep')) throw new UsageError("--sweep goes with 'asl sweep status' or 'asl sweep results'");
    const queued = p.has('queue');
    const needsQueue = QUEUE_ONLY_FLAGS.filter((f) => p.has(f));
    if (!queued && needsQueue.length) throw new UsageError(`${needsQueue.map((f) => `--${f}`).join(', ')} go${needsQueue.length === 1 ? 'es' : ''} with --queue`);
    if (queued && p.has('workers')) throw new UsageError("--workers sets the threads of a local sweep; with --queue, start 'asl worker --queue URL --concurrency N' processes");
    const url = queued ? checkedQueueUrl(p, 'asl sweep') : undefined;
    const { runSweep, expandGrid } = await import('../../train/sweep');
    const spec = sweepSpecFromArgs(p);
    // Every configuration (losses and parameters included) is checked before anything runs.
    const runs = toUsage(() => expandGrid(spec));
    const { createLoss } = await import('../../losses/registry');
    toUsage(() => runs.forEach((r) => createLoss(r.config.loss ?? 'asl')));
    const data = datasetRefFromArgs(p);
    const json = p.flag('json');
    if (url && p.flag('detach')) return detach(spec, data, url, p);
    let out = p.string('out');
    if (!out && url) {
      const { queueSweepId } = await import('../../train/queue/submit');
      out = path.join('runs', queueSweepId(spec, { data }));
    }
    out ??= path.join('runs', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const started = Date.now();
    const progress = queueProgressPrinter(json);
    const result = await runSweep(spec, {
      data,
      outDir: out,
      ...(url
        ? {
            queue: {
              url,
              attempts: p.number('attempts'),
              retryFailed: p.flag('retry-failed'),
              onSubmitted: (s) => {
                if (!json) console.log(`sweep ${s.sweepId}: ${s.total} runs on ${redacted(url)}: ${s.enqueued} queued now, ${s.finished} finished before, ${s.failed} failed before${s.retried ? `, ${s.retried} failed runs queued again` : ''}${s.pending ? `, ${s.pending} still queued or running` : ''}`);
              },
              onProgress: progress,
            },
          }
        : { workers: p.number('workers') }),
      onResult: (r, done, total) => {
        if (!json) console.log(`[${done}/${total}] ${resultLine(r)}`);
      },
    });
    return finish(result, out, json, started);
  },
};

/** The sweep the flags (or --grid FILE) describe. */
function sweepSpecFromArgs(p: ParsedArgs): SweepSpec {
  const { readJsonFile } = require('../../data/json-file') as typeof import('../../data/json-file');
  if (p.has('grid')) {
    const given = GRID_FLAGS.filter((f) => p.has(f));
    if (given.length) throw new UsageError(`--grid replaces the grid flags; drop ${given.map((f) => `--${f}`).join(', ')}`);
    const file = p.string('grid')!;
    const spec = toUsage(() => {
      const raw = readJsonFile(file, 'asl sweep') as { base?: Record<string, unknown>; grid?: Record<string, unknown[]> };
      checkOptionKeys(raw, ['base', 'grid'], 'asl sweep', `${file}: `);
      return { base: raw.base ?? {}, grid: raw.grid ?? {} };
    });
    // Flags of the base configuration override the file's base.
    return { base: applyConfigFlags(p, spec.base, new Set(GRID_FLAGS)), grid: spec.grid } as SweepSpec;
  }
  const grid: Record<string, unknown[]> = {};
  grid.loss = (p.list('loss') ?? ['bce', 'asl']).map((name) => ({ name: String(name) }));
  const gammaNeg = p.list('gamma-neg');
  if (gammaNeg) grid['loss.params.gammaNeg'] = gammaNeg;
  const lr = p.list('lr');
  if (lr) grid.lr = lr;
  grid.seed = p.list('seed') ?? [0];
  const fileBase = p.has('config') ? readConfigFile(p.string('config')!, 'asl sweep') : { epochs: 2 };
  return { base: applyConfigFlags(p, fileBase, new Set(GRID_FLAGS)), grid } as SweepSpec;
}

function redacted(url: string): string {
  const { redactQueueUrl } = require('../../train/queue/url') as typeof import('../../train/queue/url');
  return redactQueueUrl(url);
}

/** One line per finished run. */
function resultLine(r: SweepRecord): string {
  const what = r.ok ? `best mAP ${Number(r.bestMap).toFixed(2)}${r.reused ? ' (reused)' : ''}` : `FAILED: ${r.error}`;
  return `run ${r.run}: ${what} (${r.seconds.toFixed(1)} s${r.host ? ` on ${r.host}` : ''})`;
}

/** The closing line and the exit code of a sweep (1 when any run failed). */
function finish(result: SweepResult, out: string, json: boolean, started: number): number {
  const reused = result.records.filter((r) => r.reused).length;
  if (json) console.log(JSON.stringify({ outDir: out, ...(result.sweepId ? { sweepId: result.sweepId } : {}), records: result.records }));
  else console.log(`sweep done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records.length} runs (${reused} reused), ${result.failures.length} failed; ${path.join(out, 'results.csv')}`);
  if (result.failures.length) {
    console.error(`asl sweep: ${result.failures.length} of ${result.records.length} runs failed: ${result.failures.map((f) => `run ${f.run} (${f.error})`).join('; ')}`);
    return 1;
  }
  return 0;
}

/** `queued 3 · running 2 · done 1 · failed 0 · 2 workers · ETA 40s`, printed when the counts change. */
function progressLine(s: SweepProgress): string {
  const { formatSeconds } = require('../../train/progress') as typeof import('../../train/progress');
  const eta = s.etaSeconds === undefined ? '' : ` · ETA ${formatSeconds(s.etaSeconds)}`;
  return `queue: ${s.queued} queued · ${s.running} running · ${s.done} done · ${s.failed} failed · ${s.workers} worker${s.workers === 1 ? '' : 's'}${eta}`;
}

function queueProgressPrinter(json: boolean): (s: SweepProgress) => void {
  let warned = false;
  return (s) => {
    if (json) return;
    console.log(progressLine(s));
    if (s.workers === 0 && s.queued > 0 && !warned) {
      warned = true;
      console.log("no worker is connected to this sweep's queue yet: start some with 'asl worker --queue URL' (workers take only jobs of their own code version, the same build of asl-workbook)");
    }
  };
}

/** `--detach`: enqueue, say how to follow, return. */
async function detach(spec: SweepSpec, data: ReturnType<typeof datasetRefFromArgs>, url: string, p: ParsedArgs): Promise<number> {
  const { submitSweep } = await import('../../train/queue/submit');
  const s = await submitSweep(spec, { data, queue: { url, attempts: p.number('attempts'), retryFailed: p.flag('retry-failed') } });
  if (p.flag('json')) {
    console.log(JSON.stringify(s));
    return 0;
  }
  const q = redacted(url);
  console.log(`sweep ${s.sweepId}: ${s.total} runs on ${q}: ${s.enqueued} queued now, ${s.finished} finished before, ${s.failed} failed before${s.pending ? `, ${s.pending} still queued or running` : ''}`);
  console.log(`follow it:  asl sweep status --queue ${q} --sweep ${s.sweepId}`);
  console.log(`gather it:  asl sweep results --queue ${q} --sweep ${s.sweepId} --out ${p.string('out') ?? path.join('runs', s.sweepId)}`);
  return 0;
}

/** `asl sweep status|results --queue URL --sweep ID`. */
async function runAction(action: string, p: ParsedArgs): Promise<number> {
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action '${action}': 'asl sweep' takes options, or 'status' or 'results' with --queue URL --sweep ID`);
  const stray = Object.keys(p.values).filter((k) => p.has(k) && !ACTION_FLAGS[action].includes(k));
  if (stray.length) throw new UsageError(`'asl sweep ${action}' takes ${ACTION_FLAGS[action].map((f) => `--${f}`).join(', ')}; drop ${stray.map((f) => `--${f}`).join(', ')}`);
  const url = checkedQueueUrl(p, `asl sweep ${action}`);
  const sweepId = p.string('sweep');
  if (!sweepId) throw new UsageError(`'asl sweep ${action}' needs --sweep ID (the id 'asl sweep --queue' printed)`);
  const json = p.flag('json');
  if (action === 'status') {
    const { sweepStatus } = await import('../../train/queue/submit');
    const s = await sweepStatus(url, sweepId);
    console.log(json ? JSON.stringify(s) : statusText(s));
    return 0;
  }
  const { sweepResults } = await import('../../train/queue/submit');
  const out = p.string('out') ?? path.join('runs', sweepId);
  const started = Date.now();
  const { result, pending } = await sweepResults(url, sweepId, { outDir: out });
  if (!json) for (const r of result.records) console.log(resultLine(r));
  const code = finish(result, out, json, started);
  if (pending.length) {
    console.error(`asl sweep results: ${pending.length} runs not finished yet (runs ${pending.join(', ')}); gather again later, or wait for them by submitting the sweep again`);
    return 1;
  }
  return code;
}

/** The status as text: the counts, then one row per run. */
function statusText(s: SweepStatus): string {
  const { tableText } = require('../../core/rich') as typeof import('../../core/rich');
  const params = [...new Set(s.runs.flatMap((r) => Object.keys(r.params)))];
  const cell = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
  const rows = s.runs.map((r) => [
    r.run,
    ...params.map((k) => cell(r.params[k])),
    r.state,
    r.attempts,
    r.worker ?? '',
    r.progress ? `${r.progress.epoch}/${r.progress.epochs}` : '',
    r.bestMap ?? '',
    r.seconds ?? '',
    r.error ?? '',
  ]);
  return [
    `sweep ${s.sweepId} on ${s.queue} (code version ${s.codeVersion}, submitted ${s.created})`,
    `${s.total} runs: ${progressLine(s).replace(/^queue: /, '')}`,
    tableText({ columns: ['run', ...params, 'state', 'attempts', 'worker', 'epoch', 'best mAP', 'seconds', 'error'], rows }, { limit: 1000 }),
  ].join('\n');
}

function withoutKeys<T extends object>(o: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as T;
}
