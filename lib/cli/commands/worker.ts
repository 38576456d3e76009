/**
 * `asl worker --queue URL`: trains the runs of queue sweeps (`asl sweep --queue URL`) on this
 * machine, each in its own thread, until SIGINT/SIGTERM (lib/train/queue/worker.ts). The first signal
 * stops taking jobs and lets the running ones finish; a second one stops them and puts their jobs
 * back in the queue.
 */
import * as os from 'node:os';
import { UsageError, type OptionSpec, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { toUsage } from '../training-options';

/** The `--queue URL` option (shared with `asl sweep`). */
export const QUEUE_OPTION: OptionSpec = {
  type: 'string',
  value: 'URL',
  description: 'a Redis URL, redis://[user:password@]host:port[/db] (rediss:// for TLS); the password may instead be in ASL_QUEUE_PASSWORD',
};

/** The checked `--queue` value (a usage error when missing or malformed). */
export function checkedQueueUrl(p: ParsedArgs, fn: string): string {
  const url = p.string('queue');
  if (!url) throw new UsageError(`${fn.replace(/^asl /, "'asl ")}' needs --queue URL (redis://host:6379)`);
  const { queueAddress } = require('../../train/queue/url') as typeof import('../../train/queue/url');
  toUsage(() => queueAddress(url, fn));
  return url;
}

export const command: CliCommand = {
  name: 'worker',
  summary: 'train the runs of queue sweeps (asl sweep --queue) taken from a Redis job queue',
  usage: 'asl worker --queue URL [--concurrency N] [--runs DIR] [--stall-timeout S]',
  options: {
    queue: QUEUE_OPTION,
    concurrency: { type: 'string', kind: 'positive-int', value: 'N', description: `runs trained at once, each in its own thread (default: CPU cores = ${os.cpus().length})` },
    runs: { type: 'string', kind: 'path', value: 'DIR', description: 'run folders on this machine: DIR/<sweep id>/run-NNN (default runs/queue)' },
    'stall-timeout': {
      type: 'string',
      kind: 'positive',
      value: 'S',
      description: "seconds after which the job of a worker that stopped answering (killed, machine lost) goes to another worker (default 30); use the same on every worker",
    },
  },
  details: [
    'Workers take only jobs of their own code version (the same build of asl-workbook as the submitter).',
    'SIGINT/SIGTERM: no new jobs, the running ones finish; a second signal stops them and puts their jobs back in the queue.',
    'Never expose Redis without a password: anyone who can reach it can run code through the queue (a dataset module).',
  ].join('\n'),
  async run(p) {
    const url = checkedQueueUrl(p, 'asl worker');
    const { startQueueWorker } = await import('../../train/queue/worker');
    const worker = await startQueueWorker(url, {
      concurrency: p.number('concurrency'),
      runsDir: p.string('runs'),
      stallTimeout: p.number('stall-timeout'),
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) {
        console.log(`[${worker.name}] ${signal}: taking no new jobs, finishing the running ones (${signal} again stops them now)`);
        void worker.close();
      } else {
        void worker.close(true);
        // Putting the jobs back needs Redis; when it cannot be reached, leave them to the stall check.
        setTimeout(() => {
          console.error(`[${worker.name}] could not stop cleanly within 5 s (is Redis reachable?); exiting, the running jobs go back to the queue after the stall timeout`);
          process.exit(1);
        }, 5000).unref();
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await worker.closed;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    console.log(`[${worker.name}] stopped`);
    return 0;
  },
};
