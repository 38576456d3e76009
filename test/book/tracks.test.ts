import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientShareSeries, probabilitySeries, trackSeries, trackMean, windowMean, meanCurve, type TrackedRun } from 'asl-workbook-book';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

/** A run tracked every 5 steps, 10 steps per epoch: steps 0, 5 (epoch 0), 10, 15 (epoch 1). */
function run(seed: number, shift = 0): TrackedRun {
  const steps = [0, 5, 10, 15];
  return {
    arm: 'CE',
    seed,
    tracks: {
      'gradient-share-tracker': steps.map((step, i) => ({
        step,
        epoch: step < 10 ? 0 : 1,
        negativeShare: 0,
        positive: 10 + i + shift,
        negative: 30 - i,
        positives: 5,
        negatives: 100,
      })),
      'probability-tracker': steps.map((step, i) => ({ step, epoch: step < 10 ? 0 : 1, meanPositive: 0.5 + 0.1 * i + shift, meanNegative: 0.5 - 0.1 * i })),
    },
  };
}

describe('tracker records of a comparison run', () => {
  test('gradientShareSeries: shares from the sums, per-label magnitudes from the counts', () => {
    const s = gradientShareSeries(run(0));
    assert.deepEqual(s.steps, [0, 5, 10, 15]);
    assert.deepEqual(s.epochs, [0, 0, 1, 1]);
    close(s.positiveShare[0], 10 / 40);
    close(s.negativeShare[3], 27 / 40);
    close(s.positiveShare[2] + s.negativeShare[2], 1);
    close(s.perPositive[1], 11 / 5);
    close(s.perNegative[1], 29 / 100);
    close(s.perLabelRatio[1], 11 / 5 / (29 / 100));
    close(s.negPosRatio[0], 20);
  });
  test('probabilitySeries: p_t⁺ = p̄⁺, p_t⁻ = 1 − p̄⁻, Δp = p_t⁻ − p_t⁺', () => {
    const s = probabilitySeries(run(0));
    close(s.ptPositive[1], 0.6);
    close(s.ptNegative[1], 0.6);
    close(s.deltaP[0], 0);
    close(s.deltaP[3], 1 - 0.2 - 0.8);
    assert.deepEqual(trackSeries(run(0), 'deltaP').values, s.deltaP);
  });
  test('windows: the first tracked step, the first and last epoch, the whole run', () => {
    const v = [1, 2, 3, NaN];
    const e = [0, 0, 1, 1];
    assert.equal(windowMean(v, e, 'start'), 1);
    assert.equal(windowMean(v, e, 'first epoch'), 1.5);
    assert.equal(windowMean(v, e, 'last epoch'), 3, 'non-finite values are left out');
    assert.equal(windowMean(v, e, 'all'), 2);
    close(trackMean(run(0), 'ptPositive', 'last epoch'), 0.75);
    close(trackMean(run(0), 'positiveShare'), (10 / 40 + 11 / 40 + 12 / 40 + 13 / 40) / 4);
    assert.throws(() => windowMean([1], [0, 1], 'all'), /one epoch per value/);
  });
  test('meanCurve averages the runs at the steps they share, with the sd over runs', () => {
    const c = meanCurve([run(0), run(1, 0.1)], 'ptPositive');
    assert.deepEqual(c.steps, [0, 5, 10, 15]);
    close(c.mean[0], 0.55);
    close(c.sd[0], Math.sqrt(0.005));
    const one = meanCurve([run(0)], 'deltaP');
    assert.deepEqual(one.sd, [0, 0, 0, 0]);
  });
  test('a run without the tracker says which run and which track option', () => {
    assert.throws(() => gradientShareSeries({ arm: 'ASL', seed: 2, tracks: {} }), /no 'gradient-share-tracker' records \(ASL, seed 2\).*gradientShare: N/);
    assert.throws(() => probabilitySeries({}), /probabilities: N/);
    assert.throws(() => trackSeries(run(0), 'nonsense' as 'deltaP'), /must be one of/);
  });
});
