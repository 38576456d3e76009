/**
 * Sweeps on all cores: a grid of training configurations (loss × hyper-parameters × seeds) run in
 * `worker_threads`, one worker per core by default, each worker with its own tfjs backend (wasm runs
 * on one thread, so workers are how both cores are used). Results come back as tidy records (one
 * per run: the varied parameters, best/final mAP, time, status), as an arquero table and as CSV/JSON
 * files under `outDir`.
 *
 * - A failing run becomes a record with `ok: false` and its error; a crashing worker is replaced; the
 *   sweep goes on (`SweepResult.failures` lists what failed).
 * - Resume: with `outDir`, a run whose folder already holds a finished report for the same
 *   configuration is reused, not run again — re-running a sweep after a crash runs only the rest.
 * - A loss defined in this process (a `defineLoss` result that is not the registered loss of its
 *   name, or a configured loss object) cannot cross into a worker thread: those runs train here, one
 *   at a time. Give the loss as `{ name, module }` (a file exporting it) to run it in workers.
 * - With `queue` (a Redis URL), the runs go to a BullMQ job queue instead and `asl worker` processes
 *   on any number of machines train them (./queue/submit.ts; BullMQ is loaded only then).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOptionKeys } from '../core/options';
import { serialisableLossSpec } from '../losses/registry';
import { resolveTrainConfig, type TrainConfig } from './config';
import type { EpochRecord } from './events';
import type { BestEpoch } from './train-state';
import { expandGrid, historyFromJson, sweepRecord, SweepResult, sweepRunDir, type SweepOptions, type SweepRecord, type SweepSpec } from './sweep-grid';
import { SweepThread, type RunOutcome, type SweepThreadInit } from './sweep-thread';
import type { QueueSweepOptions } from './queue/types';
import { ProbabilityTracker } from './callbacks';
import { GradientShareTracker } from './gradient-share-tracker';

export { expandGrid, historyFromJson, sweepRecord, SweepResult, sweepRunDir } from './sweep-grid';
export type { SweepOptions, SweepRecord, SweepSpec } from './sweep-grid';
export { sweepWorkerEntry } from './sweep-thread';
export type { RunOutcome } from './sweep-thread';

/** The outcome recorded in a run folder, when it finished with exactly this configuration. */
/** The callback names a tracking request produces (what a reused run's report must hold). */
function trackerNames(track: SweepOptions['track']): string[] {
  return [...(track?.probabilities ? ['probability-tracker'] : []), ...(track?.gradientShare ? ['gradient-share-tracker'] : [])];
}

export function finishedRun(dir: string, config: TrainConfig, needsCallbacks: readonly string[] = []): RunOutcome | undefined {
  const file = path.join(dir, 'report.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { config?: unknown; best?: BestEpoch; history?: EpochRecord[]; seconds?: number; backend?: string; callbacks?: Record<string, unknown> };
    if (needsCallbacks.some((n) => !report.callbacks || !(n in report.callbacks))) return undefined;
    const { recordedLossSpec } = require('./fit') as typeof import('./fit');
    const wanted = { ...resolveTrainConfig(config), loss: recordedLossSpec(resolveTrainConfig(config).loss) };
    if (JSON.stringify(report.config) !== JSON.stringify(JSON.parse(JSON.stringify(wanted)))) return undefined;
    return { ok: true, best: report.best, history: historyFromJson(report.history), seconds: report.seconds ?? 0, backend: report.backend, reused: true };
  } catch {
    return undefined;
  }
}

