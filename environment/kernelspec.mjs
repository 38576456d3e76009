#!/usr/bin/env node
// Writes the workbook's Jupyter kernel spec into a folder (then installed by setup.sh with
// `jupyter kernelspec install`). The kernel is the workbook's own, `asl-kernel` (lib/kernel, built on
// tslab's compiler and executor): argv holds absolute paths to this checkout's Node.js and
// lib/dist/kernel/main.js, so it works whatever PATH the notebook front end has. The kernel
// initialises the tfjs backend and quiets tfjs' banner itself (lib/backend) before the first cell.
// Interrupts are signals (SIGINT), which also stop synchronous loops.
//
//   node environment/kernelspec.mjs OUT_DIR [--python PATH] [--name NAME] [--display-name TEXT]
//
// --python is accepted for compatibility with setup.sh (the spec itself does not depend on Python);
// --name / --display-name let tests register a private copy.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [out, ...rest] = process.argv.slice(2);
if (!out) {
  console.error('usage: node environment/kernelspec.mjs OUT_DIR [--python PATH] [--name NAME] [--display-name TEXT]');
  process.exit(2);
}
const option = (flag, fallback) => {
  const i = rest.indexOf(flag);
  return i >= 0 && rest[i + 1] !== undefined ? rest[i + 1] : fallback;
};
const name = option('--name', 'asl-workbook');
const kernelMain = join(root, 'lib', 'dist', 'kernel', 'main.js');
if (!existsSync(kernelMain)) {
  console.error(`kernelspec: ${kernelMain} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const spec = {
  argv: [process.execPath, kernelMain, '--connection-file', '{connection_file}'],
  display_name: option('--display-name', 'ASL Workbook (TypeScript)'),
  language: 'typescript',
  interrupt_mode: 'signal',
  env: {
    ASL_WORKBOOK_ROOT: root,
  },
  metadata: { 'asl-workbook': { root, name, createdBy: 'environment/kernelspec.mjs' } },
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
