/** Prototype losses in a module: loadLossModule registers them here and in worker threads (sweeps). */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, createLoss, listLosses, loadLossModule, lossModulePaths } from '../../lib';
import { assertClose, setupBackend, values } from '../helpers';

// The package entry the test imports ('../../lib' → lib/package.json main), so the module and the
// worker share this build's registry.
const LIB = require.resolve('../../lib');
const TFJS = require.resolve('@tensorflow/tfjs');

before(setupBackend);

describe('loadLossModule(file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asl-loss-module-'));
  const file = join(dir, 'my-losses.js');
  writeFileSync(
    file,
    `const tf = require(${JSON.stringify(TFJS)});
const { defineLoss } = require(${JSON.stringify(LIB)});
defineLoss({
  name: 'module-linear',
  description: 'test prototype: ℓ = 1 − p for positives, a·p for negatives',
  params: { a: { default: 2, min: 0, max: 10, description: 'negative slope' } },
  positive: ({ p }) => tf.sub(1, p),
  negative: ({ p }, { a }) => tf.mul(a, p),
});
`,
  );

  test('registers the module losses, returns their names, records the path for workers', () => {
    const added = loadLossModule(file);
    assert.deepEqual(added, ['module-linear']);
    assert.ok(listLosses().includes('module-linear'));
    assert.ok(lossModulePaths().includes(resolve(file)));
    const z = tf.tensor2d([[0, 2]]);
    const y = tf.tensor2d([[1, 0]]);
    const p2 = 1 / (1 + Math.exp(-2));
    assertClose(values(createLoss('module-linear', { a: 3 }).call(z, y, { reduction: 'none' })), [0.5, 3 * p2], 1e-6);
    tf.dispose([z, y]);
    assert.deepEqual(loadLossModule(file), [], 'loading twice adds nothing');
  });

  test('a worker thread started afterwards sees the loss (as the sweep workers do)', async () => {
    const names = await new Promise<string[]>((ok, fail) => {
      const w = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage(require(${JSON.stringify(LIB)}).listLosses());`, {
        eval: true,
      });
      w.once('message', (m) => {
        ok(m as string[]);
        void w.terminate();
      });
      w.once('error', fail);
    });
    assert.ok(names.includes('module-linear'), names.join(', '));
    assert.ok(names.includes('asl'));
  });

  test('bad paths throw AslInputError', () => {
    assert.throws(() => loadLossModule(''), AslInputError);
    assert.throws(() => loadLossModule(join(dir, 'missing.js')), /loadLossModule: argument 'file' could not be loaded/);
  });
});
