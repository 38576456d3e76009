import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { asymmetricLoss, gradientShare } from '../../lib/index';
import { assertClose, assertNoLeak, setupBackend } from '../helpers';

before(setupBackend);

const bce = (z: tf.Tensor, y: tf.Tensor) => asymmetricLoss(z, y, { gammaNeg: 0, gammaPos: 0, clip: 0 });
const Z = [[-2, 0.5, 1, -1], [3, -0.2, 0, -4]];
const Y = [[1, 0, 0, 0], [1, 0, 0, 1]];
const sig = (z: number) => 1 / (1 + Math.exp(-z));

test('gradientShare(logits, targets, bce) equals the closed form |p − y| split by label', () => {
  let pos = 0;
  let neg = 0;
  Z.flat().forEach((z, i) => {
    const y = Y.flat()[i];
    const g = Math.abs(sig(z) - y);
    if (y) pos += g;
    else neg += g;
  });
  const s = gradientShare(Z, Y, bce);
  assertClose([s.positive, s.negative, s.negativeShare], [pos, neg, neg / (pos + neg)], 1e-5);
  assert.deepEqual([s.positives, s.negatives], [3, 5]);
});

test('gradientShare(..., mask) leaves unknown labels out of both sums', () => {
  const mask = [[1, 0, 1, 1], [1, 1, 1, 0]];
  const full = gradientShare(Z, Y, bce);
  const masked = gradientShare(Z, Y, bce, mask);
  const g01 = sig(0.5);
  const g13 = Math.abs(sig(-4) - 1);
  assertClose([masked.negative, masked.positive], [full.negative - g01, full.positive - g13], 1e-5);
  assert.deepEqual([masked.positives, masked.negatives], [2, 4]);
});

test('ASL moves the share away from negatives compared with BCE', () => {
  const z = [[-3, -2.5, -2, 1.5, -1, 0.2, -4, -2]];
  const y = [[0, 0, 0, 1, 0, 0, 0, 0]];
  const b = gradientShare(z, y, bce).negativeShare;
  const a = gradientShare(z, y, (zz, yy) => asymmetricLoss(zz, yy)).negativeShare;
  assert.ok(a < b, `ASL negative share ${a} should be below BCE's ${b}`);
});

test('gradientShare checks shapes and leaks no tensors', () => {
  assert.throws(() => gradientShare([[1, 2]], [[1]], bce), /gradientShare: argument 'targets' must have the shape/);
  assertNoLeak(() => gradientShare(Z, Y, bce));
});
