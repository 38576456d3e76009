#!/usr/bin/env node
// Runs the kernel's Python test modules against the workbook kernel: test/kernel/test_jupyter_kernel.py
// (Jupyter's kernel test suite, jupyter_kernel_test, plus the kernel's own checks) and
// test/kernel/test_kernel_protocol.py (comms, widgets in both protocols, stdin, signature schemes,
// notebooks outside the checkout, figure renderer sizes). Needs the built notebook package
// (packages/notebook/dist/kernel) and a Python with jupyter_client, jupyter_kernel_test and nbclient
// (Debian: python3-jupyter-kernel-test, python3-nbclient), tried in this order: $ASL_PYTHON,
// /usr/bin/python3, python3.
//
//   node test/kernel/run-kernel-tests.mjs [unittest arguments, e.g. -k interrupt]
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(join(root, 'packages', 'notebook', 'dist', 'kernel', 'main.js'))) {
  console.error('test:kernel: packages/notebook/dist/kernel/main.js is missing; run `npm run build` first');
  process.exit(1);
}
const candidates = [process.env.ASL_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
const python = candidates.find(
  (p) => spawnSync(p, ['-c', 'import jupyter_client, jupyter_kernel_test'], { stdio: 'ignore' }).status === 0,
);
if (!python) {
  console.error(
    'test:kernel: no Python with jupyter_client and jupyter_kernel_test found (tried ' +
      candidates.join(', ') +
      ').\nInstall it: sudo apt-get install -y python3-jupyter-kernel-test (see environment/debian-packages.txt)',
  );
  process.exit(1);
}
let failed = 0;
for (const module of ['test_jupyter_kernel.py', 'test_kernel_protocol.py']) {
  const result = spawnSync(python, ['-X', 'frozen_modules=off', join(root, 'test', 'kernel', module), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ASL_NODE: process.execPath, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  // unittest exits 5 when `-k` selected nothing in a module.
  if (result.status !== 0 && result.status !== 5) failed++;
}
process.exit(failed ? 1 : 0);
