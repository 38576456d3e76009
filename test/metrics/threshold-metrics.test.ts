import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError, THRESHOLD_DEFAULTS, seededRandom, thresholdMetrics, topKThresholdMetrics } from '../../lib/index';
import { assertClose } from '../helpers';
import { SKLEARN, scoresOf } from './fixtures';

// Hand case: 4 samples × 3 classes.
const S = [
  [0.9, 0.6, 0.5],
  [0.7, 0.2, 0.5],
  [0.4, 0.8, 0.1],
  [0.55, 0.3, 0.2],
];
const Y = [
  [1, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [1, 0, 0],
];
// At probability > 0.5 the predictions are
//   [1 1 0] [1 0 0] [0 1 0] [1 0 0]
// class 0: tp 2 (rows 0, 3), fp 1 (row 1), fn 1 (row 2) → P 2/3, R 2/3, F1 2/3
// class 1: tp 2, fp 0, fn 0 → P 1, R 1, F1 1
// class 2: tp 0 (fn 1 at row 1)   → P 0, R 0, F1 0  (tp = 0 rule)
// CP = (2/3 + 1 + 0)/3 = 5/9, CR = 5/9, CF1 = 5/9 (harmonic of equal values), mean F1 = 5/9
// OP = 4/5, OR = 4/6, OF1 = 2·(4/5)(2/3)/(4/5 + 2/3) = 8/11
describe('thresholdMetrics(scores, targets) by hand (module comment formulas)', () => {
  test('defaults: probability > 0.5', () => {
    assert.deepEqual(THRESHOLD_DEFAULTS, {
      threshold: 0.5,
      comparison: '>',
      scoreType: 'probabilities',
      topK: undefined,
      topKRequiresThreshold: true,
    });
    const m = thresholdMetrics(S, Y);
    assertClose(m.precision, [2 / 3, 1, 0], 1e-15);
    assertClose(m.recall, [2 / 3, 1, 0], 1e-15);
    assertClose(m.f1, [2 / 3, 1, 0], 1e-15);
    assert.deepEqual(m.counts, { tp: [2, 2, 0], fp: [1, 0, 0], fn: [1, 0, 1], tn: [0, 2, 3] });
    assertClose([m.CP, m.CR, m.CF1, m.CF1MeanOfClasses], [500 / 9, 500 / 9, 500 / 9, 500 / 9], 1e-12);
    assertClose([m.OP, m.OR, m.OF1], [80, 200 / 3, 800 / 11], 1e-12);
  });

  test('the doc-comment example: CP 75, CR 100, CF1 85.71, OP 66.67, OR 100', () => {
    const m = thresholdMetrics([[0.9, 0.2], [0.6, 0.7]], [[1, 0], [0, 1]]);
    assertClose([m.CP, m.CR, m.CF1, m.OP, m.OR], [75, 100, 600 / 7, 200 / 3, 100], 1e-12);
  });

  test("comparison '>=' predicts the 0.5 scores too: the two CF1 conventions then differ", () => {
    // New predictions: class 2 rows 0 and 1 (score 0.5): tp 1 (row 1), fp 1 (row 0) → P 1/2, R 1, F1 2/3.
    const m = thresholdMetrics(S, Y, { comparison: '>=' });
    assertClose(m.precision, [2 / 3, 1, 1 / 2], 1e-15);
    assertClose(m.recall, [2 / 3, 1, 1], 1e-15);
    const CP = (100 * (2 / 3 + 1 + 1 / 2)) / 3;
    const CR = (100 * (2 / 3 + 1 + 1)) / 3;
    assertClose(m.CP, CP, 1e-12);
    assertClose(m.CR, CR, 1e-12);
    assertClose(m.CF1, (2 * CP * CR) / (CP + CR), 1e-12); // ML-GCN: harmonic mean of CP and CR
    assert.equal(m.CF1HarmonicOfMeans, m.CF1);
    assertClose(m.CF1MeanOfClasses, (100 * (2 / 3 + 1 + 2 / 3)) / 3, 1e-12); // official: mean of per-class F1
    assert.notEqual(Math.round(m.CF1 * 1e6), Math.round(m.CF1MeanOfClasses * 1e6));
    assertClose([m.OP, m.OR], [(100 * 5) / 7, (100 * 5) / 6], 1e-12);
  });

  test("scoreType 'logits': σ(z) is compared with the threshold", () => {
    const logits = S.map((r) => r.map((p) => Math.log(p / (1 - p))));
    const a = thresholdMetrics(logits, Y, { scoreType: 'logits', threshold: 0.6 });
    const b = thresholdMetrics(S, Y, { threshold: 0.6 });
    assert.deepEqual(a.counts, b.counts);
    // logit 0 is probability 0.5: not predicted with '>', predicted with '>='.
    assert.deepEqual(thresholdMetrics([[0]], [[1]], { scoreType: 'logits' }).counts.tp, [0]);
    assert.deepEqual(thresholdMetrics([[0]], [[1]], { scoreType: 'logits', comparison: '>=' }).counts.tp, [1]);
  });

  test('the official validate.py threshold 0.8', () => {
    // > 0.8: only S[0][0] = 0.9 → class 0: tp 1, fn 2; others tp 0.
    const m = thresholdMetrics(S, Y, { threshold: 0.8 });
    assert.deepEqual(m.counts.tp, [1, 0, 0]);
    assertClose([m.CP, m.CR, m.OP, m.OR], [100 / 3, 100 / 9, 100, 100 / 6], 1e-12);
  });

  test('mask: unknown cells are not counted', () => {
    const mask = [
      [1, 1, 1],
      [0, 1, 0],
      [1, 1, 1],
      [1, 1, 1],
    ];
    // Row 1 drops class 0 (fp) and class 2 (fn): class 0 → P 1, R 2/3; class 2 → no tp → 0.
    const m = thresholdMetrics(S, Y, { mask });
    assert.deepEqual(m.counts, { tp: [2, 2, 0], fp: [0, 0, 0], fn: [1, 0, 0], tn: [0, 2, 3] });
  });
});

describe('topKThresholdMetrics(scores, targets, k) by hand', () => {
  test('top-1 among labels that also pass the threshold (ML-GCN overall_topk)', () => {
    // Top-1 per row: row 0 class 0 (0.9), row 1 class 0 (0.7), row 2 class 1 (0.8), row 3 class 0 (0.55).
    const m = topKThresholdMetrics(S, Y, 1);
    assert.deepEqual(m.counts, { tp: [2, 1, 0], fp: [1, 0, 0], fn: [1, 1, 1], tn: [0, 2, 3] });
    assert.equal(m.rule.topK, 1);
    // Without the threshold requirement every row predicts exactly its top label.
    const n = topKThresholdMetrics([[0.3, 0.1]], [[1, 0]], 1, { topKRequiresThreshold: false });
    assert.deepEqual(n.counts.tp, [1, 0]);
    assert.deepEqual(topKThresholdMetrics([[0.3, 0.1]], [[1, 0]], 1).counts.tp, [0, 0]);
  });
  test('ties at the k-th place go to the lower class index; k ≥ K keeps every label eligible', () => {
    const m = topKThresholdMetrics([[0.6, 0.9, 0.6]], [[0, 0, 1]], 2);
    assert.deepEqual(m.counts.fp, [1, 1, 0]);
    assert.deepEqual(m.counts.fn, [0, 0, 1]);
    assert.deepEqual(topKThresholdMetrics(S, Y, 5).counts, thresholdMetrics(S, Y).counts);
  });
});

describe('top-k selection against a brute-force reference', () => {
  test('random rows with many ties, k = 1..5, with and without the threshold requirement', () => {
    const rand = seededRandom(5);
    const rows = 300;
    const cols = 7;
    const s = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rand() * 8) / 8));
    const y = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.3 ? 1 : 0)));
    for (let k = 1; k <= 5; k++) {
      for (const requires of [true, false]) {
        // Reference: stable sort of class indices by descending score (ties → lower index), take k.
        const pred = s.map((row) => {
          const order = row.map((_, c) => c).sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
          return row.map((v, c) => (order.includes(c) && (!requires || v > 0.5) ? 1 : 0));
        });
        const counts = { tp: Array(cols).fill(0), fp: Array(cols).fill(0), fn: Array(cols).fill(0), tn: Array(cols).fill(0) };
        pred.forEach((row, i) =>
          row.forEach((p, c) => {
            const key = y[i][c] ? (p ? 'tp' : 'fn') : p ? 'fp' : 'tn';
            counts[key][c]++;
          }),
        );
        assert.deepEqual(topKThresholdMetrics(s, y, k, { topKRequiresThreshold: requires }).counts, counts, `k=${k} requires=${requires}`);
      }
    }
  });
});

