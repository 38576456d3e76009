import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdaptiveAsymmetry, ADAPTIVE_ASYMMETRY_DEFAULTS, AslInputError } from '../../lib/index';
import { assertClose, assertNoLeak, setupBackend } from '../helpers';

const logit = (p: number) => Math.log(p / (1 - p));

before(setupBackend);

describe('AdaptiveAsymmetry (paper §2.7): γ− ← γ− + λ(Δp − Δp_target), Δp = p_t⁻ − p_t⁺', () => {
  test('defaults', () => {
    const c = new AdaptiveAsymmetry();
    assert.equal(c.gammaNeg, 4);
    assert.deepEqual({ ...ADAPTIVE_ASYMMETRY_DEFAULTS }, { gammaNeg: 4, lambda: 0.01, target: 0.1, min: 0, max: 8 });
  });
  test('one update by hand: p_t⁺ = mean p of positives, p_t⁻ = mean 1 − p of negatives', () => {
    // positives p = 0.6, 0.8 → p_t⁺ = 0.7; negatives p = 0.1, 0.3, 0.2 → p_t⁻ = 0.8; Δp = 0.1 + …
    const z = tf.tensor2d([[logit(0.6), logit(0.1), logit(0.3)], [logit(0.8), logit(0.2), logit(0.5)]]);
    const y = tf.tensor2d([[1, 0, 0], [1, 0, 0]]);
    const mask = tf.tensor2d([[1, 1, 1], [1, 1, 0]]);
    const c = new AdaptiveAsymmetry({ gammaNeg: 2, lambda: 10, target: 0 });
    const g = c.update(z, y, mask);
    assertClose(c.history[0].pPos, 0.7, 1e-6);
    assertClose(c.history[0].pNeg, 0.8, 1e-6);
    assertClose(c.history[0].deltaP, 0.1, 1e-6);
    assertClose(g, 2 + 10 * 0.1, 1e-5);
    assert.equal(c.gammaNeg, g);
    assert.equal(c.history[0].step, 0);
    tf.dispose([z, y, mask]);
  });
  test('sign: negatives over-confident (CE-like) raises γ−; positives more confident lowers it', () => {
    const y = tf.tensor2d([[1, 0, 0, 0]]);
    const ceLike = tf.tensor2d([[logit(0.6), logit(0.01), logit(0.02), logit(0.01)]]); // Δp ≈ 0.39
    const balanced = tf.tensor2d([[logit(0.95), logit(0.2), logit(0.1), logit(0.15)]]); // Δp ≈ −0.1
    const c = new AdaptiveAsymmetry({ gammaNeg: 3, lambda: 1 });
    assert.ok(c.update(ceLike, y) > 3);
    const before = c.gammaNeg;
    assert.ok(c.update(balanced, y) < before);
    tf.dispose([y, ceLike, balanced]);
  });
  test('guards: bounds, batches without positives or negatives, non-finite values', () => {
    const c = new AdaptiveAsymmetry({ gammaNeg: 1, lambda: 100, min: 0.5, max: 2 });
    const y = tf.tensor2d([[1, 0]]);
    c.update(tf.tensor2d([[logit(0.5), logit(0.001)]]), y);
    assert.equal(c.gammaNeg, 2);
    c.update(tf.tensor2d([[logit(0.999), logit(0.5)]]), y);
    assert.equal(c.gammaNeg, 0.5);
    const g = c.gammaNeg;
    c.update(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 0]]));
    assert.equal(c.gammaNeg, g);
    assert.equal(c.history[2].skipped, true);
    assert.ok(Number.isNaN(c.history[2].pPos));
    assert.equal(c.history.length, 3);
    tf.dispose(y);
  });
  test('options are validated', () => {
    assert.throws(() => new AdaptiveAsymmetry({ lambda: -1 }), AslInputError);
    assert.throws(() => new AdaptiveAsymmetry({ gammaNeg: 9 }), /argument 'gammaNeg' must be a finite number in \[0, 8\]/);
    assert.throws(() => new AdaptiveAsymmetry({ min: 3, max: 1 }), /argument 'max'/);
  });
  test('no tensor leaks', () => {
    const z = tf.tensor2d([[0.5, -1]]);
    const y = tf.tensor2d([[1, 0]]);
    const c = new AdaptiveAsymmetry();
    assertNoLeak(() => c.update(z, y));
    tf.dispose([z, y]);
  });
});
