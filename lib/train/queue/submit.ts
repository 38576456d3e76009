/**
 * Sweeps on a job queue, the submitting side: `runSweep(spec, { data, queue })`, `asl sweep --queue`.
 *
 * - Submitting writes the sweep's manifest to Redis (`asl:sweep:<id>`: data, configurations, job
 *   ids) and adds one BullMQ job per configuration to the queue of the running code version, with a
 *   job id derived from the sweep id and the configuration (./ids.ts). BullMQ adds a job only once
 *   per id, so submitting the same sweep again adds nothing that is already there: runs finished
 *   earlier are gathered, runs still queued or running are waited for, only missing ones are added.
 *   A run that failed all its attempts stays failed unless `retryFailed`.
 * - Waiting follows the jobs (BullMQ's queue events wake it, a slow poll backs them up), reports the
 *   counts (queued / running / done / failed, ETA) and every finished run.
 * - Gathering writes the same `results.csv` / `results.json` as a local sweep and one folder per run
 *   (`run-NNN/report.json` as a local run folder has it, plus the host and the folder on that host
 *   where the checkpoints stayed; `run-NNN/failed.json` for a failed run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as BullMQ from 'bullmq';
import { fail } from '../../core/errors';
import { checkOptionKeys } from '../../core/options';
import type { DatasetRef } from '../../data/dataset-ref';
import { serialisableLossSpec } from '../../losses/registry';
import { isLoss, isMultiLabelLoss, type LossLike } from '../../losses/types';
import type { TrainConfig } from '../config';
import type { EpochProgress, RunOutcome } from '../sweep-thread';
import { expandGrid, historyFromJson, sweepRecord, SweepResult, sweepRunDir, type SweepOptions, type SweepRecord, type SweepSpec } from '../sweep-grid';
import { connectQueue, type QueueConnection } from './connection';
import { codeVersion, jobIdOf, manifestKey, QUEUE_PREFIX, queueNameFor, sweepIdOf, SWEEPS_KEY } from './ids';
import type { QueueRunState, QueueRunStatus, QueueSweepOptions, RunJobData, RunJobResult, SubmittedSweep, SweepManifest, SweepProgress, SweepStatus } from './types';

const DEFAULT_ATTEMPTS = 2;
const DEFAULT_POLL_MS = 2000;
const QUEUE_OPTION_KEYS = ['url', 'attempts', 'retryFailed', 'onSubmitted', 'onProgress', 'pollMs'];

/** The queue options, checked (a URL alone is `{ url }`). */
function queueOptions(queue: string | QueueSweepOptions, fn: string): QueueSweepOptions {
  const q = typeof queue === 'string' ? { url: queue } : queue;
  checkOptionKeys(q, QUEUE_OPTION_KEYS, fn, 'queue.');
  if (q.attempts !== undefined && !(Number.isInteger(q.attempts) && q.attempts >= 1)) fail(fn, 'queue.attempts', `must be an integer ≥ 1, got ${q.attempts}`);
  if (q.pollMs !== undefined && !(q.pollMs > 0)) fail(fn, 'queue.pollMs', `must be > 0, got ${q.pollMs}`);
  return q;
}

/** A grid value or loss as JSON: loss objects by their registered name. */
function jsonLoss(loss: LossLike): unknown {
  return isLoss(loss) || isMultiLabelLoss(loss) ? serialisableLossSpec(loss) : loss;
}

/** The manifest of a sweep: every configuration as JSON with its job id (nothing is sent yet). */
function planSweep(spec: SweepSpec, data: DatasetRef, backend: string | undefined, attempts: number, fn: string): SweepManifest {
  const runs = expandGrid(spec);
  const configs = runs.map(({ config }) => {
    if (config.loss !== undefined && serialisableLossSpec(config.loss) === undefined) {
      fail(fn, 'spec', `the loss of run '${config.name}' is defined in this process and cannot travel to a worker; give it as a registered name or { name, module } (a file exporting it)`);
    }
    const json = config.loss === undefined ? config : { ...config, loss: jsonLoss(config.loss) };
    return JSON.parse(JSON.stringify(json)) as TrainConfig;
  });
  // Workers load a dataset module by its absolute path (the same path on every machine).
  const ref: DatasetRef = data.kind === 'module' ? { ...data, module: path.resolve(data.module) } : data;
  const version = codeVersion();
  const sweepId = sweepIdOf(configs, ref, backend, version);
  return {
    sweepId,
    codeVersion: version,
    queueName: queueNameFor(version),
    created: new Date().toISOString(),
    data: ref,
    ...(backend ? { backend } : {}),
    attempts,
    runs: runs.map((r, i) => ({
      run: i,
      jobId: jobIdOf(sweepId, configs[i]),
      name: String(configs[i].name),
      params: JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, isLoss(v) || isMultiLabelLoss(v) ? jsonLoss(v) : v])))),
      config: configs[i],
    })),
  };
}

