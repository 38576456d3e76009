import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tailMean, adaptiveConvergence, adaptiveVsStatic, type AdaptiveResult } from 'asl-workbook-book';

/** γ− from `start` moving linearly to `end` over 100 updates, traced every 5th. */
function trace(start: number, end: number) {
  return Array.from({ length: 20 }, (_, i) => ({ step: 5 * i, gammaNeg: start + ((end - start) * 5 * i) / 95, deltaP: 0.1 }));
}

function result(ends: Array<[number, number]>, lambda = 0.02): AdaptiveResult {
  return {
    lr: 1e-3,
    target: 0.1,
    lambda,
    runs: ends.flatMap(([low, high], seed) => [
      { start: 0, seed, mAP: 20 + seed, trace: trace(0, low) },
      { start: 8, seed, mAP: 20.1 + seed, trace: trace(8, high) },
    ]),
    staticBest: { gammaNeg: 4, mAP: [20.05, 21.05, 22.05] },
  };
}

describe('adaptive asymmetry', () => {
  test('tailMean: the last fraction of the finite values', () => {
    assert.equal(tailMean([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2), 9.5);
    assert.equal(tailMean([1, NaN, 3], 0.1), 3);
    assert.ok(Number.isNaN(tailMean([NaN])));
    assert.throws(() => tailMean([1], 0));
  });

  test('adaptiveConvergence: starts that meet', () => {
    const c = adaptiveConvergence(result([[3.9, 4.1], [4, 4.2], [3.8, 4]], 0.05), { tolerance: 0.5, tail: 0.05, updates: 100 });
    assert.equal(c.updates, 100);
    assert.ok(Math.abs(c.maxTravel - 0.05 * 100 * 1.1) < 1e-12);
    assert.equal(c.pairs.length, 3);
    assert.ok(Math.abs(c.pairs[0].finalGap - 0.2) < 1e-9);
    assert.ok(c.pairs.every((p) => p.met && p.updatesToMeet === 0));
    assert.equal(c.comparison.status, 'holds');
    assert.equal(c.canMeet, true);
    assert.equal(c.verdict.status, 'holds');
  });

  test('adaptiveConvergence: starts that approach too slowly, with the pace and the updates still needed', () => {
    const c = adaptiveConvergence(result([[1, 7], [1.2, 6.9], [0.9, 7.1]]), { tail: 0.05, updates: 100 });
    const p = c.pairs[0];
    assert.ok(Math.abs(p.finalGap - 6) < 1e-9);
    assert.ok(Math.abs(p.approachPerUpdate - 0.02) < 1e-12);
    assert.ok(Math.abs(p.updatesToMeet - 300) < 1e-6);
    assert.equal(p.low.travelled, 1);
    assert.equal(p.met, false);
    assert.equal(c.comparison.status, 'contradicts');
    // 2 × 0.02 × 100 × 1.1 = 4.4 ≥ 8 − 0.5 is false: the starts could not meet, whatever the data.
    assert.equal(c.canMeet, false);
    assert.equal(c.verdict.status, 'not testable here');
    assert.match(c.verdict.reason ?? '', /at most 2\.20.*λ · updates ≥ 3\.41/);
    assert.equal(adaptiveConvergence(result([[1, 7], [1.2, 6.9], [0.9, 7.1]]), { tail: 0.05, updates: 200 }).verdict.status, 'contradicts');
    // Updates default to the last recorded step + 1.
    assert.equal(adaptiveConvergence(result([[1, 7], [1, 7], [1, 7]])).updates, 96);
    assert.throws(() => adaptiveConvergence(result([[1, 7], [1, 7], [1, 7]]), { updates: 50 }), /last recorded step/);
  });

  test('adaptiveVsStatic: one paired comparison per start', () => {
    const [low, high] = adaptiveVsStatic(result([[4, 4], [4, 4], [4, 4]]), [0, 1, 2]);
    assert.match(low.label, /from γ− = 0 > best static γ− = 4/);
    assert.ok(Math.abs(low.diff + 0.05) < 1e-9);
    assert.ok(Math.abs(high.diff - 0.05) < 1e-9);
    assert.throws(() => adaptiveVsStatic(result([[4, 4], [4, 4], [4, 4]]), [0, 1]), /seed of each/);
  });
});
