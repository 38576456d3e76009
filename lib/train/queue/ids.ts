/**
 * Names on the queue, all derived from content so that submitting the same sweep twice finds the
 * first submission's jobs:
 *
 * - the code version: a hash of the core's code (every compiled `.js` file of lib/dist when running
 *   the built package; the `.ts` sources of lib/ when running from them, as tests do), so runs of
 *   different code never mix;
 * - the queue: `runs-<code version>` — a worker takes only jobs of its own code version;
 * - the sweep id: `sweep-<hash>` of the code version, the configurations in order, the data and the
 *   backend;
 * - a job id: `<sweep id>.<hash of the configuration>` — BullMQ adds a job only once per id, which is
 *   what makes submitting idempotent.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stableStringify } from '../../data/cache';

/** The prefix of every key the workbook keeps in Redis. */
export const QUEUE_PREFIX = 'asl';

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function codeFiles(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : codeFiles(p, ext);
    return e.name.endsWith(ext) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

let memo: string | undefined;

/** The code version of the running core (see the module comment): 16 hex digits, computed once. */
export function codeVersion(): string {
  if (memo) return memo;
  // This file is lib/train/queue/ids.ts or lib/dist/train/queue/ids.js: the core's root is two up.
  const root = path.resolve(__dirname, '..', '..');
  const h = createHash('sha256');
  for (const file of codeFiles(root, path.extname(__filename)).sort()) {
    h.update(path.relative(root, file).split(path.sep).join('/'));
    h.update('\0');
    h.update(fs.readFileSync(file));
  }
  return (memo = h.digest('hex').slice(0, 16));
}

/** The queue the jobs of a code version go to. */
export function queueNameFor(version: string): string {
  return `runs-${version}`;
}

/** The id of a sweep: its configurations (in order), data and backend under a code version. */
export function sweepIdOf(configs: readonly unknown[], data: unknown, backend: string | undefined, version: string): string {
  return `sweep-${hash(stableStringify({ version, configs, data, backend: backend ?? null }), 16)}`;
}

/** The id of the job of one configuration of a sweep. */
export function jobIdOf(sweepId: string, config: unknown): string {
  return `${sweepId}.${hash(stableStringify(config), 12)}`;
}

/** The Redis key of a sweep's manifest. */
export function manifestKey(sweepId: string): string {
  return `${QUEUE_PREFIX}:sweep:${sweepId}`;
}

/** The Redis set of every sweep id submitted. */
export const SWEEPS_KEY = `${QUEUE_PREFIX}:sweeps`;