/** The id a queue sweep of `spec` gets (the same on every submission of the same sweep by the same code). */
export function queueSweepId(spec: SweepSpec, options: Pick<SweepOptions, 'data' | 'backend'>): string {
  checkOptionKeys(options, ['data', 'backend'], 'queueSweepId');
  return planSweep(spec, options.data, options.backend, DEFAULT_ATTEMPTS, 'queueSweepId').sweepId;
}

/** The runs of a manifest grouped by job (a grid may repeat a configuration: one job serves both). */
function runsByJob(manifest: SweepManifest): Map<string, SweepManifest['runs']> {
  const byJob = new Map<string, SweepManifest['runs']>();
  for (const r of manifest.runs) byJob.set(r.jobId, [...(byJob.get(r.jobId) ?? []), r]);
  return byJob;
}

function jobOf(manifest: SweepManifest, r: SweepManifest['runs'][number]): { name: string; data: RunJobData; opts: BullMQ.JobsOptions } {
  const data: RunJobData = { sweepId: manifest.sweepId, run: r.run, config: r.config, data: manifest.data, ...(manifest.backend ? { backend: manifest.backend } : {}) };
  return { name: r.name, data, opts: { jobId: r.jobId, attempts: manifest.attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false } };
}

/** A submitted sweep, open: the connection, its queue and manifest. */
interface OpenSweep {
  conn: QueueConnection;
  queue: BullMQ.Queue;
  manifest: SweepManifest;
}

async function closeSweep(open: OpenSweep): Promise<void> {
  await open.queue.close();
  await open.conn.close();
}

/** Submits (see the module comment) and keeps the connection open for waiting. */
async function submit(spec: SweepSpec, options: Pick<SweepOptions, 'data' | 'backend'>, q: QueueSweepOptions, fn: string): Promise<{ open: OpenSweep; submitted: SubmittedSweep; finishedBefore: Set<string> }> {
  if (!options?.data) fail(fn, 'data', 'must be a dataset reference ({ kind: ... })');
  const manifest = planSweep(spec, options.data, options.backend, q.attempts ?? DEFAULT_ATTEMPTS, fn);
  const conn = await connectQueue(q.url, fn);
  const queue = conn.queue(manifest.queueName);
  const open = { conn, queue, manifest };
  try {
    const key = manifestKey(manifest.sweepId);
    const earlier = await conn.client.get(key);
    if (earlier) manifest.created = (JSON.parse(earlier) as SweepManifest).created;
    await conn.client.multi().set(key, JSON.stringify(manifest)).sadd(SWEEPS_KEY, manifest.sweepId).exec();
    const submitted: SubmittedSweep = { sweepId: manifest.sweepId, codeVersion: manifest.codeVersion, total: manifest.runs.length, enqueued: 0, finished: 0, failed: 0, retried: 0, pending: 0 };
    const finishedBefore = new Set<string>();
    const toAdd: ReturnType<typeof jobOf>[] = [];
    for (const [jobId, runs] of runsByJob(manifest)) {
      const state = await queue.getJobState(jobId);
      const n = runs.length;
      if (state === 'unknown') {
        toAdd.push(jobOf(manifest, runs[0]));
        submitted.enqueued += n;
      } else if (state === 'completed') {
        finishedBefore.add(jobId);
        submitted.finished += n;
      } else if (state === 'failed' && q.retryFailed) {
        await (await queue.getJob(jobId))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        submitted.retried += n;
      } else if (state === 'failed') {
        finishedBefore.add(jobId);
        submitted.failed += n;
      } else submitted.pending += n;
    }
    if (toAdd.length) await queue.addBulk(toAdd);
    return { open, submitted, finishedBefore };
  } catch (e) {
    await closeSweep(open);
    throw e;
  }
}

