import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AslInputError,
  AP_DEFAULTS,
  OFFICIAL_AP_EPSILON,
  averagePrecisionPerClass,
  meanAveragePrecision,
} from '../../lib/index';
import { assertClose, assertNoLeak, setupBackend } from '../helpers';
import { SKLEARN, scoresOf } from './fixtures';

before(setupBackend);

const E = OFFICIAL_AP_EPSILON;

// Hand case H (rows = samples). Class 0: no ties. Class 1: all scores tied, positives at rows 0 and 3.
// Class 2: no positive.
const S = [
  [0.9, 0.5, 0.2],
  [0.8, 0.5, 0.2],
  [0.3, 0.5, 0.2],
  [0.1, 0.5, 0.2],
];
const Y = [
  [1, 1, 0],
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
];
// Hand computation:
// class 0, ranks .9(+) .8(−) .3(+) .1(−): Σ prec@pos = 1/1 + 2/3 = 5/3 (both conventions, no ties)
// class 1, official order = later rows first: rows 3(+), 2, 1, 0(+): Σ = 1/1 + 2/4 = 3/2;
//          sklearn: one step of 4 with 2 positives: AP = 2/4
const official0 = (5 / 3) / (2 + E);
const official1 = (3 / 2) / (2 + E);

describe('averagePrecisionPerClass(scores, targets) by hand (module comment formulas)', () => {
  test('the worked example of asl-reference.md §3.1: [0.9, 0.8, 0.7, 0.6] / [1, 0, 1, 0] → (1 + 2/3)/2', () => {
    const ap = averagePrecisionPerClass([[0.9], [0.8], [0.7], [0.6]], [[1], [0], [1], [0]]);
    assertClose(ap, [(1 + 2 / 3) / (2 + E)], 1e-15);
    assertClose(averagePrecisionPerClass([[0.9], [0.8], [0.7], [0.6]], [[1], [0], [1], [0]], { ties: 'sklearn' }), [5 / 6], 1e-15);
  });

  test("official ties (default): later-indexed samples first; 'sklearn': one step per tie group", () => {
    assertClose(averagePrecisionPerClass(S, Y), [official0, official1, 0], 1e-15);
    assertClose(averagePrecisionPerClass(S, Y, { ties: 'sklearn' }), [5 / 6, 0.5, 0], 1e-15);
  });

  test('all scores tied: official AP depends on where the positive sits (asl-reference.md §3.1: 0.25 and 1.0)', () => {
    const s = [[0.5], [0.5], [0.5], [0.5]];
    assertClose(averagePrecisionPerClass(s, [[1], [0], [0], [0]]), [(1 / 4) / (1 + E)], 1e-15);
    assertClose(averagePrecisionPerClass(s, [[0], [0], [0], [1]]), [1 / (1 + E)], 1e-15);
    // sklearn: a single step at precision P/N whatever the position.
    assertClose(averagePrecisionPerClass(s, [[1], [0], [0], [0]], { ties: 'sklearn' }), [0.25], 1e-15);
    assertClose(averagePrecisionPerClass(s, [[0], [0], [0], [1]], { ties: 'sklearn' }), [0.25], 1e-15);
  });

  test("landscape.md §3.1 tie table: y=[1,0,1,0], s=[.9,.5,.5,.1] → official 1.0, sklearn 0.8333", () => {
    const s = [[0.9], [0.5], [0.5], [0.1]];
    assertClose(averagePrecisionPerClass(s, [[1], [0], [1], [0]]), [2 / (2 + E)], 1e-15);
    assertClose(averagePrecisionPerClass(s, [[1], [0], [1], [0]], { ties: 'sklearn' }), [5 / 6], 1e-15);
    // Same tie, labels in the other order: y=[1,1,0,0] → official 0.8333, sklearn 0.8333.
    assertClose(averagePrecisionPerClass(s, [[1], [1], [0], [0]]), [(1 + 2 / 3) / (2 + E)], 1e-15);
    assertClose(averagePrecisionPerClass(s, [[1], [1], [0], [0]], { ties: 'sklearn' }), [5 / 6], 1e-15);
  });

  test("a class with no positives: 0 with emptyClasses 'zero' (default), NaN with 'skip'", () => {
    for (const ties of ['official', 'sklearn'] as const) {
      assert.equal(averagePrecisionPerClass(S, Y, { ties })[2], 0);
      assert.ok(Number.isNaN(averagePrecisionPerClass(S, Y, { ties, emptyClasses: 'skip' })[2]));
    }
  });

  test('a class with only positives: official P/(P + 1e-8) = 0.99999999…, sklearn exactly 1', () => {
    const y = [[1], [1], [1]];
    const s = [[0.2], [0.9], [0.2]];
    assertClose(averagePrecisionPerClass(s, y), [3 / (3 + E)], 1e-15);
    assert.equal(averagePrecisionPerClass(s, y, { ties: 'sklearn' })[0], 1);
  });

  test('a single sample', () => {
    const s = [[0.3, 0.7]];
    const y = [[1, 0]];
    assertClose(averagePrecisionPerClass(s, y), [1 / (1 + E), 0], 1e-15);
    assertClose(averagePrecisionPerClass(s, y, { ties: 'sklearn' }), [1, 0], 1e-15);
    assertClose(averagePrecisionPerClass(s, y, { emptyClasses: 'skip' }), [1 / (1 + E), NaN], 1e-15);
  });

  test('+0 and −0 are one tie; negative scores (logits) rank below positive ones', () => {
    // official: rows 2 (−0, +) and 1 (+0, −) tie; later row 2 first → rank 2 after the 5.
    const ap = averagePrecisionPerClass([[5], [0], [-0], [-3]], [[0], [0], [1], [0]]);
    assertClose(ap, [(1 / 2) / (1 + E)], 1e-15);
    assertClose(averagePrecisionPerClass([[5], [0], [-0], [-3]], [[0], [0], [1], [0]], { ties: 'sklearn' }), [1 / 3], 1e-15);
  });

  test('float64 scores that differ below float32 precision are not ties (64-bit keys)', () => {
    const a = 0.5;
    const b = 0.5 + 1e-12; // Math.fround(b) === 0.5, but b > a
    const s = [[a], [b], [a], [-1e-300], [1e-300]];
    const y = [[0], [1], [0], [0], [1]];
    // Descending: b(+), a(row 2), a(row 0), 1e-300(+), −1e-300 → Σ = 1/1 + 2/4.
    assertClose(averagePrecisionPerClass(s, y), [(1 + 2 / 4) / (2 + E)], 1e-15);
    assertClose(averagePrecisionPerClass(s, y, { ties: 'sklearn' }), [(1 + 2 / 4) / 2], 1e-15);
  });
});

