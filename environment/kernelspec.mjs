#!/usr/bin/env node
// Writes the workbook's Jupyter kernel spec into a folder (then installed by setup.sh with
// `jupyter kernelspec install`). The spec is tslab's own, generated with
// `tslab install --binary <absolute path to this checkout's tslab>`, renamed to "asl-workbook" and given
// the workbook's start-up: a preload that initialises the tfjs backend and quiets tfjs' banner, and
// environment variables every notebook can rely on.
//
//   node environment/kernelspec.mjs OUT_DIR [--python PATH]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [out, ...rest] = process.argv.slice(2);
if (!out) {
  console.error('usage: node environment/kernelspec.mjs OUT_DIR [--python PATH]');
  process.exit(2);
}
const pyIndex = rest.indexOf('--python');
const python = pyIndex >= 0 ? rest[pyIndex + 1] : '/usr/bin/python3';

const tslab = join(root, 'node_modules', '.bin', 'tslab');
const tmp = mkdtempSync(join(tmpdir(), 'asl-kernelspec-'));
try {
  execFileSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, `--prefix=${tmp}`], { stdio: 'pipe' });
  const spec = JSON.parse(readFileSync(join(tmp, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8'));
  spec.display_name = 'ASL Workbook (TypeScript)';
  spec.env = {
    // Every notebook starts in the same state: backend chosen, banner off (lib/backend/preload.ts).
    NODE_OPTIONS: `--require ${join(root, 'lib', 'dist', 'backend', 'preload.js')}`,
    ASL_WORKBOOK_ROOT: root,
  };
  spec.metadata = { 'asl-workbook': { root, createdBy: 'environment/kernelspec.mjs' } };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