/**
 * Enqueues a sweep and returns at once (`asl sweep --queue URL --detach`): one job per
 * configuration, none twice (see the module comment). Follow it with {@link sweepStatus} and gather it
 * with {@link sweepResults}, or submit it again with {@link runSweep} to wait for it.
 */
export async function submitSweep(spec: SweepSpec, options: Pick<SweepOptions, 'data' | 'backend'> & { queue: string | QueueSweepOptions }): Promise<SubmittedSweep> {
  const fn = 'submitSweep';
  checkOptionKeys(options, ['data', 'backend', 'queue'], fn);
  const { open, submitted } = await submit(spec, options, queueOptions(options.queue, fn), fn);
  await closeSweep(open);
  return submitted;
}

/** One job as the submitter sees it. */
interface JobView {
  state: QueueRunState;
  attempts: number;
  worker?: string;
  progress?: EpochProgress;
  /** For finished jobs: what the records need, and the worker's full result. */
  outcome?: RunOutcome;
  result?: RunJobResult;
  /** Seconds from start to end (finished jobs), for the ETA. */
  duration?: number;
}

const STATES: Record<string, QueueRunState> = { completed: 'done', failed: 'failed', active: 'running' };

async function viewJob(queue: BullMQ.Queue, jobId: string): Promise<JobView> {
  const job = await queue.getJob(jobId);
  if (!job) return { state: 'missing', attempts: 0 };
  const state = STATES[await job.getState()] ?? 'queued';
  const worker = job.processedBy;
  const attempts = job.attemptsStarted;
  const progress = typeof job.progress === 'object' && job.progress !== null && 'epoch' in job.progress ? (job.progress as unknown as EpochProgress) : undefined;
  const duration = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : undefined;
  const view: JobView = { state, attempts, ...(worker ? { worker } : {}), ...(progress ? { progress } : {}), ...(duration !== undefined ? { duration } : {}) };
  if (state === 'done') {
    const r = job.returnvalue as RunJobResult;
    view.result = r;
    view.outcome = { ok: true, best: r.best, history: historyFromJson(r.history), seconds: r.seconds, backend: r.backend, host: r.host, runDir: r.runDir, attempts };
  } else if (state === 'failed') {
    view.outcome = { ok: false, error: job.failedReason || 'failed', seconds: duration ?? 0, ...(worker ? { host: worker.replace(/:\d+$/, '') } : {}), attempts };
  }
  return view;
}

/** Counts and ETA over the runs (a job shared by several runs counts for each). */
function progressOf(manifest: SweepManifest, views: Map<string, JobView>, workers: number): SweepProgress {
  const p: SweepProgress = { sweepId: manifest.sweepId, total: manifest.runs.length, queued: 0, running: 0, done: 0, failed: 0, workers };
  const durations: number[] = [];
  for (const r of manifest.runs) {
    const v = views.get(r.jobId);
    const state = v?.state ?? 'queued';
    if (state === 'missing') p.queued += 1;
    else p[state] += 1;
    if (state === 'done' && v?.duration !== undefined) durations.push(v.duration);
  }
  const left = p.queued + p.running;
  if (durations.length && left > 0) {
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    p.etaSeconds = (mean * left) / Math.max(1, Math.min(left, Math.max(workers, p.running)));
  } else if (left === 0) p.etaSeconds = 0;
  return p;
}

/** Reads a sweep's manifest; an unknown id is an error listing the known ones. */
async function readManifest(conn: QueueConnection, sweepId: string, fn: string): Promise<SweepManifest> {
  if (typeof sweepId !== 'string' || sweepId === '') fail(fn, 'sweepId', 'must be a sweep id (sweep-…)');
  const text = await conn.client.get(manifestKey(sweepId));
  if (!text) {
    const known = (await conn.client.smembers(SWEEPS_KEY)).sort();
    fail(fn, 'sweepId', `no sweep '${sweepId}' on ${conn.address.redacted}${known.length ? ` (sweeps there: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''})` : ' (it holds no sweep)'}`);
  }
  return JSON.parse(text) as SweepManifest;
}

