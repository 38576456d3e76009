import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../lib/core/tf';
import { BACKEND_ORDER, describeBackend, initBackend, requestedBackend } from '../../lib/index';

test('requestedBackend(env) reads ASL_BACKEND and rejects unknown values', () => {
  assert.equal(requestedBackend({}), undefined);
  assert.equal(requestedBackend({ ASL_BACKEND: ' wasm ' }), 'wasm');
  assert.throws(() => requestedBackend({ ASL_BACKEND: 'tpu' }), /ASL_BACKEND=tpu is not a backend; use one of node-gpu, node, wasm, cpu, webgpu/);
});

test('the default order is node-gpu, node, wasm, cpu (webgpu only on request)', () => {
  assert.deepEqual([...BACKEND_ORDER], ['node-gpu', 'node', 'wasm', 'cpu']);
});

test('initBackend() picks the first candidate that works and reports why the others were skipped', async () => {
  const choice = await initBackend({ reinit: true });
  assert.equal(tf.getBackend(), choice.backend);
  assert.equal(choice.forced, false);
  const firstOk = choice.attempts.findIndex((a) => a.ok);
  assert.equal(firstOk, choice.attempts.length - 1, 'stops at the first success');
  assert.equal(choice.attempts[firstOk].candidate, choice.candidate);
  // Here (no native binding) the danfo alias must not be taken for tfjs-node.
  const node = choice.attempts.find((a) => a.candidate === 'node');
  if (node && !node.ok) assert.match(node.detail, /not installed|alias/);
  assert.match(describeBackend(choice), new RegExp(`backend ${choice.backend}: `));
});

test('initBackend({ backend }) forces one, and the choice says so', async () => {
  const choice = await initBackend({ backend: 'cpu' });
  assert.equal(choice.backend, 'cpu');
  assert.equal(choice.forced, true);
  assert.match(choice.reason, /forced by the backend option/);
  await initBackend({ reinit: true });
});

test('the cpu backend never prints the "install our node backend" banner', async () => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  try {
    await initBackend({ backend: 'cpu' });
    tf.tensor([1, 2, 3]).dispose();
  } finally {
    console.warn = original;
    await initBackend({ reinit: true });
  }
  assert.ok(!warnings.some((w) => /tfjs-node/.test(w)), warnings.join('\n'));
});