describe('meanAveragePrecision(scores, targets, options) by hand', () => {
  test('defaults are the official convention, macro, empty classes as 0; result in percent', () => {
    assert.deepEqual(AP_DEFAULTS, { ties: 'official', emptyClasses: 'zero', average: 'macro' });
    assertClose(meanAveragePrecision(S, Y), (100 * (official0 + official1 + 0)) / 3, 1e-12);
  });

  test('perfect ranking gives 99.999999 in the official convention and 100 in sklearn mode', () => {
    const s = [[0.9, 0.1], [0.8, 0.9]];
    const y = [[1, 0], [0, 1]];
    assertClose(meanAveragePrecision(s, y), 100 / (1 + E), 1e-12);
    assertClose(meanAveragePrecision(s, y), 99.999999, 1e-9);
    assert.equal(meanAveragePrecision(s, y, { ties: 'sklearn' }), 100);
  });

  test("emptyClasses 'skip' drops the class from the mean (torchmetrics)", () => {
    assertClose(meanAveragePrecision(S, Y, { emptyClasses: 'skip' }), (100 * (official0 + official1)) / 2, 1e-12);
    assertClose(meanAveragePrecision(S, Y, { ties: 'sklearn', emptyClasses: 'skip' }), (100 * (5 / 6 + 1 / 2)) / 2, 1e-12);
    assertClose(meanAveragePrecision(S, Y, { ties: 'sklearn' }), (100 * (5 / 6 + 1 / 2)) / 3, 1e-12);
  });

  test("average 'weighted' weights by positives; 'none' gives the per-class vector in percent", () => {
    assertClose(meanAveragePrecision(S, Y, { ties: 'sklearn', average: 'weighted' }), 100 * ((2 * 5) / 6 + 2 / 2) / 4, 1e-12);
    assertClose(meanAveragePrecision(S, Y, { average: 'weighted' }), 100 * (2 * official0 + 2 * official1) / 4, 1e-12);
    assertClose(meanAveragePrecision(S, Y, { average: 'none' }), [100 * official0, 100 * official1, 0], 1e-12);
    assertClose(meanAveragePrecision(S, Y, { average: 'none', emptyClasses: 'skip' }), [100 * official0, 100 * official1, NaN], 1e-12);
  });

  test("average 'micro': all cells flattened row-major into one ranking", () => {
    // Flat scores .9 .5 .2 .8 .5 .2 .3 .5 .2 .1 .5 .2, 4 positives (flat 0, 1, 6, 10).
    // sklearn steps: .9 (tp 1/1), .5 group of 4 with 2 positives (tp 3/6), .3 (tp 4/7):
    //   AP = (1·1 + 2·(3/6) + 1·(4/7)) / 4 = 9/14.
    assertClose(meanAveragePrecision(S, Y, { ties: 'sklearn', average: 'micro' }), (100 * 9) / 14, 1e-12);
    // official: .9 (+, rank 1), .8, then the .5 group with later flat index first: 10(+), 7, 4, 1(+), then .3(+):
    //   Σ = 1/1 + 2/3 + 3/6 + 4/7 = 115/42.
    assertClose(meanAveragePrecision(S, Y, { average: 'micro' }), (100 * (115 / 42)) / (4 + E), 1e-12);
  });

  test('no positive anywhere: 0 with zero, NaN with skip; weighted gives 0 as scikit-learn', () => {
    const y = [[0, 0], [0, 0]];
    const s = [[0.1, 0.2], [0.3, 0.4]];
    assert.equal(meanAveragePrecision(s, y), 0);
    assert.equal(meanAveragePrecision(s, y, { average: 'weighted' }), 0);
    assert.equal(meanAveragePrecision(s, y, { average: 'micro' }), 0);
    assert.ok(Number.isNaN(meanAveragePrecision(s, y, { emptyClasses: 'skip' })));
    assert.ok(Number.isNaN(meanAveragePrecision(s, y, { emptyClasses: 'skip', average: 'micro' })));
  });

  test('mask: unknown labels are left out, as if the cell were absent', () => {
    // Class 0 without row 1 (.8, −): .9(+) .3(+) .1(−) → Σ = 1 + 1. Class 1 without row 0: rows 3(+),2,1 → Σ = 1.
    const mask = [
      [1, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ];
    assertClose(averagePrecisionPerClass(S, Y, { mask }), [2 / (2 + E), 1 / (1 + E), 0], 1e-15);
    assertClose(averagePrecisionPerClass(S, Y, { mask, ties: 'sklearn' }), [1, 1 / 3, 0], 1e-15);
    // A class whose known labels hold no positive is an empty class.
    const mask2 = [
      [0, 1, 1],
      [1, 1, 1],
      [0, 1, 1],
      [1, 1, 1],
    ];
    assert.ok(Number.isNaN(averagePrecisionPerClass(S, Y, { mask: mask2, emptyClasses: 'skip' })[0]));
    // Micro with a mask equals micro over the kept cells.
    const kept = { values: [0.9, 0.2, 0.5, 0.2, 0.3, 0.5, 0.2, 0.1, 0.5, 0.2], shape: [10, 1] };
    const keptY = { values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0], shape: [10, 1] };
    assertClose(
      meanAveragePrecision(S, Y, { mask, average: 'micro', ties: 'sklearn' }),
      meanAveragePrecision(kept, keptY, { ties: 'sklearn' }),
      1e-12,
    );
  });

  test('input forms agree: nested arrays, Float32Array rows, { values, shape }, tensors (no tensor leak)', () => {
    const expected = meanAveragePrecision(S, Y);
    assertClose(meanAveragePrecision(S.map((r) => Float32Array.from(r)), Y), meanAveragePrecision({ values: Float32Array.from(S.flat()), shape: [4, 3] }, Y), 1e-12);
    assertClose(meanAveragePrecision({ values: S.flat(), shape: [4, 3] }, { values: Uint8Array.from(Y.flat()), shape: [4, 3] }), expected, 1e-12);
    const st = tf.tensor2d(S);
    const yt = tf.tensor2d(Y, undefined, 'int32');
    const yb = tf.tensor2d(Y).cast('bool');
    assertNoLeak(() => {
      assertClose(meanAveragePrecision(st, yt), meanAveragePrecision(S.map((r) => Float32Array.from(r)), Y), 1e-12);
      assertClose(meanAveragePrecision(st, yb), meanAveragePrecision(st, Y), 1e-12);
    });
    tf.dispose([st, yt, yb]);
  });

  test('AP is invariant to a monotone transform of the scores (probabilities vs logits)', () => {
    const c = SKLEARN.cases.find((x) => x.name === 'random-200x5-float32')!;
    const probs = c.scores.map((r) => r.map((p) => Math.min(Math.max(p, 1e-6), 1 - 1e-6)));
    const logits = probs.map((r) => r.map((p) => Math.log(p / (1 - p))));
    for (const ties of ['official', 'sklearn'] as const) {
      assertClose(meanAveragePrecision(logits, c.targets, { ties }), meanAveragePrecision(probs, c.targets, { ties }), 1e-12);
    }
  });
});