async function openSweep(url: string, sweepId: string, fn: string): Promise<OpenSweep> {
  const conn = await connectQueue(url, fn);
  try {
    const manifest = await readManifest(conn, sweepId, fn);
    return { conn, queue: conn.queue(manifest.queueName), manifest };
  } catch (e) {
    await conn.close();
    throw e;
  }
}

async function viewAll(open: OpenSweep, jobIds: Iterable<string>, views: Map<string, JobView>): Promise<void> {
  for (const id of jobIds) views.set(id, await viewJob(open.queue, id));
}

/** Where a queue sweep stands, run by run (`asl sweep status --queue URL --sweep ID`). */
export async function sweepStatus(url: string, sweepId: string): Promise<SweepStatus> {
  const open = await openSweep(url, sweepId, 'sweepStatus');
  try {
    const views = new Map<string, JobView>();
    await viewAll(open, runsByJob(open.manifest).keys(), views);
    const { manifest } = open;
    const progress = progressOf(manifest, views, await open.queue.getWorkersCount());
    const runs: QueueRunStatus[] = manifest.runs.map((r) => {
      const v = views.get(r.jobId)!;
      return {
        run: r.run,
        name: r.name,
        params: r.params,
        jobId: r.jobId,
        state: v.state,
        attempts: v.attempts,
        ...(v.worker ? { worker: v.worker } : {}),
        ...(v.state === 'running' && v.progress ? { progress: v.progress } : {}),
        ...(v.outcome?.best ? { bestMap: v.outcome.best.valMap } : {}),
        ...(v.outcome ? { seconds: v.outcome.seconds } : {}),
        ...(v.outcome?.error ? { error: v.outcome.error } : {}),
      };
    });
    return { ...progress, queue: open.conn.address.redacted, codeVersion: manifest.codeVersion, created: manifest.created, runs };
  } finally {
    await closeSweep(open);
  }
}

/** The record of run `r` from its job's view. */
function recordOf(r: SweepManifest['runs'][number], v: JobView, reused: boolean): SweepRecord {
  return sweepRecord(r.run, r.params, { ...v.outcome!, ...(reused ? { reused: true } : {}) });
}

/** Writes the per-run folders of the finished runs into `outDir` (see the module comment). */
function writeRunFolders(outDir: string, manifest: SweepManifest, views: Map<string, JobView>): void {
  for (const r of manifest.runs) {
    const v = views.get(r.jobId);
    if (!v?.outcome) continue;
    const dir = sweepRunDir(outDir, r.run);
    fs.mkdirSync(dir, { recursive: true });
    const where = { sweepId: manifest.sweepId, jobId: r.jobId, attempts: v.attempts, worker: v.worker };
    const failed = path.join(dir, 'failed.json');
    if (v.result) {
      const x = v.result;
      const report = { config: x.config, best: x.best, seconds: x.seconds, backend: x.backend, resumedFromEpoch: x.resumedFromEpoch, host: x.host, outDir: x.runDir, ...where, startedAt: x.startedAt, finishedAt: x.finishedAt, history: x.history };
      fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      fs.writeFileSync(path.join(dir, 'metrics.jsonl'), x.history.map((h) => JSON.stringify(h) + '\n').join(''));
      fs.rmSync(failed, { force: true });
    } else fs.writeFileSync(failed, JSON.stringify({ error: v.outcome.error, host: v.outcome.host, ...where }, null, 2) + '\n');
  }
}

/** The records of the finished runs (in run order), written to `outDir` with the run folders. */
function gathered(manifest: SweepManifest, views: Map<string, JobView>, finishedBefore: ReadonlySet<string>, outDir?: string): SweepResult {
  const records = manifest.runs.filter((r) => views.get(r.jobId)?.outcome).map((r) => recordOf(r, views.get(r.jobId)!, finishedBefore.has(r.jobId)));
  const result = new SweepResult(records, outDir, manifest.sweepId);
  if (outDir) {
    writeRunFolders(outDir, manifest, views);
    result.write();
  }
  return result;
}

