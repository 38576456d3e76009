#!/usr/bin/env node
// Installs the published packages as a stranger would and uses them (`npm run test:install`, part of
// `npm test`): packs asl-workbook and asl-workbook-notebook with `npm pack`, installs the core tarball
// into a fresh project OUTSIDE the repository with no overrides (npm adds the tfjs peers), checks what
// came with it (size, no notebook or book dependencies), and runs there a CommonJS script, an ES module
// script and a strictly type-checked TypeScript file that train a tiny model with ASL and compute mAP.
// Then it installs the notebook tarball beside it, registers the kernel with `npx asl-kernel install
// --prefix DIR`, and runs a cell in that kernel through jupyter_client (when a Python with
// jupyter_client is available; CI has one).
//
//   node test/install/check-install.mjs [--keep]    (--keep leaves the scratch folder for inspection)
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const MAX_MB = 250;
const FORBIDDEN = ['tslab', 'zeromq', 'plotly.js-dist', 'plotly.js-dist-min', 'danfojs-node', 'arquero', 'playwright-core', 'webgpu', '@tensorflow/tfjs-backend-webgpu', 'asl-workbook-book', 'typescript'];
const started = Date.now();
const log = (s) => console.log(`install-check: ${s}`);
const fail = (s) => {
  console.error(`install-check: FAILED: ${s}`);
  process.exit(1);
};
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} (exit ${r.status})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
};

function duBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-install-'));
const project = path.join(scratch, 'project');
fs.mkdirSync(project);
try {
  log(`packing into ${scratch}`);
  const packed = JSON.parse(run('npm', ['pack', '-w', 'asl-workbook', '-w', 'asl-workbook-notebook', '--pack-destination', scratch, '--json'], { cwd: root }));
  const tarball = (name) => path.join(scratch, packed.find((p) => p.name === name).filename);
  for (const p of packed) {
    const files = p.files.map((f) => f.path);
    for (const must of ['package.json', 'README.md', 'LICENSE']) if (!files.includes(must)) fail(`${p.name}: the tarball has no ${must}`);
    if (files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) fail(`${p.name}: TypeScript sources in the tarball`);
    log(`${p.name}: ${p.files.length} files, ${(p.size / 1e3).toFixed(0)} kB packed, ${(p.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
  }

  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'stranger', version: '1.0.0', private: true }, null, 2));
  log('npm install <core tarball> (no overrides)');
  let t0 = Date.now();
  run('npm', ['install', tarball('asl-workbook'), '--no-audit', '--no-fund'], { cwd: project });
  const modules = path.join(project, 'node_modules');
  const mb = duBytes(modules) / 1e6;
  const packages = fs.readdirSync(modules).flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(modules, n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n]));
  log(`core installed in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${packages.length} packages, node_modules ${mb.toFixed(0)} MB`);
  const brought = FORBIDDEN.filter((n) => packages.includes(n));
  if (brought.length) fail(`the core brought ${brought.join(', ')}`);
  if (mb > MAX_MB) fail(`node_modules is ${mb.toFixed(0)} MB, more than ${MAX_MB} MB`);
  if (!packages.includes('@tensorflow/tfjs-core') || !packages.includes('@tensorflow/tfjs-layers')) fail('npm did not add the tfjs peers');

  const body = (imports) => `${imports}
const rows = 64, classes = 5, features = 12;
const inputs = new Float32Array(rows * features).map((_, i) => Math.sin(i * 12.9898) * 0.5);
const targets = new Uint8Array(rows * classes).map((_, i) => (inputs[(i * 7) % inputs.length] > 0 ? 1 : 0));
const make = (name) => new InMemoryDataset({ name, classNames: ['a', 'b', 'c', 'd', 'e'], inputShape: [features], inputs, targets });
`;
  const cjs = `${body("const { initBackend, trainModel, asymmetricLoss, meanAveragePrecision, InMemoryDataset } = require('asl-workbook');")}
(async () => {
  const backend = await initBackend();
  const r = await trainModel({ loss: 'asl', model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 1, batchSize: 16 }, { data: { train: make('train'), val: make('val') }, progress: 'none', keepModel: false });
  const value = asymmetricLoss([[1, -2]], [[1, 0]]).dataSync()[0];
  const mAP = meanAveragePrecision([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [0, 1]]);
  console.log(JSON.stringify({ backend: backend.backend, best: r.best.valMap, value, mAP }));
})().catch((e) => { console.error(e); process.exit(1); });
`;
  const esm = `${body("import { initBackend, trainModel, asymmetricLoss, meanAveragePrecision, InMemoryDataset } from 'asl-workbook';")}
await initBackend();
const r = await trainModel({ loss: 'asl', model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 1, batchSize: 16 }, { data: { train: make('train'), val: make('val') }, progress: 'none', keepModel: false });
console.log(JSON.stringify({ best: r.best.valMap, value: asymmetricLoss([[1, -2]], [[1, 0]]).dataSync()[0], mAP: meanAveragePrecision([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [0, 1]]) }));
`;
  const ts = `import { initBackend, trainModel, asymmetricLoss, defineLoss, param, meanAveragePrecision, InMemoryDataset, type TrainConfig } from 'asl-workbook';
import * as tf from '@tensorflow/tfjs-core';
const rows = 64, classes = 5, features = 12;
const inputs = new Float32Array(rows * features).map((_, i) => Math.sin(i * 12.9898) * 0.5);
const targets = new Uint8Array(rows * classes).map((_, i) => (inputs[(i * 7) % inputs.length] > 0 ? 1 : 0));
const make = (name: string) => new InMemoryDataset({ name, classNames: ['a', 'b', 'c', 'd', 'e'], inputShape: [features], inputs, targets });
const mine = defineLoss({
  name: 'mine',
  params: { gammaNeg: param.number(2, 'γ−', { min: 0 }) },
  positive: ({ logP }) => tf.neg(logP),
  negative: ({ p, log1mP }, { gammaNeg }) => tf.neg(tf.mul(tf.pow(p, gammaNeg), log1mP)),
});
const config: TrainConfig = { loss: mine, model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 1, batchSize: 16 };
async function main(): Promise<void> {
  await initBackend();
  const r = await trainModel(config, { data: { train: make('train'), val: make('val') }, progress: 'none', keepModel: false });
  const v: tf.Tensor = asymmetricLoss([[1, -2]], [[1, 0]], { gammaNeg: 2, implementation: 'autodiff' });
  const mAP: number = meanAveragePrecision([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [0, 1]]);
  console.log(JSON.stringify({ best: r.best.valMap, value: v.dataSync()[0], mAP }));
}
void main();
`;
  fs.writeFileSync(path.join(project, 'train.cjs'), cjs);
  fs.writeFileSync(path.join(project, 'train.mjs'), esm);
  fs.mkdirSync(path.join(project, 'src'));
  fs.writeFileSync(path.join(project, 'src', 'train.ts'), ts);
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node10', strict: true, noImplicitAny: true, skipLibCheck: true, outDir: 'out', types: [] }, include: ['src'] }, null, 2),
  );
  for (const [what, file] of [['CommonJS', 'train.cjs'], ['ES module', 'train.mjs']]) {
    t0 = Date.now();
    const out = run(process.execPath, [file], { cwd: project });
    const result = JSON.parse(out.trim().split('\n').pop());
    if (!(result.best >= 0 && Number.isFinite(result.value) && Math.abs(result.mAP - 100) < 1e-3)) fail(`${what} script gave ${out}`);
    log(`${what} script: trained, best mAP ${result.best.toFixed(1)}, ASL ${result.value.toFixed(4)}, mAP ${result.mAP} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  t0 = Date.now();
  // The repository's TypeScript compiler, run in the stranger's project: strict type-check and emit.
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project });
  const tsOut = JSON.parse(run(process.execPath, [path.join('out', 'train.js')], { cwd: project }).trim().split('\n').pop());
  if (!(tsOut.best >= 0 && Number.isFinite(tsOut.value))) fail(`TypeScript script gave ${JSON.stringify(tsOut)}`);
  log(`TypeScript (strict) file: type-checked and ran, best mAP ${tsOut.best.toFixed(1)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  log('npm install <notebook tarball> beside it');
  t0 = Date.now();
  run('npm', ['install', tarball('asl-workbook-notebook'), '--no-audit', '--no-fund'], { cwd: project });
  log(`notebook package installed in ${((Date.now() - t0) / 1000).toFixed(0)} s; node_modules now ${(duBytes(modules) / 1e6).toFixed(0)} MB`);
  const prefix = path.join(scratch, 'jupyter');
  const installed = run('npx', ['--no-install', 'asl-kernel', 'install', '--prefix', prefix], { cwd: project });
  const spec = JSON.parse(fs.readFileSync(path.join(prefix, 'share', 'jupyter', 'kernels', 'asl-workbook', 'kernel.json'), 'utf8'));
  if (!spec.argv[1].startsWith(modules)) fail(`the kernel spec runs ${spec.argv[1]}, not the installed package`);
  log(installed.trim());
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import jupyter_client'], { stdio: 'ignore' }).status === 0);
  if (!python) {
    if (process.env.CI) fail('no Python with jupyter_client (CI installs it from environment/debian-packages.txt)');
    log('no Python with jupyter_client here: the kernel spec was written but no cell was run');
  } else {
    // A notebook folder elsewhere: the kernel resolves the packages installed beside it.
    const elsewhere = path.join(scratch, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const cell = "import { asymmetricLoss } from 'asl-workbook';\\nasymmetricLoss([[1, -2]], [[1, 0]]).dataSync()[0].toFixed(4)";
    const script = `
import json, sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name='asl-workbook', cwd=${JSON.stringify(elsewhere)})
try:
    reply = kc.execute_interactive("${cell}", timeout=120, output_hook=lambda m: (m['msg_type'] == 'execute_result' and print(json.dumps(m['content']['data']['text/plain']))))
    print(json.dumps(reply['content']['status']))
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
`;
    const out = run(python, ['-c', script], { cwd: elsewhere, env: { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') } });
    if (!/"ok"/.test(out) || !/0\.313/.test(out)) fail(`the installed kernel did not run the cell: ${out}`);
    log(`installed kernel ran a cell in a folder outside the project: ${out.trim().split('\n').join(' ')}`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  if (keep) log(`kept ${scratch}`);
  else fs.rmSync(scratch, { recursive: true, force: true });
}
