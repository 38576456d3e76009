/**
 * The types of queue sweeps (no BullMQ types here: the public declarations stay free of the queue
 * packages, which load only when a queue is used).
 */
import type { DatasetRef } from '../../data/dataset-ref';
import type { TrainConfig } from '../config';
import type { EpochRecord } from '../events';
import type { EpochProgress } from '../sweep-thread';
import type { BestEpoch } from '../train-state';

/** How {@link runSweep} / {@link submitSweep} use the queue. */
export interface QueueSweepOptions {
  /** `redis://[user:password@]host:port[/db]` (`rediss://` for TLS); the password may instead be in `ASL_QUEUE_PASSWORD`. */
  url: string;
  /** How many times a worker tries a run before it is recorded as failed (default 2; for the jobs this submission adds; a worker that dies does not count, see `QueueWorkerOptions.maxStalls`). */
  attempts?: number;
  /** Run again the configurations that failed in an earlier submission of this sweep (default false: failures are final). */
  retryFailed?: boolean;
  /** Called once the jobs are on the queue (the sweep id, what was added, what an earlier submission left). */
  onSubmitted?: (submitted: SubmittedSweep) => void;
  /** Called when the counts change while waiting. */
  onProgress?: (progress: SweepProgress) => void;
  /** The longest wait between two looks at the queue, in milliseconds (default 2000; events wake it sooner). */
  pollMs?: number;
}

/** Where a sweep stands. */
export interface SweepProgress {
  sweepId: string;
  total: number;
  /** Waiting for a worker (or for a retry). */
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** Workers connected to the sweep's queue. */
  workers: number;
  /** Seconds until every run is finished, estimated from the finished runs (undefined before the first). */
  etaSeconds?: number;
}

/** The state of one run on the queue (`missing`: its job was removed from Redis). */
export type QueueRunState = 'queued' | 'running' | 'done' | 'failed' | 'missing';

/** One run of a queue sweep, as `asl sweep status` shows it. */
export interface QueueRunStatus {
  run: number;
  name: string;
  /** The varied parameters (as in the records). */
  params: Record<string, unknown>;
  jobId: string;
  state: QueueRunState;
  /** How many times a worker started it. */
  attempts: number;
  /** The worker (`host:pid`) that runs or ran it last. */
  worker?: string;
  /** The last epoch reported by a running run. */
  progress?: EpochProgress;
  bestMap?: number;
  seconds?: number;
  error?: string;
}

/** `asl sweep status`: the counts and every run. */
export interface SweepStatus extends SweepProgress {
  /** The queue's URL without its password. */
  queue: string;
  codeVersion: string;
  /** When the sweep was first submitted (ISO time). */
  created: string;
  runs: QueueRunStatus[];
}

/** What submitting a sweep did. */
export interface SubmittedSweep {
  sweepId: string;
  codeVersion: string;
  total: number;
  /** Jobs added now (configurations not on the queue yet). */
  enqueued: number;
  /** Runs finished by an earlier submission (their records are gathered, they do not run again). */
  finished: number;
  /** Runs that failed in an earlier submission and stay failed (see `retryFailed`). */
  failed: number;
  /** Failed runs queued again (`retryFailed`). */
  retried: number;
  /** Runs queued or running from an earlier submission. */
  pending: number;
}

/** What a queue job carries: one configuration of a sweep. */
export interface RunJobData {
  sweepId: string;
  run: number;
  config: TrainConfig;
  data: DatasetRef;
  backend?: string;
}

/** What a worker returns for a finished run (the job's return value). */
export interface RunJobResult {
  ok: true;
  /** The configuration as the run folder records it. */
  config: unknown;
  best: BestEpoch;
  /** The metrics of every epoch (non-finite numbers are `null` once stored). */
  history: EpochRecord[];
  seconds: number;
  backend?: string;
  host: string;
  /** `host:pid` of the worker process. */
  worker: string;
  /** The run folder (checkpoints, metrics) on `host`. */
  runDir: string;
  startedAt: string;
  finishedAt: string;
  /** The epoch a retried run continued from (its folder had a checkpoint). */
  resumedFromEpoch?: number;
}

/** What Redis keeps about a sweep (key `asl:sweep:<id>`): enough to report and gather without the spec. */
export interface SweepManifest {
  sweepId: string;
  codeVersion: string;
  queueName: string;
  created: string;
  data: DatasetRef;
  backend?: string;
  attempts: number;
  runs: { run: number; jobId: string; name: string; params: Record<string, unknown>; config: TrainConfig }[];
}

/** `asl worker`'s options (see {@link startQueueWorker}). */
export interface QueueWorkerOptions {
  /** Runs trained at once, each in its own thread (default: the number of CPU cores). */
  concurrency?: number;
  /** Where run folders go on this machine: `<runsDir>/<sweep id>/run-NNN` (default `runs/queue`). */
  runsDir?: string;
  /**
   * Seconds after which a run whose worker stopped answering (killed, machine lost) goes back to
   * the queue for another worker (default 30). The worker renews its claim every half of it.
   */
  stallTimeout?: number;
  /** How many times a run may lose its worker before it is recorded as failed (default 2). */
  maxStalls?: number;
  /** Where the worker's lines go (default `console.log`). */
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorkerHandle {
  /** `host:pid`. */
  readonly name: string;
  readonly codeVersion: string;
  /** Stops taking jobs and waits for the running ones; with `force`, stops them and puts their jobs back in the queue. */
  close(force?: boolean): Promise<void>;
  /** Resolves when the worker has closed. */
  readonly closed: Promise<void>;
}
