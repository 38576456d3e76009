/**
 * A user's loss in a module file reaches other processes and worker threads (sweeps) by a spec
 * `{ name, module }`: no registry entry, no environment variable.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, createLoss, listLosses } from '../../lib';
import { assertClose, setupBackend, values } from '../helpers';

// The package entry ('../../lib' → lib/package.json main, the built library), so the module and the
// worker share one build.
const LIB = require.resolve('../../lib');
const TFJS = require.resolve('@tensorflow/tfjs');

before(setupBackend);

describe('a loss from a module: { name, module }', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asl-loss-module-'));
  const file = join(dir, 'my-losses.js');
  writeFileSync(
    file,
    `const tf = require(${JSON.stringify(TFJS)});
const { defineLoss, param } = require(${JSON.stringify(LIB)});
exports.moduleLinear = defineLoss({
  name: 'module-linear',
  description: 'test prototype: ℓ = 1 − p for positives, a·p for negatives',
  params: { a: param.number(2, 'negative slope', { min: 0, max: 10 }) },
  positive: ({ p }) => tf.sub(1, p),
  negative: ({ p }, { a }) => tf.mul(a, p),
});
`,
  );

  test('createLoss loads the module and finds the loss by name, without registering it', () => {
    const loss = createLoss({ name: 'module-linear', module: file, params: { a: 3 } });
    const z = tf.tensor2d([[0, 2]]);
    const y = tf.tensor2d([[1, 0]]);
    const p2 = 1 / (1 + Math.exp(-2));
    assertClose(values(loss.call(z, y, { reduction: 'none' })), [0.5, 3 * p2], 1e-6);
    tf.dispose([z, y]);
    assert.ok(!listLosses().includes('module-linear'), 'not in the registry');
  });

  test('a worker thread creates it from the same spec (as the sweep workers do)', async () => {
    const spec = { name: 'module-linear', module: file, params: { a: 3 } };
    const params = await new Promise<unknown>((ok, fail) => {
      const w = new Worker(
        `const { parentPort } = require('node:worker_threads');
         const lib = require(${JSON.stringify(LIB)});
         parentPort.postMessage(lib.createLoss(${JSON.stringify(spec)}).params);`,
        { eval: true },
      );
      w.once('message', (m) => {
        ok(m);
        void w.terminate();
      });
      w.once('error', fail);
    });
    assert.deepEqual(params, { a: 3, reduction: 'mean' });
  });

  test('a bad module or a missing name is an AslInputError naming the module', () => {
    assert.throws(() => createLoss({ name: 'x', module: join(dir, 'missing.js') }), (e: unknown) => e instanceof AslInputError && /missing\.js could not be loaded/.test((e as Error).message));
    assert.throws(() => createLoss({ name: 'nope', module: file }), /exports no loss named 'nope' \(exports: moduleLinear\)/);
    assert.throws(() => createLoss({ name: 'asl', modul: file } as never), /unknown option 'loss\.modul' \(did you mean 'module'/);
  });
});
