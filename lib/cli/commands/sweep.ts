/**
 * `asl sweep`: a grid of training runs (loss × hyper-parameters × seeds) in worker threads. Runs
 * already finished in `--out` (same configuration) are reused; the exit code is 1 when any run failed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOptionKeys } from '../../core/options';
import { UsageError } from '../args';
import type { CliCommand } from '../command';
import { CONFIG_OPTIONS, DATA_OPTIONS, applyConfigFlags, datasetRefFromArgs, readConfigFile, toUsage } from '../training-options';

const GRID_FLAGS = ['loss', 'loss-params', 'seed', 'lr', 'gamma-neg'];

export const command: CliCommand = {
  name: 'sweep',
  summary: 'run a grid of trainings in worker threads (CSV/JSON records; resumes in --out)',
  usage: 'asl sweep [options]',
  options: {
    ...withoutKeys(CONFIG_OPTIONS, ['loss-params']),
    loss: { type: 'string', kind: 'list', value: 'A,B,…', description: 'losses by registry name, one run each (default bce,asl)' },
    seed: { type: 'string', kind: 'list', value: 'N,…', description: 'seeds (default 0)' },
    lr: { type: 'string', kind: 'list', value: 'X,…', description: 'learning rates' },
    'gamma-neg': { type: 'string', kind: 'list', value: 'X,…', description: 'loss.params.gammaNeg (losses that have it)' },
    grid: { type: 'string', kind: 'path', value: 'FILE', description: 'a JSON SweepSpec {"base": TrainConfig, "grid": {"path": [values]}} instead of the grid flags' },
    workers: { type: 'string', kind: 'positive-int', value: 'N', description: `worker threads (default: CPU cores = ${os.cpus().length})` },
    out: { type: 'string', kind: 'path', value: 'DIR', description: 'sweep folder (default runs/sweep-<time>); finished runs in it are reused' },
    json: { type: 'boolean', description: 'print the records as JSON' },
    ...DATA_OPTIONS,
  },
  details: 'Writes DIR/results.csv, DIR/results.json and one run folder per configuration (DIR/run-NNN).\nExit code 1 when any run failed (the failures are listed).',
  async run(p) {
    const { runSweep, expandGrid } = await import('../../train/sweep');
    const { readJsonFile } = await import('../../data/json-file');
    let spec: { base: Record<string, unknown>; grid: Record<string, unknown[]> };
    if (p.has('grid')) {
      const given = GRID_FLAGS.filter((f) => p.has(f));
      if (given.length) throw new UsageError(`--grid replaces the grid flags; drop ${given.map((f) => `--${f}`).join(', ')}`);
      const file = p.string('grid')!;
      spec = toUsage(() => {
        const raw = readJsonFile(file, 'asl sweep') as { base?: Record<string, unknown>; grid?: Record<string, unknown[]> };
        checkOptionKeys(raw, ['base', 'grid'], 'asl sweep', `${file}: `);
        return { base: raw.base ?? {}, grid: raw.grid ?? {} };
      });
      // Flags of the base configuration override the file's base.
      spec.base = applyConfigFlags(p, spec.base, new Set(GRID_FLAGS));
    } else {
      const grid: Record<string, unknown[]> = {};
      grid.loss = (p.list('loss') ?? ['bce', 'asl']).map((name) => ({ name: String(name) }));
      const gammaNeg = p.list('gamma-neg');
      if (gammaNeg) grid['loss.params.gammaNeg'] = gammaNeg;
      const lr = p.list('lr');
      if (lr) grid.lr = lr;
      grid.seed = p.list('seed') ?? [0];
      const fileBase = p.has('config') ? readConfigFile(p.string('config')!, 'asl sweep') : { epochs: 2 };
      spec = { base: applyConfigFlags(p, fileBase, new Set(GRID_FLAGS)), grid };
    }
    // Every configuration (losses and parameters included) is checked before anything runs.
    const runs = toUsage(() => expandGrid(spec as never));
    const { createLoss } = await import('../../losses/registry');
    toUsage(() => runs.forEach((r) => createLoss(r.config.loss ?? 'asl')));
    const out = p.string('out') ?? path.join('runs', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const data = datasetRefFromArgs(p);
    const started = Date.now();
    const json = p.flag('json');
    const result = await runSweep(spec as never, {
      data,
      workers: p.number('workers'),
      outDir: out,
      onResult: (r, done, total) => {
        if (json) return;
        const what = r.ok ? `best mAP ${Number(r.bestMap).toFixed(2)}${r.reused ? ' (reused)' : ''}` : `FAILED: ${r.error}`;
        console.log(`[${done}/${total}] run ${r.run}: ${what} (${r.seconds.toFixed(1)} s)`);
      },
    });
    const reused = result.records.filter((r) => r.reused).length;
    if (json) console.log(JSON.stringify({ outDir: out, records: result.records }));
    else console.log(`sweep done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records.length} runs (${reused} reused), ${result.failures.length} failed; ${path.join(out, 'results.csv')}`);
    if (result.failures.length) {
      console.error(`asl sweep: ${result.failures.length} of ${result.records.length} runs failed: ${result.failures.map((f) => `run ${f.run} (${f.error})`).join('; ')}`);
      return 1;
    }
    return 0;
  },
};

function withoutKeys<T extends object>(o: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as T;
}
