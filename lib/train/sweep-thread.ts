/**
 * One training thread of a sweep: a `worker_threads` Worker running ./sweep-worker.ts with its own
 * tfjs backend and its own copy of the data, taking one run at a time. Local sweeps (./sweep.ts) run
 * one per core; `asl worker` (./queue/worker.ts) runs one per concurrent job. A thread that dies
 * (crash, out of memory, terminated) answers its current run with a failed outcome naming why, and
 * takes no more runs.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatasetRef } from '../data/dataset-ref';
import type { TrainConfig } from './config';
import type { EpochRecord } from './events';
import type { BestEpoch } from './train-state';

/** What a finished run reports back (from a training thread, an in-process run, a run folder's report.json or a queue job). */
export interface RunOutcome {
  ok: boolean;
  error?: string;
  best?: BestEpoch;
  history?: EpochRecord[];
  seconds: number;
  backend?: string;
  reused?: boolean;
  /** Queue runs: where the run trained (host and run folder there) and how often it was started. */
  host?: string;
  runDir?: string;
  attempts?: number;
}

/** What a thread is started with: the data every run of it trains on, and its backend. */
export interface SweepThreadInit {
  data: DatasetRef;
  backend?: string;
}

/** What a sweep records inside each run (`SweepOptions.track`), as the step interval of each tracker. */
export interface SweepTracking {
  probabilities?: number;
  gradientShare?: number;
}

/** One run for a thread. */
export interface SweepTask {
  index: number;
  config: TrainConfig;
  /** The run folder. */
  outDir?: string;
  /** Continue from the run folder's last checkpoint when it has one. */
  resume?: boolean;
  /** Report every epoch (`onEpoch` of {@link SweepThread.run}). */
  progress?: boolean;
  /** Trackers to attach (their records go into the run folder's report.json). */
  track?: SweepTracking;
}

/** Progress of a run: after epoch `epoch` of `epochs` (1-based), with that epoch's validation mAP. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  valMap: number;
}

/** What a thread reports for a run: the {@link RunOutcome} and what a queue worker needs besides. */
export interface ThreadOutcome extends RunOutcome {
  /** The class name of the error (`AslInputError`, `TrainingDivergedError`, …). */
  errorName?: string;
  /** The thread could not start (backend or data): the run itself was never tried. */
  setupFailed?: boolean;
  /** The thread died during the run. */
  threadDied?: boolean;
  /** The configuration as the run folder records it. */
  recordedConfig?: unknown;
  /** The epoch the run continued from (a retried run resuming its checkpoint). */
  resumedFromEpoch?: number;
}

interface ThreadMessage {
  type: 'ready' | 'result' | 'epoch';
  index?: number;
  ok?: boolean;
  error?: string;
  errorName?: string;
  setupFailed?: boolean;
  best?: BestEpoch;
  history?: EpochRecord[];
  seconds?: number;
  backend?: string;
  recordedConfig?: unknown;
  resumedFromEpoch?: number;
  epoch?: number;
  epochs?: number;
  valMap?: number;
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

/** A training thread (see the module comment). */
export class SweepThread {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private current?: { index: number; started: number; resolve: (r: ThreadOutcome) => void; onEpoch?: (p: EpochProgress) => void };
  private gone?: string;

  constructor(readonly init: SweepThreadInit) {
    const entry = sweepWorkerEntry();
    // One kernel thread per training thread: a sweep already runs one training thread per core.
    this.worker = new Worker(entry.source, { eval: entry.eval, workerData: init, env: { ...process.env, ASL_THREADS: '1' } });
    this.ready = new Promise((resolve) => {
      this.worker.on('message', (msg: ThreadMessage) => {
        const run = this.current;
        if (msg.type === 'ready') resolve();
        else if (!run || run.index !== msg.index) return;
        else if (msg.type === 'epoch') run.onEpoch?.({ epoch: msg.epoch ?? 0, epochs: msg.epochs ?? 0, valMap: msg.valMap ?? NaN });
        else if (msg.type === 'result') {
          this.current = undefined;
          const { type: _type, index: _index, ...outcome } = msg;
          run.resolve({ ...outcome, ok: msg.ok ?? false, seconds: msg.seconds ?? 0 });
        }
      });
      const onGone = (why: string) => {
        this.gone ??= why;
        resolve();
        const run = this.current;
        this.current = undefined;
        run?.resolve({ ok: false, error: `worker died: ${why}`, threadDied: true, seconds: (Date.now() - run.started) / 1000 });
      };
      this.worker.on('error', (e) => onGone(e.message));
      this.worker.on('exit', (code) => onGone(`exit code ${code}`));
    });
  }

  /** Whether the thread can take runs. */
  get alive(): boolean {
    return this.gone === undefined;
  }

  /** Trains one run; never rejects (a failure is an outcome with `ok: false`). One run at a time. */
  async run(task: SweepTask, onEpoch?: (p: EpochProgress) => void): Promise<ThreadOutcome> {
    await this.ready;
    if (this.current) throw new Error(`SweepThread.run: run ${this.current.index} is still running`);
    if (!this.alive) return { ok: false, error: `worker died: ${this.gone}`, threadDied: true, seconds: 0 };
    return new Promise((resolve) => {
      this.current = { index: task.index, started: Date.now(), resolve, onEpoch };
      this.worker.postMessage({ type: 'run', ...task });
    });
  }

  /** Stops the thread (a run in progress ends as failed). */
  async terminate(): Promise<void> {
    if (this.alive) this.worker.postMessage({ type: 'stop' });
    await this.worker.terminate();
  }
}
