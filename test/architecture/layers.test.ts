/**
 * The layer check (`npm run check:layers`, dependency-cruiser with .dependency-cruiser.cjs) passes on
 * the repository and fails on a wrong-way import — shown here on a scratch tree with the same rules.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

function cruise(cwd: string, dirs: string[]): { status: number | null; out: string } {
  const r = spawnSync(depcruise, [...dirs, '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('import layers', () => {
  test('a wrong-way import (core → train), a core import of the notebook package and a circle are each reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-layers-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('tsconfig.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { 'asl-workbook-notebook': ['packages/notebook/src/index.ts'] } } }));
    write('lib/core/wrong.ts', "import { fit } from '../train/fit';\nexport const x = fit;\n");
    write('lib/train/fit.ts', 'export const fit = 1;\n');
    write('lib/data/show.ts', "import { show } from 'asl-workbook-notebook';\nexport const y = show;\n");
    write('packages/notebook/src/index.ts', 'export const show = 2;\n');
    write('lib/losses/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('lib/losses/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    const r = cruise(dir, ['lib', 'packages']);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /core-layer-core: lib\/core\/wrong\.ts → lib\/train\/fit\.ts/);
    assert.match(r.out, /core-is-the-bottom-package: lib\/data\/show\.ts → packages\/notebook\/src\/index\.ts/);
    assert.match(r.out, /no-circular/);
  });

  test('the repository follows its layers', { skip: !fs.existsSync(depcruise) && 'dependency-cruiser is not installed' }, () => {
    const r = cruise(root, ['lib', 'packages/notebook/src', 'packages/book/src']);
    assert.equal(r.status, 0, r.out);
  });
});
