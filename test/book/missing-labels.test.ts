import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { aslNegativeGradientDetached } from 'asl-workbook';
import {
  missingLabelDrops,
  robustnessComparisons,
  quantileSorted,
  quartiles,
  hiddenPositiveIndices,
  selectVeryHard,
  probeGradients,
  gradientOnSelection,
  histogram01,
  gradientPeak,
  comparisonRunGrid,
  probeComparisons,
  type ComparisonPlan,
  type ComparisonResult,
  type HiddenPositiveProbe,
  type MissingLabelsResult,
} from 'asl-workbook-book';
import { fixtureComparison } from './comparison-fixture';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

const plan = (lrFixed?: Record<string, number>): ComparisonPlan => ({
  id: 'missing',
  data: { kind: 'multifashion', options: {} },
  base: { model: { zoo: 'bn-cnn' }, epochs: 1 },
  arms: [
    { label: 'CE', loss: { name: 'bce', params: { reduction: 'sum' } } },
    { label: 'ASL', loss: { name: 'asl', params: { gammaNeg: 4, gammaPos: 0, clip: 0.05 } } },
  ],
  seeds: [0, 1, 2],
  lrGrid: [1e-3, 2e-3, 4e-3],
  ...(lrFixed ? { lrFixed } : {}),
});

const comparison = (maps: Record<string, number[]>, lrFixed?: Record<string, number>): ComparisonResult =>
  fixtureComparison(plan(lrFixed), maps, { CE: 2e-3, ASL: 2e-3 });

const experiment: MissingLabelsResult = {
  rates: [0, 0.6],
  comparisons: [
    { rate: 0, result: comparison({ CE: [20, 21, 19], ASL: [30, 31, 29] }) },
    { rate: 0.6, result: comparison({ CE: [14, 15, 13.5], ASL: [27, 27.5, 26] }, { CE: 2e-3, ASL: 2e-3 }) },
  ],
};

describe('missing labels: mAP drops', () => {
  test('missingLabelDrops: absolute points and % of the clean mAP, per seed', () => {
    const d = missingLabelDrops(experiment, 'CE');
    assert.deepEqual([d.rateLow, d.rateHigh], [0, 0.6]);
    assert.deepEqual(d.seeds.map((s) => s.absolute), [6, 6, 5.5]);
    close(d.seeds[0].relative, 30);
  });

  test('robustnessComparisons: ASL higher at the highest rate, CE loses more (points and %)', () => {
    const c = robustnessComparisons(experiment, 'ASL', 'CE');
    close(c.atHighRate.diff, (27 + 27.5 + 26 - 14 - 15 - 13.5) / 3);
    assert.equal(c.atHighRate.status, 'holds');
    close(c.absoluteDrop.diff, (6 + 6 + 5.5 - 3 - 3.5 - 3) / 3);
    assert.equal(c.absoluteDrop.n, 3);
    assert.match(c.relativeDrop.label, /% of the clean mAP/);
  });
});

