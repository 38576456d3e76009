/**
 * Runs every experiment of the book (./experiments/plan.ts `EXPERIMENTS`) before the chapters execute,
 * on both cores, so the chapters only read cached results. Run by `npm run reproduce` from the built
 * packages (the chapters' kernel uses them too, so both see the same code version and cache):
 *
 *   node packages/book/dist/run-experiments.js [--quick] [--only NAME]
 *
 * Prints one line per run and the time of each experiment; writes `<ASL_RESULTS_DIR>/experiments.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from 'asl-workbook';
import { EXPERIMENTS } from './experiments/plan';
import type { BookProfile } from './profile';

async function main(argv: string[]): Promise<number> {
  const profile: BookProfile = argv.includes('--quick') ? 'quick' : 'full';
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  process.env.ASL_PROFILE = profile;
  await initBackend();
  const log = (line: string) => process.stdout.write(`experiments: ${line}\n`);
  const times: Array<{ name: string; seconds: number }> = [];
  const start = Date.now();
  for (const e of EXPERIMENTS) {
    if (only && !e.name.includes(only)) continue;
    const t0 = Date.now();
    log(`${e.name} …`);
    await e.run(log, profile);
    const seconds = (Date.now() - t0) / 1000;
    times.push({ name: e.name, seconds });
    log(`${e.name}: ${seconds.toFixed(0)} s`);
  }
  const total = (Date.now() - start) / 1000;
  log(`all experiments (${profile}): ${total.toFixed(0)} s`);
  const dir = process.env.ASL_RESULTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'experiments.json'), JSON.stringify({ profile, total, times }, null, 2) + '\n');
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
