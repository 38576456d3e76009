#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [substring filter…]
// The tests' temporary folders go to one folder per run (TMPDIR), removed when every test passed and
// kept (its path printed) when one failed or ASL_KEEP_TEST_TMP=1, so `npm test` leaves nothing in /tmp.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'asl-tests-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ASL_QUIET: '1', TMPDIR: scratch, TMP: scratch, TEMP: scratch } },
);
const status = result.status ?? 1;
if (status === 0 && process.env.ASL_KEEP_TEST_TMP !== '1') rmSync(scratch, { recursive: true, force: true });
else console.error(`run-tests: the tests' temporary files are in ${scratch}`);
process.exit(status);