describe('missing labels: the probe', () => {
  test('quantiles and quartiles', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
    assert.deepEqual(quartiles([4, 1, 3, 2, 5]), { count: 5, q25: 2, median: 3, q75: 4 });
  });

  test('hiddenPositiveIndices: clean 1, training 0', () => {
    assert.deepEqual(hiddenPositiveIndices([1, 1, 0, 1], [1, 0, 0, 0]), [1, 3]);
    assert.throws(() => hiddenPositiveIndices([1], [1, 0]));
  });

  test('selectVeryHard: p ≥ threshold when enough reach it, else the top decile', () => {
    const scores = Array.from({ length: 40 }, (_, i) => i / 40);
    const all = scores.map((_, i) => i);
    const byThreshold = selectVeryHard(scores, all, { threshold: 0.8, minCount: 5 });
    assert.equal(byThreshold.indices.length, 8);
    assert.equal(byThreshold.rule, 'p ≥ 0.8');
    const decile = selectVeryHard(scores, all, { threshold: 0.8, minCount: 10 });
    assert.deepEqual(decile.indices, [39, 38, 37, 36]);
    assert.match(decile.rule, /top decile \(only 8 reach/);
    close(decile.minP, 36 / 40);
    assert.deepEqual(selectVeryHard(scores, []).indices, []);
  });

  test('gradientOnSelection: per element and share of the negative-label gradient, CE against ASL', () => {
    const scores = [0.02, 0.1, 0.3, 0.95, 0.9];
    const noisy = [0, 0, 0, 0, 1];
    const [ce, asl, eq8] = gradientOnSelection(scores, noisy, [3], probeGradients(4, 0.05));
    close(ce.perElementMean, 0.95);
    close(ce.share, 0.95 / (0.02 + 0.1 + 0.3 + 0.95));
    const g = (p: number) => aslNegativeGradientDetached(p, 4, 0.05);
    close(asl.perElementMean, g(0.95));
    close(asl.share, g(0.95) / (g(0.02) + g(0.1) + g(0.3) + g(0.95)));
    assert.match(eq8.loss, /Eq. 8/);
    // Focusing moves the share to the hard negatives: ASL's share on the p = 0.95 label is larger than CE's.
    assert.ok(asl.share > ce.share);
  });

  test('gradientPeak: CE grows to p → 1; ASL (γ−=2, m=0.1, Eq. 8) peaks at p ≈ 0.85, as the paper\'s Figure 3', () => {
    const [ce, , eq8] = probeGradients(2, 0.1);
    assert.ok(gradientPeak(ce).p > 0.999);
    close(gradientPeak(eq8).p, 0.85, 0.002);
  });

  test('histogram01: 20 bins over [0, 1], 1 in the last', () => {
    const h = histogram01([0, 0.04, 0.05, 0.999, 1]);
    assert.equal(h.length, 20);
    assert.deepEqual([h[0], h[1], h[19]], [2, 1, 2]);
  });

  test('comparisonRunGrid: the grid the comparison ran a seed in', () => {
    const arm = plan().arms[1];
    // A fixed rate: every seed in one grid.
    assert.deepEqual(comparisonRunGrid(plan({ ASL: 2e-3 }), arm, 2e-3, 0), { spec: { base: { model: { zoo: 'bn-cnn' }, epochs: 1, loss: arm.loss }, grid: { lr: [2e-3], seed: [0, 1, 2] } }, index: 0 });
    assert.equal(comparisonRunGrid(plan({ ASL: 2e-3 }), arm, 2e-3, 2).index, 2);
    assert.deepEqual(comparisonRunGrid(plan(), arm, 2e-3, 2).spec.grid, { lr: [2e-3], seed: [1, 2] });
    assert.equal(comparisonRunGrid(plan(), arm, 2e-3, 2).index, 1);
    assert.deepEqual(comparisonRunGrid(plan(), arm, 4e-3, 0), { spec: { base: { model: { zoo: 'bn-cnn' }, epochs: 1, loss: arm.loss }, grid: { lr: [1e-3, 2e-3, 4e-3], seed: [0] } }, index: 2 });
    assert.deepEqual(comparisonRunGrid(plan(), arm, 8e-3, 0).spec.grid, { lr: [8e-3], seed: [0] });
    assert.throws(() => comparisonRunGrid(plan(), arm, 2e-3, 7), /not a seed/);
  });

  test('probeComparisons: CE against ASL over the seeds', () => {
    const probe = (ce: number, asl: number, ceShare: number, aslShare: number): HiddenPositiveProbe => ({
      arm: 'ASL', seed: 0, rate: 0.6, lr: 1e-3, recordedMap: 0, reloadedMap: 0,
      hidden: quartiles([]), trueNegatives: quartiles([]), labelledPositives: quartiles([]), hiddenHistogram: [],
      selection: { rule: 'p ≥ 0.8', count: 10, minP: 0.8, medianP: 0.9 },
      aslPeak: { p: 0.93, fractionBeyond: 0 },
      gradients: [
        { loss: 'CE', perElementMean: ce, perElementMedian: ce, share: ceShare },
        { loss: 'ASL, as trained', perElementMean: asl, perElementMedian: asl, share: aslShare },
      ],
    });
    const c = probeComparisons([probe(0.9, 0.3, 0.01, 0.05), probe(0.88, 0.31, 0.012, 0.06), probe(0.91, 0.29, 0.011, 0.055)]);
    assert.equal(c.perElement.status, 'holds');
    assert.equal(c.share.status, 'contradicts');
    assert.ok(Math.abs(c.share.diff - 100 * (0.011 - 0.055)) < 1e-9);
  });
});