describe(`against scikit-learn and a numpy port of the official rule (${SKLEARN.provenance.slice(0, 40)}…)`, () => {
  for (const c of SKLEARN.cases) {
    test(`${c.name}: per-class AP, macro, micro, weighted`, () => {
      const s = scoresOf(c);
      assertClose(averagePrecisionPerClass(s, c.targets, { ties: 'sklearn' }), c.ap_per_class, 1e-12, 'sklearn per class');
      assertClose(averagePrecisionPerClass(s, c.targets), c.official_ap, 1e-12, 'official per class');
      assertClose(meanAveragePrecision(s, c.targets, { average: 'micro' }), 100 * c.official_ap_micro, 1e-10, 'official micro');
      if (c.ap_macro !== null) {
        assertClose(meanAveragePrecision(s, c.targets, { ties: 'sklearn' }), 100 * c.ap_macro, 1e-10, 'macro');
        assertClose(meanAveragePrecision(s, c.targets, { ties: 'sklearn', average: 'micro' }), 100 * c.ap_micro!, 1e-10, 'micro');
        assertClose(meanAveragePrecision(s, c.targets, { ties: 'sklearn', average: 'weighted' }), 100 * c.ap_weighted!, 1e-10, 'weighted');
      }
    });
  }

  test('the fixtures exercise ties: official and sklearn differ on the rounded case by more than a point', () => {
    const c = SKLEARN.cases.find((x) => x.name === 'rounded-60x6-ties')!;
    const d = meanAveragePrecision(c.scores, c.targets) - meanAveragePrecision(c.scores, c.targets, { ties: 'sklearn' });
    assert.ok(d > 1, `difference ${d}`);
  });
});

