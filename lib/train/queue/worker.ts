/**
 * Queue workers (`asl worker --queue URL`): a BullMQ worker on the queue of this code version that
 * trains each job's configuration in a training thread of its own (../sweep-thread.ts, the local
 * sweep's threads: own tfjs backend, own copy of the data), at most `concurrency` at once.
 *
 * - Progress: every epoch goes to the job (`job.progress`: epoch, epochs, mAP) and to the log.
 * - The job's return value is the run's record (./types.ts `RunJobResult`): the recorded
 *   configuration, metrics history, best epoch, timings, host and the run folder on this machine
 *   (`<runsDir>/<sweep id>/run-NNN`, with checkpoints and metrics, which stay here).
 * - Failures: a run that fails is retried (BullMQ attempts, set by the submitter) unless its error is
 *   one retrying cannot fix (an `AslInputError` raised by the run itself, e.g. loss parameters that
 *   do not fit the data): that fails at once. A worker that dies (SIGKILL, machine lost) stops
 *   renewing its claim; after `stallTimeout` another worker's stall check puts the job back in the
 *   queue, and the run continues from its last checkpoint when the folder is on the same disk.
 * - Threads are kept between jobs of the same data and backend, so a sweep loads its data once per
 *   thread.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type * as BullMQ from 'bullmq';
import { fail } from '../../core/errors';
import { checkOptionKeys } from '../../core/options';
import { stableStringify } from '../../data/cache';
import { sweepRunDir } from '../sweep-grid';
import { SweepThread, type SweepThreadInit } from '../sweep-thread';
import { connectQueue } from './connection';
import { codeVersion, QUEUE_PREFIX, queueNameFor } from './ids';
import type { QueueWorkerHandle, QueueWorkerOptions, RunJobData, RunJobResult } from './types';

/** Training threads kept between jobs, at most `size` in all (idle ones of other data make room). */
class ThreadPool {
  private readonly idle: SweepThread[] = [];
  private readonly all = new Set<SweepThread>();
  private busy = 0;
  constructor(private readonly size: number) {}

  take(init: SweepThreadInit): SweepThread {
    const key = stableStringify(init);
    this.busy += 1;
    const i = this.idle.findIndex((t) => t.alive && stableStringify(t.init) === key);
    if (i >= 0) return this.idle.splice(i, 1)[0];
    while (this.idle.length > 0 && this.idle.length + this.busy > this.size) this.retire(this.idle.shift()!);
    const thread = new SweepThread(init);
    this.all.add(thread);
    return thread;
  }

  private retire(thread: SweepThread): void {
    this.all.delete(thread);
    void thread.terminate();
  }

  give(thread: SweepThread): void {
    this.busy -= 1;
    if (thread.alive) this.idle.push(thread);
    else this.retire(thread);
  }

  /** Stops every thread, running ones included (their runs end as failed). */
  async close(): Promise<void> {
    this.idle.length = 0;
    await Promise.all([...this.all].map((t) => t.terminate()));
    this.all.clear();
  }
}

function positive(fn: string, name: string, v: number | undefined, integer: boolean, min: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !(v >= min) || (integer && !Number.isInteger(v))) fail(fn, name, `must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${v}`);
}

/**
 * Starts a queue worker (see the module comment); it runs until {@link QueueWorkerHandle.close}.
 * `asl worker` closes it on SIGINT/SIGTERM, waiting for the running jobs (a second signal stops at once).
 */