/** Runs configurations in worker threads (one {@link SweepThread} per lane); calls `finish` for each. */
async function runInWorkers(
  runs: { config: TrainConfig }[],
  indices: number[],
  options: SweepOptions,
  finish: (i: number, r: RunOutcome) => void,
): Promise<void> {
  if (indices.length === 0) return;
  const nWorkers = Math.max(1, Math.min(options.workers ?? os.cpus().length, indices.length));
  const init: SweepThreadInit = { data: options.data, backend: options.backend };
  const queue = [...indices];
  const lane = async () => {
    let thread = new SweepThread(init);
    try {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        // A thread that died is replaced for the next run (its run is recorded as failed).
        if (!thread.alive) thread = new SweepThread(init);
        finish(i, await thread.run({ index: i, config: runs[i].config, outDir: options.outDir ? sweepRunDir(options.outDir, i) : undefined, track: options.track }));
      }
    } finally {
      await thread.terminate();
    }
  };
  await Promise.all(Array.from({ length: nWorkers }, lane));
}

/** Runs configurations here, one at a time (losses that exist only in this process). */
async function runInProcess(runs: { config: TrainConfig }[], indices: number[], options: SweepOptions, finish: (i: number, r: RunOutcome) => void): Promise<void> {
  if (indices.length === 0) return;
  const { trainModel } = require('./fit') as typeof import('./fit');
  const { loadDatasetRef } = require('../data/dataset-ref') as typeof import('../data/dataset-ref');
  const data = await loadDatasetRef(options.data);
  for (const i of indices) {
    const start = Date.now();
    try {
      const callbacks = [];
      if (options.track?.probabilities) callbacks.push(new ProbabilityTracker(options.track.probabilities));
      if (options.track?.gradientShare) callbacks.push(new GradientShareTracker(runs[i].config.loss ?? 'asl', options.track.gradientShare));
      const r = await trainModel(runs[i].config, { data, outDir: options.outDir ? sweepRunDir(options.outDir, i) : undefined, progress: 'none', keepModel: false, callbacks });
      finish(i, { ok: true, best: r.best, history: r.history.records, seconds: (Date.now() - start) / 1000, backend: r.backend });
    } catch (e) {
      finish(i, { ok: false, error: (e as Error).message, seconds: (Date.now() - start) / 1000 });
    }
  }
}

/**
 * Runs every configuration of `spec` and gathers one record per run (see the module comment).
 * Example: `await runSweep({ base: { epochs: 5 }, grid: { loss: ['bce', 'asl'], seed: [0, 1] } }, { data: { kind: 'multifashion', options: { canvasSize: 32 } } })`;
 * add `queue: 'redis://:password@host:6379'` to run it on `asl worker` processes instead.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  checkOptionKeys(options, ['data', 'workers', 'outDir', 'backend', 'onResult', 'queue', 'track'], 'runSweep');
  checkOptionKeys(options.track, ['probabilities', 'gradientShare'], 'runSweep', 'track.');
  if (options.queue !== undefined) {
    const { runQueuedSweep } = require('./queue/submit') as typeof import('./queue/submit');
    return runQueuedSweep(spec, options as SweepOptions & { queue: string | QueueSweepOptions });
  }
  const runs = expandGrid(spec);
  const records: SweepRecord[] = new Array(runs.length);
  let done = 0;
  const finish = (i: number, r: RunOutcome) => {
    records[i] = sweepRecord(i, runs[i].params, r);
    done += 1;
    options.onResult?.(records[i], done, runs.length);
  };
  if (options.outDir) fs.mkdirSync(options.outDir, { recursive: true });
  const toRun: number[] = [];
  runs.forEach((run, i) => {
    const reused = options.outDir ? finishedRun(sweepRunDir(options.outDir, i), run.config, trackerNames(options.track)) : undefined;
    if (reused) finish(i, reused);
    else toRun.push(i);
  });
  const here = toRun.filter((i) => serialisableLossSpec(runs[i].config.loss ?? 'asl') === undefined);
  const elsewhere = toRun.filter((i) => !here.includes(i));
  await runInWorkers(runs, elsewhere, options, finish);
  await runInProcess(runs, here, options, finish);
  const result = new SweepResult(records, options.outDir);
  result.write();
  return result;
}
