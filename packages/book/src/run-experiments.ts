/**
 * Runs every experiment of the book (./experiments/plan.ts `EXPERIMENTS`) before the chapters execute,
 * on both cores, so the chapters only read cached results. Run by `npm run reproduce` from the built
 * packages (the chapters' kernel uses them too, so both see the same code version and cache):
 *
 *   node packages/book/dist/run-experiments.js [--quick] [--only NAME] [--jobs N]
 *
 * `--jobs` experiments run side by side (default 2): each already trains on every core, but each also
 * has stretches where it cannot (a learning-rate search waiting on its last run, a comparison's last
 * seeds), and the other one fills them. An experiment that needs another one's result waits for that
 * one computation (`cachedRun` shares it), so the order of `EXPERIMENTS` only matters for speed.
 * Prints one line per run and the time of each experiment; writes `<ASL_RESULTS_DIR>/experiments.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from 'asl-workbook';
import { mapConcurrent } from './concurrent';
import { EXPERIMENTS } from './experiments/plan';
import type { BookProfile } from './profile';

async function main(argv: string[]): Promise<number> {
  const profile: BookProfile = argv.includes('--quick') ? 'quick' : 'full';
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const jobsAt = argv.indexOf('--jobs');
  const jobs = jobsAt >= 0 ? Number(argv[jobsAt + 1]) : 2;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer (got ${jobsAt >= 0 ? argv[jobsAt + 1] : ''})`);
  process.env.ASL_PROFILE = profile;
  await initBackend();
  const log = (line: string) => process.stdout.write(`experiments: ${line}\n`);
  const chosen = EXPERIMENTS.filter((e) => !only || e.name.includes(only));
  const start = Date.now();
  const times = await mapConcurrent(chosen, jobs, async (e) => {
    const t0 = Date.now();
    log(`${e.name} …`);
    await e.run(log, profile);
    const seconds = (Date.now() - t0) / 1000;
    log(`${e.name}: ${seconds.toFixed(0)} s`);
    return { name: e.name, seconds };
  });
  const total = (Date.now() - start) / 1000;
  log(`all experiments (${profile}, ${jobs} at a time): ${total.toFixed(0)} s`);
  const dir = process.env.ASL_RESULTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'experiments.json'), JSON.stringify({ profile, jobs, total, times }, null, 2) + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`experiments: FAILED: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
