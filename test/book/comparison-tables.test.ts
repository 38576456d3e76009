import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acrossComparisons,
  armSummaries,
  chosenRatesText,
  formatDifference,
  formatMeanSd,
  formatPoints,
  gainByTercile,
  learningCurves,
  lrSearchRows,
  meanSd,
  orderingVerdict,
  perClassAp,
  prCurveApRows,
  prCurvePanels,
  prSteps,
  summaryRows,
  tercileContrast,
  type ComparisonResult,
  type ComparisonRun,
} from 'asl-workbook-book';

const ARMS = ['CE', 'focal', 'ASL'];
const SEEDS = [0, 1, 2];
// Six classes; class 5 has no validation positives (left out of the terciles).
const TRAIN_POS = [40, 5, 100, 20, 60, 1];
const VAL_POS = [10, 3, 30, 6, 12, 0];

/** AP (fraction) of class c for an arm and seed: CE's base, focal +1 point on every class, ASL +c points on class c (+0.2 per seed). */
function ap(arm: string, seed: number, c: number): number {
  const base = 0.2 + 0.01 * c + 0.001 * seed;
  if (arm === 'focal') return base + 0.01;
  if (arm === 'ASL') return base + 0.01 * c + 0.002 * seed;
  return base;
}

function run(arm: string, seed: number, mAPShift = 0): ComparisonRun {
  const averagePrecision = TRAIN_POS.map((_, c) => ap(arm, seed, c));
  const mAP = (100 * averagePrecision.reduce((s, x) => s + x, 0)) / averagePrecision.length + mAPShift;
  return {
    arm,
    seed,
    lr: 0.002,
    params: { lr: 0.002, seed },
    ok: true,
    mAP,
    CF1: 10 + ARMS.indexOf(arm) + seed,
    OF1: 20 + seed,
    averagePrecision,
    bestEpoch: 1,
    valMap: [mAP - 1, mAP],
    trainLoss: [2, 1],
    seconds: 1,
    prCurves: [
      { class: 'c2', classIndex: 2, recall: [1, 0.5, 0], precision: [0.3, 0.6, 1], averagePrecision: ap(arm, seed, 2) },
      { class: 'c0', classIndex: 0, recall: [1, 0], precision: [0.2, 1], averagePrecision: ap(arm, seed, 0) },
    ],
  };
}

function result(id: string, mAPShift = 0): ComparisonResult {
  return {
    plan: {
      id,
      data: { kind: 'multifashion', options: {} },
      base: { epochs: 2 },
      arms: ARMS.map((label) => ({ label, loss: { name: 'bce' } })),
      seeds: SEEDS,
      lrGrid: [0.001, 0.002, 0.004],
    },
    runs: ARMS.flatMap((arm) => SEEDS.map((seed) => run(arm, seed, mAPShift))),
    lrSearch: [
      { arm: 'CE', lr: 0.001, mAP: 5 },
      { arm: 'CE', lr: 0.002, mAP: 7 },
      { arm: 'CE', lr: 0.004, mAP: 6 },
      { arm: 'focal', lr: 0.002, mAP: 7.5 },
      { arm: 'ASL', lr: 0.001, mAP: 8 },
      { arm: 'ASL', lr: 0.002, mAP: 9 },
    ],
    chosenLr: { CE: 0.002, focal: 0.002, ASL: 0.002 },
    lrInterior: { CE: true, focal: true, ASL: false },
    classNames: TRAIN_POS.map((_, c) => `c${c}`),
    trainPositives: TRAIN_POS,
    valPositives: VAL_POS,
    prClasses: [2, 0],
    seconds: 1,
  };
}