describe('a larger random check of the radix ranking against a comparator sort', () => {
  test('1000×3 scores with many ties, negatives and float64 values: official AP equals a direct implementation', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 1000;
    const cols = [
      Array.from({ length: n }, () => Math.round(rand() * 20) / 20 - 0.5), // coarse ties, negatives
      Array.from({ length: n }, () => rand() * 1e3 - 500), // float64, no float32 image
      Array.from({ length: n }, () => Math.fround(rand())), // float32 values
    ];
    const y = cols.map(() => Array.from({ length: n }, () => (rand() < 0.2 ? 1 : 0)));
    const s = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
    const t = Array.from({ length: n }, (_, i) => y.map((c) => c[i]));
    const direct = cols.map((c, k) => {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => c[b] - c[a] || b - a);
      let tp = 0;
      let sum = 0;
      order.forEach((i, r) => {
        if (y[k][i] === 1) sum += ++tp / (r + 1);
      });
      return sum / (tp + E);
    });
    assertClose(averagePrecisionPerClass(s, t), direct, 1e-13);
  });
});

describe('input checks name the function, the argument and the problem', () => {
  const fn = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof AslInputError && re.test(e.message));
  test('shapes, values and empty input', () => {
    fn(() => meanAveragePrecision([[0.1, 0.2]], [[1]]), /meanAveragePrecision: argument 'targets' must have the shape of 'scores' \[1, 2\], got \[1, 1\]/);
    fn(() => meanAveragePrecision([[NaN, 0.2]], [[1, 0]]), /argument 'scores' must be finite, found NaN at row 0, column 0/);
    fn(() => meanAveragePrecision([[0.1, Infinity]], [[1, 0]]), /'scores' must be finite, found Infinity at row 0, column 1/);
    fn(() => meanAveragePrecision([[0.1, 0.2]], [[1, 0.5]]), /'targets' must contain only 0 and 1, found 0.5 at row 0, column 1/);
    fn(() => meanAveragePrecision([[0.1, 0.2]], [[1, -1]]), /found -1 at row 0, column 1/);
    fn(() => meanAveragePrecision([], []), /'scores' must not be empty/);
    fn(() => meanAveragePrecision([[]], [[]]), /'scores' must not be empty, got shape \[1, 0\]/);
    fn(() => meanAveragePrecision([[0.1], [0.2, 0.3]], [[1], [0]]), /must be rectangular: row 0 has 1 columns, row 1 has 2/);
    fn(() => meanAveragePrecision({ values: [1, 2, 3], shape: [2, 2] }, [[1]]), /has 3 values, which does not match its shape \[2, 2\]/);
    fn(() => meanAveragePrecision([0.1, 0.2] as never, [1, 0] as never), /must be a 2-D array/);
    const v = tf.tensor1d([0.1, 0.2]);
    fn(() => meanAveragePrecision(v, [[1, 0]]), /must be a 2-D \[samples, classes\] tensor, got shape \[2\]/);
    v.dispose();
    fn(() => averagePrecisionPerClass([[0.1]], [[1]], { mask: [[2]] }), /averagePrecisionPerClass: argument 'mask' must contain only 0 and 1/);
    fn(() => averagePrecisionPerClass([[0.1]], [[1]], { mask: [[1, 1]] }), /argument 'mask' must have the shape of 'scores'/);
  });
  test('options', () => {
    fn(() => meanAveragePrecision([[0.1]], [[1]], { ties: 'stable' as never }), /argument 'ties' must be one of 'official', 'sklearn', got "stable"/);
    fn(() => meanAveragePrecision([[0.1]], [[1]], { emptyClasses: 'nan' as never }), /argument 'emptyClasses' must be one of 'zero', 'skip'/);
    fn(() => meanAveragePrecision([[0.1]], [[1]], { average: 'samples' as never }), /argument 'average' must be one of 'macro', 'micro', 'weighted', 'none'/);
    fn(() => meanAveragePrecision([[0.1]], [[1]], 3 as never), /argument 'options' must be an object/);
    fn(() => meanAveragePrecision([[0.1]], [[1]], { tie: 'sklearn' } as never), /meanAveragePrecision: unknown option 'tie' \(did you mean 'ties'\? known: ties, emptyClasses, average, mask\)/);
  });
});