export async function startQueueWorker(url: string, options: QueueWorkerOptions = {}): Promise<QueueWorkerHandle> {
  const fn = 'startQueueWorker';
  checkOptionKeys(options, ['concurrency', 'runsDir', 'stallTimeout', 'maxStalls', 'log'], fn);
  positive(fn, 'concurrency', options.concurrency, true, 1);
  positive(fn, 'stallTimeout', options.stallTimeout, false, 0.5);
  positive(fn, 'maxStalls', options.maxStalls, true, 0);
  const log = options.log ?? ((line: string) => console.log(line));
  const concurrency = options.concurrency ?? os.cpus().length;
  const stallMs = Math.round((options.stallTimeout ?? 30) * 1000);
  const runsDir = path.resolve(options.runsDir ?? path.join('runs', 'queue'));
  const version = codeVersion();
  const host = os.hostname();
  const name = `${host}:${process.pid}`;
  const conn = await connectQueue(url, fn, log);
  const pool = new ThreadPool(concurrency);
  let forced = false;

  const processor = async (job: BullMQ.Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const d = job.data;
    const id = job.id ?? '?';
    const runDir = sweepRunDir(path.join(runsDir, d.sweepId), d.run);
    log(`[${name}] started ${id} (run ${d.run}: ${job.name}), attempt ${job.attemptsStarted}`);
    const startedAt = new Date().toISOString();
    const thread = pool.take({ data: d.data, ...(d.backend ? { backend: d.backend } : {}) });
    let outcome;
    try {
      outcome = await thread.run({ index: d.run, config: d.config, outDir: runDir, resume: true, progress: true }, (p) => {
        log(`[${name}] ${id} epoch ${p.epoch}/${p.epochs}: mAP ${p.valMap.toFixed(2)}`);
        job.updateProgress({ ...p }).catch(() => undefined);
      });
    } finally {
      pool.give(thread);
    }
    // Stopped at once (close(true)): the job goes back to the queue as it was, no attempt used.
    if (forced) {
      await job.moveToWait(token);
      throw new conn.bull.WaitingError();
    }
    if (!outcome.ok) {
      const error = outcome.error ?? 'unknown error';
      const final = outcome.errorName === 'AslInputError' && !outcome.setupFailed;
      log(`[${name}] failed ${id}${final ? ' (not retried)' : ` (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`}: ${error}`);
      throw final ? new conn.bull.UnrecoverableError(error) : new Error(error);
    }
    log(`[${name}] finished ${id}: best mAP ${outcome.best?.valMap.toFixed(2)} (${outcome.seconds.toFixed(1)} s)${outcome.resumedFromEpoch ? `, resumed at epoch ${outcome.resumedFromEpoch + 1}` : ''}`);
    return {
      ok: true,
      config: outcome.recordedConfig,
      best: outcome.best!,
      history: outcome.history ?? [],
      seconds: outcome.seconds,
      backend: outcome.backend,
      host,
      worker: name,
      runDir,
      startedAt,
      finishedAt: new Date().toISOString(),
      ...(outcome.resumedFromEpoch !== undefined ? { resumedFromEpoch: outcome.resumedFromEpoch } : {}),
    };
  };

  const worker = new conn.bull.Worker<RunJobData, RunJobResult>(queueNameFor(version), processor, {
    connection: conn.duplicate(),
    prefix: QUEUE_PREFIX,
    name,
    concurrency,
    // A claim lasts stallTimeout and is renewed every half of it; stall checks run as often.
    lockDuration: stallMs,
    stalledInterval: Math.max(250, Math.round(stallMs / 2)),
    maxStalledCount: options.maxStalls ?? 2,
  });
  worker.on('error', (e) => conn.reportError(e));
  worker.on('stalled', (jobId) => log(`[${name}] ${jobId}: its worker stopped answering; back in the queue`));
  try {
    await worker.waitUntilReady();
  } catch (e) {
    await conn.close();
    throw e;
  }
  log(`[${name}] asl worker on ${conn.address.redacted}, queue ${queueNameFor(version)} (code version ${version}), ${concurrency} at a time, run folders in ${runsDir}`);

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  return {
    name,
    codeVersion: version,
    closed,
    close(force = false) {
      if (force && !forced) {
        forced = true;
        log(`[${name}] stopping now; running jobs go back to the queue`);
        void pool.close();
      }
      closing ??= (async () => {
        try {
          await worker.close();
          await pool.close();
          await conn.close();
        } finally {
          markClosed();
        }
      })();
      return closing;
    },
  };
}