describe('comparison tables', () => {
  test('meanSd and its formatting', () => {
    const m = meanSd([1, 2, 3]);
    assert.equal(m.mean, 2);
    assert.equal(m.sd, 1);
    assert.equal(formatMeanSd(m), '2.00 ± 1.00');
    assert.equal(formatMeanSd(meanSd([4])), '4.00');
    assert.equal(formatMeanSd(meanSd([])), '–');
    assert.equal(formatPoints(2.345), '+2.35');
    assert.equal(formatPoints(-0.4), '−0.40');
    const c = { label: 'a > b', diff: 2.614, se: 0.404, n: 3, status: 'holds' as const };
    assert.equal(formatDifference(c), '+2.61 ± 0.40 (holds)');
    assert.equal(formatDifference({ ...c, diff: -0.25, status: 'within noise' }, false), '−0.25 ± 0.40');
  });

  test('summaries and the main table: mean ± sd over seeds per arm', () => {
    const r = result('a');
    const s = armSummaries(r);
    assert.deepEqual(s.map((x) => x.arm), ARMS);
    assert.equal(s[0].CF1.mean, 11);
    assert.equal(s[0].CF1.sd, 1);
    assert.equal(s[2].lrInterior, false);
    const rows = summaryRows(r, 'toy');
    assert.equal(rows[1]['CF1 (%)'], '12.00 ± 1.00');
    assert.equal(rows[1].seeds, 3);
    assert.match(chosenRatesText(r), /ASL 0\.002 \(at the edge of the rates tried\)/);
  });

  test('the learning-rate search: one column per rate tried by any arm, blanks where an arm did not try it', () => {
    const rows = lrSearchRows(result('a'));
    assert.deepEqual(Object.keys(rows[0]), ['loss', 'lr 0.001', 'lr 0.002', 'lr 0.004', 'chosen', 'interior']);
    assert.equal(rows[0]['lr 0.004'], '6.00');
    assert.equal(rows[1]['lr 0.001'], '');
    assert.equal(rows[2].interior, 'no');
  });

  test('the ordering verdict holds only when every consecutive pair holds', () => {
    const r = result('a');
    const v = orderingVerdict(r);
    // focal − CE = exactly 1 point on every seed (se 0): holds; ASL − focal varies with the seed but stays positive.
    assert.equal(v.comparisons.length, 2);
    assert.equal(v.comparisons[0].label, 'focal > CE (mAP)');
    assert.ok(Math.abs(v.comparisons[0].diff - 1) < 1e-9);
    assert.equal(v.status, 'holds');
    const reversed = orderingVerdict(r, ['ASL', 'focal', 'CE']);
    assert.equal(reversed.status, 'contradicts');
  });

  test('across comparisons: paired by seed, per arm', () => {
    const v = acrossComparisons(result('ft', 3), 'fine-tuned', result('scratch'), 'from scratch');
    assert.equal(v.status, 'holds');
    assert.equal(v.comparisons.length, 3);
    assert.ok(v.comparisons.every((c) => Math.abs(c.diff - 3) < 1e-9));
    const other = result('b');
    other.plan.seeds = [0, 1, 5];
    assert.throws(() => acrossComparisons(other, 'x', result('a'), 'y'), /seeds differ/);
  });

  test('per-class AP is the mean over seeds, in percent', () => {
    const rows = perClassAp(result('a'));
    assert.ok(Math.abs(rows[3].ap.CE - 100 * (0.23 + 0.001)) < 1e-9);
  });

  test('terciles: classes with validation positives, by training positives; the gain comes from the numbers', () => {
    const r = result('a');
    const rows = gainByTercile(r, 'CE', 'ASL');
    // Classes with val positives sorted by training positives: c1 (5), c3 (20), c0 (40), c4 (60), c2 (100).
    assert.deepEqual(rows.map((t) => t.tercile), ['rare', 'middle', 'frequent']);
    assert.deepEqual(rows.map((t) => t.classes), [2, 1, 2]);
    assert.deepEqual(rows[0].trainPositives, [5, 20]);
    // ASL − CE on class c is c points plus 0.2·seed: rare {1, 3} → 2 + 0.2, middle {0} → 0.2, frequent {4, 2} → 3.2.
    assert.ok(Math.abs(rows[0].gain - 2.2) < 1e-9);
    assert.ok(Math.abs(rows[1].gain - 0.2) < 1e-9);
    assert.ok(Math.abs(rows[2].gain - 3.2) < 1e-9);
    assert.deepEqual(rows[2].gainPerSeed.map((g) => Number(g.toFixed(9))), [3, 3.2, 3.4]);
    assert.equal(rows[1].wins, 1);
    const { most, least, comparison } = tercileContrast(rows);
    assert.equal(most.tercile, 'frequent');
    assert.equal(least.tercile, 'middle');
    assert.equal(comparison.status, 'holds');
    assert.throws(() => gainByTercile(r, 'CE', 'nope'), /not an arm/);
  });

  test('PR curves: explicit steps, one panel per kept class, one line per arm', () => {
    assert.deepEqual(prSteps([1, 0.5, 0], [0.3, 0.6, 1]), { x: [1, 0.5, 0.5, 0, 0], y: [0.3, 0.3, 0.6, 0.6, 1] });
    const r = result('a');
    const panels = prCurvePanels(r);
    assert.equal(panels.length, 2);
    assert.equal(panels[0].title, 'most frequent: c2');
    assert.deepEqual(panels[0].series.map((s) => s.name), ARMS);
    const aps = prCurveApRows(r);
    assert.equal(aps[1]['AP CE'], Number((100 * ap('CE', 0, 0)).toFixed(2)));
    assert.equal(aps[0]['val positives'], 30);
  });

  test('learning curves: mean validation mAP per epoch over seeds', () => {
    const [ce] = learningCurves(result('a'));
    assert.deepEqual(ce.x, [1, 2]);
    assert.ok(Math.abs(ce.y[1] - ce.y[0] - 1) < 1e-9);
  });
});
