/**
 * `asl sweep`: a grid of training runs (loss × hyper-parameters × seeds) in worker threads.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { DATA_HELP, datasetRefFromArgs, listFlag, numberFlag, parseTrainingArgs, stringFlag } from '../../train/cli-args';

const HELP = `asl sweep: run a grid of trainings on all cores (worker threads, one backend each)

Usage: asl sweep [options]

Grid (comma-separated lists; the product of all lists is run):
  --loss bce,focal,asl       losses by registry name (default bce,asl)
  --seed 0,1                 seeds (default 0)
  --lr 1e-3,3e-3             learning rates
  --gamma-neg 2,4            loss.params.gammaNeg (for losses that have it)
  --grid FILE                a JSON SweepSpec {"base": TrainConfig, "grid": {"path": [values]}} instead
Base configuration: --epochs N (default 2), --batch-size N, --model NAME
Run: --workers N (default: CPU cores = ${os.cpus().length}), --out DIR (default runs/sweep-<time>), --json
${DATA_HELP}

Writes DIR/results.csv, DIR/results.json and one run folder per configuration.`;

export const command: CliCommand = {
  name: 'sweep',
  summary: 'run a grid of trainings in worker threads (CSV/JSON records)',
  help: HELP,
  async run(args) {
    const p = parseTrainingArgs(args, ['json']);
    const { runSweep } = await import('../../train/sweep');
    let spec: { base: Record<string, unknown>; grid: Record<string, unknown[]> };
    if (p.flags.has('grid')) spec = JSON.parse(fs.readFileSync(stringFlag(p, 'grid')!, 'utf8'));
    else {
      const grid: Record<string, unknown[]> = {};
      grid.loss = (listFlag(p, 'loss') ?? ['bce', 'asl']).map((name) => ({ name: String(name) }));
      const gammaNeg = listFlag(p, 'gamma-neg');
      if (gammaNeg) grid['loss.params.gammaNeg'] = gammaNeg;
      const lr = listFlag(p, 'lr');
      if (lr) grid.lr = lr;
      grid.seed = listFlag(p, 'seed') ?? [0];
      spec = { base: { epochs: numberFlag(p, 'epochs') ?? 2 }, grid };
    }
    if (p.flags.has('batch-size')) spec.base.batchSize = numberFlag(p, 'batch-size');
    if (p.flags.has('model')) spec.base.model = { zoo: stringFlag(p, 'model') };
    if (p.flags.has('epochs')) spec.base.epochs = numberFlag(p, 'epochs');
    const out = stringFlag(p, 'out') ?? path.join('runs', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const data = datasetRefFromArgs(p);
    const started = Date.now();
    const result = await runSweep(spec as never, {
      data,
      workers: numberFlag(p, 'workers'),
      outDir: out,
      onResult: (r, done, total) => {
        if (!p.flags.has('json')) console.log(`[${done}/${total}] run ${r.run}: ${r.ok ? `best mAP ${Number(r.bestMap).toFixed(2)}` : `FAILED: ${r.error}`} (${r.seconds.toFixed(1)} s)`);
      },
    });
    if (p.flags.has('json')) console.log(JSON.stringify({ outDir: out, records: result.records }));
    else console.log(`sweep done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records.length} runs, ${result.failures.length} failed; ${path.join(out, 'results.csv')}`);
    return result.failures.length === result.records.length ? 1 : 0;
  },
};