describe('thresholdMetrics per-class values against scikit-learn precision_recall_fscore_support', () => {
  for (const c of SKLEARN.cases) {
    for (const [key, comparison] of [['gt0.5', '>'], ['ge0.5', '>=']] as const) {
      const f = c.at_threshold[key];
      if (!f) continue;
      test(`${c.name} at ${comparison} 0.5`, () => {
        const m = thresholdMetrics(scoresOf(c), c.targets, { comparison });
        assertClose(m.precision, f.precision_per_class, 1e-12, 'precision');
        assertClose(m.recall, f.recall_per_class, 1e-12, 'recall');
        assertClose(m.f1, f.f1_per_class, 1e-12, 'f1');
        // OF1 is micro F1 and the official CF1 is macro F1 (both in percent).
        assertClose(m.OF1, 100 * f.f1_micro, 1e-10, 'OF1');
        assertClose(m.CF1MeanOfClasses, 100 * f.f1_macro, 1e-10, 'CF1MeanOfClasses');
      });
    }
  }
});

describe('thresholdMetrics input checks', () => {
  const fn = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof AslInputError && re.test(e.message));
  test('options and inputs', () => {
    fn(() => thresholdMetrics(S, Y, { threshold: 1.5 }), /thresholdMetrics: argument 'threshold' must be a finite number in \[0, 1\], got 1.5/);
    fn(() => thresholdMetrics(S, Y, { comparison: '>>' as never }), /argument 'comparison' must be one of '>', '>='/);
    fn(() => thresholdMetrics(S, Y, { scoreType: 'probs' as never }), /argument 'scoreType' must be one of 'probabilities', 'logits'/);
    fn(() => thresholdMetrics(S, Y, { topK: 0 }), /argument 'topK' must be a positive integer, got 0/);
    fn(() => topKThresholdMetrics(S, Y, 1.5), /topKThresholdMetrics: argument 'k' must be a positive integer/);
    fn(() => thresholdMetrics(S, [[1, 0, 3]]), /thresholdMetrics: argument 'targets' must have the shape of 'scores'/);
    fn(() => thresholdMetrics([[NaN]], [[1]]), /thresholdMetrics: argument 'scores' must be finite, found NaN/);
    fn(() => thresholdMetrics(S, Y, { thresold: 0.8 } as never), /thresholdMetrics: unknown option 'thresold' \(did you mean 'threshold'\? known: threshold, comparison/);
  });
});