/** A sweep's finished runs gathered, and the runs not finished yet. */
export interface GatheredSweep {
  result: SweepResult;
  /** Runs still queued or running (their records are not in `result`). */
  pending: number[];
}

/**
 * Gathers the finished runs of a queue sweep (`asl sweep results --queue URL --sweep ID --out DIR`):
 * the records, and with `outDir` the same files as a local sweep. Runs not finished yet are listed
 * in `pending`.
 */
export async function sweepResults(url: string, sweepId: string, options: { outDir?: string } = {}): Promise<GatheredSweep> {
  checkOptionKeys(options, ['outDir'], 'sweepResults');
  const open = await openSweep(url, sweepId, 'sweepResults');
  try {
    const views = new Map<string, JobView>();
    await viewAll(open, runsByJob(open.manifest).keys(), views);
    const result = gathered(open.manifest, views, new Set(), options.outDir);
    return { result, pending: open.manifest.runs.filter((r) => !views.get(r.jobId)?.outcome).map((r) => r.run) };
  } finally {
    await closeSweep(open);
  }
}

/** Waits until every job of the sweep finished, reporting progress and each finished run. */
async function waitForSweep(open: OpenSweep, views: Map<string, JobView>, finishedBefore: ReadonlySet<string>, q: QueueSweepOptions, onResult?: SweepOptions['onResult']): Promise<void> {
  const { conn, queue, manifest } = open;
  const byJob = runsByJob(manifest);
  const prefix = `${manifest.sweepId}.`;
  let wake: (() => void) | undefined;
  const events = new conn.bull.QueueEvents(manifest.queueName, { connection: conn.duplicate(), prefix: QUEUE_PREFIX });
  const poke = ({ jobId }: { jobId: string }) => void (jobId.startsWith(prefix) && wake?.());
  for (const name of ['completed', 'failed', 'active', 'stalled', 'waiting'] as const) events.on(name as 'completed', poke);
  events.on('error', () => undefined);
  let done = 0;
  let lastKey = '';
  try {
    for (;;) {
      for (const [jobId, runs] of byJob) {
        const before = views.get(jobId);
        if (before?.outcome) continue;
        const v = await viewJob(queue, jobId);
        // A job removed from Redis behind our back: add it again (same id, so at most once).
        if (v.state === 'missing') {
          const job = jobOf(manifest, runs[0]);
          await queue.add(job.name, job.data, job.opts);
        }
        views.set(jobId, v);
        if (v.outcome) for (const r of runs) onResult?.(recordOf(r, v, finishedBefore.has(jobId)), ++done, manifest.runs.length);
      }
      const progress = progressOf(manifest, views, await queue.getWorkersCount());
      const key = [progress.queued, progress.running, progress.done, progress.failed, progress.workers].join();
      if (key !== lastKey) q.onProgress?.(progress);
      lastKey = key;
      if (progress.done + progress.failed === progress.total) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, q.pollMs ?? DEFAULT_POLL_MS);
        // Events come in bursts (a job finishes, the next starts): one look after a short pause.
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          setTimeout(resolve, 100);
        };
      });
    }
  } finally {
    wake = undefined;
    await events.close();
  }
}

/**
 * `runSweep(spec, { data, queue })`: submits the sweep, waits for the workers and gathers the records
 * (see the module comment). A sweep submitted before (by a submitter that crashed, or `--detach`) is
 * picked up where it stands.
 */
export async function runQueuedSweep(spec: SweepSpec, options: SweepOptions & { queue: string | QueueSweepOptions }): Promise<SweepResult> {
  const fn = 'runSweep';
  if (options.workers !== undefined) fail(fn, 'workers', 'sets the threads of a local sweep; with a queue, start workers with `asl worker --queue URL --concurrency N`');
  const q = queueOptions(options.queue, fn);
  const { open, submitted, finishedBefore } = await submit(spec, options, q, fn);
  const views = new Map<string, JobView>();
  try {
    q.onSubmitted?.(submitted);
    await waitForSweep(open, views, finishedBefore, q, options.onResult);
  } finally {
    await closeSweep(open);
  }
  return gathered(open.manifest, views, finishedBefore, options.outDir);
}
