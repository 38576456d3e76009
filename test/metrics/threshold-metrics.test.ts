import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from '../../lib/core/errors';
import { seededRandom } from '../../lib/core/random';
import {
  MultiLabelMetricAccumulator,
  THRESHOLD_DEFAULTS,
  multiLabelReport,
  setMetrics,
  thresholdMetrics,
  topKThresholdMetrics,
} from '../../lib/metrics/index';
import { assertClose } from '../helpers';
import { SKLEARN, scoresOf, sklearnHalfThreshold } from './fixtures';

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
        const m = thresholdMetrics(scoresOf(c), c.targets, sklearnHalfThreshold(c, comparison));
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

describe('the official threshold semantics: float32, strict >', () => {
  // The case. The official validate.py predicts `output.gt(0.8)` on a float32 tensor:
  // PyTorch rounds 0.8 to float32, so a score of exactly float32(0.8) is not above it. In float64,
  // float32(0.8) = 0.800000011920929 > 0.8, so a float64 comparison predicts all 312 of them.
  // One class, 1,334 samples, built so the counts are known by construction:
  const F32_08 = Math.fround(0.8);
  const groups = [
    { n: 446, score: 0.9, target: 1 }, // clearly above: true positives
    { n: 276, score: 0.9, target: 0 }, //                 false positives
    { n: 98, score: F32_08, target: 1 }, // exactly float32(0.8): 312 scores, 98 positive
    { n: 214, score: F32_08, target: 0 },
    { n: 100, score: 0.3, target: 1 }, // below: false negatives
    { n: 200, score: 0.1, target: 0 },
  ];
  const scores = Float32Array.from(groups.flatMap((g) => Array<number>(g.n).fill(g.score)));
  const targets = groups.flatMap((g) => Array<number>(g.n).fill(g.target));
  const S = { values: scores, shape: [scores.length, 1] };
  const Y = { values: targets, shape: [targets.length, 1] };
  // Official (float32 >): tp 446, fp 276, fn 98 + 100 → OP = 446/722 = 61.77 %, OR = 446/644.
  // float64 >: the 312 scores at float32(0.8) pass → tp 544, fp 490 → OP = 544/1034 = 52.61 %.
  const official = { tp: 446, fp: 276, fn: 198, tn: 414 };

  test('312 scores exactly at float32(0.8), threshold 0.8: the official counts (OP 61.77, not 52.61)', () => {
    assert.equal(scores.filter((v) => v === F32_08).length, 312);
    assert.ok(F32_08 > 0.8, 'float32(0.8) is above the float64 number 0.8: the old comparison predicted it');
    const m = thresholdMetrics(S, Y, { threshold: 0.8 });
    assert.deepEqual(m.counts, { tp: [official.tp], fp: [official.fp], fn: [official.fn], tn: [official.tn] });
    assert.equal(m.OP.toFixed(2), '61.77');
    assertClose(m.OP, (100 * 446) / 722, 1e-12);
    assertClose(m.OR, (100 * 446) / 644, 1e-12);
    assert.equal(((100 * 544) / 1034).toFixed(2), '52.61'); // what the float64 comparison gave
    // The same scores as float64 numbers (a plain number[][]) give the same answer: they are compared in float32 too.
    const rows = Array.from(scores, (v) => [v]);
    assert.deepEqual(thresholdMetrics(rows, targets.map((t) => [t]), { threshold: 0.8 }).counts.tp, [446]);
    // '>=' predicts them (float32(0.8) >= float32(0.8)).
    assert.deepEqual(thresholdMetrics(S, Y, { threshold: 0.8, comparison: '>=' }).counts.tp, [544]);
  });

  test('every thresholded path agrees: top-k, set metrics, the report and the accumulator', () => {
    const rule = { threshold: 0.8 };
    assert.deepEqual(topKThresholdMetrics(S, Y, 1, rule).counts.tp, [official.tp]);
    const microF1 = (2 * official.tp) / (2 * official.tp + official.fp + official.fn);
    assertClose(setMetrics(S, Y, rule).microF1, microF1, 1e-15);
    const report = multiLabelReport(S, Y, { ...rule, topK: 1 });
    assert.deepEqual(report.atThreshold.counts.fp, [official.fp]);
    assert.deepEqual(report.atTopK!.counts.fp, [official.fp]);
    const acc = new MultiLabelMetricAccumulator({ ...rule, averagePrecision: false });
    for (let start = 0; start < scores.length; start += 100) {
      const end = Math.min(start + 100, scores.length);
      acc.update({ values: scores.subarray(start, end), shape: [end - start, 1] }, { values: targets.slice(start, end), shape: [end - start, 1] });
    }
    assert.deepEqual(acc.compute().atThreshold.counts, report.atThreshold.counts);
  });

  test('float64 scores are rounded to float32 before the comparison, and so is the threshold', () => {
    const y = [[1], [1], [1]];
    // 0.8 (float64) rounds to float32(0.8): not above; 0.8000001 rounds above it; 0.80000001 rounds to it.
    assert.deepEqual(thresholdMetrics([[0.8], [0.8000001], [0.80000001]], y, { threshold: 0.8 }).counts.tp, [1]);
    // A threshold between two float32 numbers is rounded, then compared: float32(0.3) is not > round(0.3 + 1e-9).
    assert.deepEqual(thresholdMetrics([[Math.fround(0.3)]], [[1]], { threshold: 0.3 + 1e-9 }).counts.tp, [0]);
  });

  test('top-k ranks float32 scores: scores equal in float32 tie, and the lower class index wins', () => {
    const s = [[0.7, 0.7000000001, 0.2]]; // equal in float32
    assert.deepEqual(topKThresholdMetrics(s, [[1, 1, 0]], 1).counts.tp, [1, 0, 0]);
  });

  test('scores outside [0, 1] are rejected unless declared logits, on every path', () => {
    // Logits passed as probabilities: every positive logit would "pass" 0.5 silently.
    const logits = [
      [2.5, -1.2],
      [0.3, 3.1],
    ];
    const y = [
      [1, 0],
      [0, 1],
    ];
    const said = /argument 'scores' must be probabilities in \[0, 1\], found 2\.5 at row 0, column 0 \(for logits pass scoreType: 'logits'\)/;
    const rejects = (f: () => unknown, name: string) =>
      assert.throws(f, (e: unknown) => e instanceof AslInputError && e.message.startsWith(`${name}: `) && said.test(e.message));
    rejects(() => thresholdMetrics(logits, y), 'thresholdMetrics');
    rejects(() => topKThresholdMetrics(logits, y, 1), 'topKThresholdMetrics');
    rejects(() => setMetrics(logits, y), 'setMetrics');
    rejects(() => multiLabelReport(logits, y), 'multiLabelReport');
    rejects(() => new MultiLabelMetricAccumulator().update(logits, y), 'MultiLabelMetricAccumulator.update');
    assert.throws(() => thresholdMetrics([[1.0000001]], [[1]]), /found 1\.0000001 at row 0, column 0/);
    assert.throws(() => thresholdMetrics([[-0.5]], [[1]]), /found -0\.5/);
    // Declared, they are thresholded through σ: σ(2.5), σ(3.1) > 0.5; σ(0.3) = 0.574 > 0.5; σ(-1.2) < 0.5.
    const m = thresholdMetrics(logits, y, { scoreType: 'logits' });
    assert.deepEqual(m.counts, { tp: [1, 1], fp: [1, 0], fn: [0, 0], tn: [0, 1] });
    // The boundary values 0 and 1 are probabilities.
    assert.deepEqual(thresholdMetrics([[0, 1]], [[0, 1]]).counts.tp, [0, 1]);
  });
});
