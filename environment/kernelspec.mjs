#!/usr/bin/env node
// Writes the workbook's Jupyter kernel spec into a folder (then installed by setup.sh with
// `jupyter kernelspec install`). The spec is the notebook package's own (packages/notebook,
// src/kernel/install.ts — what `npx asl-kernel install` writes for anyone who installs the package):
// argv holds absolute paths to this checkout's Node.js and packages/notebook/dist/kernel/main.js, so
// it works whatever PATH the notebook front end has; NODE_PATH points at the checkout's node_modules.
// The kernel initialises the tfjs backend and quiets tfjs' banner itself before the first cell.
// Interrupts are signals (SIGINT), which also stop synchronous loops.
//
//   node environment/kernelspec.mjs OUT_DIR [--python PATH] [--name NAME] [--display-name TEXT]
//
// --python is accepted for compatibility with setup.sh (the spec itself does not depend on Python);
// --name / --display-name let tests register a private copy.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
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
const install = join(root, 'packages', 'notebook', 'dist', 'kernel', 'install.js');
if (!existsSync(install)) {
  console.error(`kernelspec: ${install} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const { writeKernelSpec } = createRequire(import.meta.url)(install);
// OUT_DIR is the spec folder itself (…/asl-workbook): write into its parent under its name.
writeKernelSpec(dirname(resolve(out)), {
  name: basename(resolve(out)),
  displayName: option('--display-name', 'ASL Workbook (TypeScript)'),
  env: { ASL_WORKBOOK_ROOT: root, NODE_PATH: join(root, 'node_modules') },
});
