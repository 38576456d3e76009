import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AslInputError,
  coverageError,
  hammingLoss,
  labelRankingAveragePrecision,
  macroF1,
  microF1,
  oneError,
  rankingLoss,
  rankingMetrics,
  setMetrics,
  subsetAccuracy,
  thresholdMetrics,
} from '../../lib/index';
import { assertClose } from '../helpers';
import { SKLEARN, scoresOf, sklearnHalfThreshold } from './fixtures';

describe('ranking metrics by hand (module comment formulas)', () => {
  const s = [
    [0.75, 0.5, 1],
    [1, 0.2, 0.1],
  ];
  const y = [
    [1, 0, 0],
    [0, 0, 1],
  ];
  test('LRAP, coverage error, ranking loss, one-error on two rows', () => {
    // Row 0: the true label (0.75) has rank 2, 1 true label at or above → 1/2. Row 1: rank 3 → 1/3.
    assertClose(labelRankingAveragePrecision(s, y), (1 / 2 + 1 / 3) / 2, 1e-15);
    assertClose(coverageError(s, y), (2 + 3) / 2, 1e-15);
    // Row 0: pairs (0,1) right, (0,2) wrong → 1/2; row 1: both wrong → 1.
    assertClose(rankingLoss(s, y), (1 / 2 + 1) / 2, 1e-15);
    assert.equal(oneError(s, y), 1);
  });
  test('ties count pessimistically: s = [.5, .5], y = [1, 0] → ranking loss 1, LRAP 1/2, coverage 2', () => {
    const m = rankingMetrics([[0.5, 0.5]], [[1, 0]]);
    assert.deepEqual(m, { labelRankingAveragePrecision: 0.5, coverageError: 2, rankingLoss: 1, oneError: 0, rows: 1 });
    // one-error breaks the tie by the lower class index (argmax): here class 0, which is true.
    assert.equal(oneError([[0.5, 0.5]], [[0, 1]]), 1);
  });
  test('rows with no true label or only true labels: LRAP 1, ranking loss 0, coverage 0 / K', () => {
    const m = rankingMetrics([[0.1, 0.9], [0.3, 0.2]], [[0, 0], [1, 1]]);
    assert.deepEqual(m, { labelRankingAveragePrecision: 1, coverageError: (0 + 2) / 2, rankingLoss: 0, oneError: 0.5, rows: 2 });
  });
  test('mask: unknown labels leave the row; rows with nothing known leave the mean', () => {
    // Row 0 without class 2 → [0.75(+), 0.5]: perfect. Row 1 fully unknown → not counted.
    const m = rankingMetrics(s, y, { mask: [[1, 1, 0], [0, 0, 0]] });
    assert.deepEqual(m, { labelRankingAveragePrecision: 1, coverageError: 1, rankingLoss: 0, oneError: 0, rows: 1 });
  });
});

describe('ranking metrics against scikit-learn', () => {
  for (const c of SKLEARN.cases) {
    if (c.lrap === null) continue;
    test(`${c.name}: label_ranking_average_precision_score, coverage_error, label_ranking_loss`, () => {
      const m = rankingMetrics(scoresOf(c), c.targets);
      assertClose(m.labelRankingAveragePrecision, c.lrap!, 1e-12, 'lrap');
      assertClose(m.coverageError, c.coverage_error!, 1e-12, 'coverage');
      assertClose(m.rankingLoss, c.ranking_loss!, 1e-12, 'ranking loss');
    });
  }
});

describe('set metrics', () => {
  test('by hand: Hamming loss, subset accuracy, micro and macro F1', () => {
    const s = [
      [0.9, 0.6],
      [0.2, 0.1],
    ];
    const y = [
      [1, 0],
      [0, 0],
    ];
    // Predictions [1 1] [0 0]: one wrong cell of 4; row 1 exact; class 0 F1 1, class 1 F1 0 (fp 1).
    assert.equal(hammingLoss(s, y), 0.25);
    assert.equal(subsetAccuracy(s, y), 0.5);
    assertClose(microF1(s, y), 2 / 3, 1e-15);
    assertClose(macroF1(s, y), 0.5, 1e-15);
    // Ready-made 0/1 predictions passed as scores give the same numbers.
    assert.deepEqual(setMetrics([[1, 1], [0, 0]], y), setMetrics(s, y));
    // A class with no positive and no prediction has F1 0 (scikit-learn's zero_division default).
    assertClose(macroF1([[0.9, 0.1]], [[1, 0]]), 0.5, 1e-15);
  });
  test('mask: unknown cells are neither wrong nor right', () => {
    const m = setMetrics([[0.9, 0.6], [0.2, 0.1]], [[1, 0], [0, 0]], { mask: [[1, 0], [1, 1]] });
    assert.deepEqual(m, { hammingLoss: 0, subsetAccuracy: 1, microF1: 1, macroF1: 0.5 });
  });
  for (const c of SKLEARN.cases) {
    for (const [key, comparison] of [['gt0.5', '>'], ['ge0.5', '>=']] as const) {
      const f = c.at_threshold[key];
      if (!f) continue;
      test(`${c.name} at ${comparison} 0.5 against scikit-learn`, () => {
        const m = setMetrics(scoresOf(c), c.targets, sklearnHalfThreshold(c, comparison));
        assertClose(m.hammingLoss, f.hamming_loss, 1e-12, 'hamming');
        assertClose(m.subsetAccuracy, f.subset_accuracy, 1e-12, 'subset accuracy');
        assertClose(m.microF1, f.f1_micro, 1e-12, 'micro F1');
        assertClose(m.macroF1, f.f1_macro, 1e-12, 'macro F1');
        // Second formulation: micro F1 = OF1/100 and macro F1 = official CF1/100.
        const t = thresholdMetrics(scoresOf(c), c.targets, sklearnHalfThreshold(c, comparison));
        assertClose(m.microF1, t.OF1 / 100, 1e-12);
        assertClose(m.macroF1, t.CF1MeanOfClasses / 100, 1e-12);
      });
    }
  }
  test('input checks', () => {
    assert.throws(() => hammingLoss([[0.1]], [[2]]), (e: unknown) => e instanceof AslInputError && /hammingLoss: argument 'targets' must contain only 0 and 1/.test(e.message));
    assert.throws(() => rankingLoss([[0.1]], [[1]], { mask: [[1, 0]] }), (e: unknown) => e instanceof AslInputError && /rankingLoss: argument 'mask' must have the shape/.test(e.message));
    assert.throws(() => oneError([[0.1]], [[1]], { masks: [[1]] } as never), (e: unknown) => e instanceof AslInputError && /oneError: unknown option 'masks' \(did you mean 'mask'\? known: mask\)/.test(e.message));
    assert.throws(() => coverageError([[0.1]], [[1]], 'x' as never), (e: unknown) => e instanceof AslInputError && /coverageError: argument 'options' must be an object/.test(e.message));
  });
});
