import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError, averagePrecisionPerClass, precisionRecallCurves } from '../../lib/index';
import { precisionRecallFigure } from '../../packages/notebook/src/plot/pr-curve';
import { assertClose } from '../helpers';
import { SKLEARN, scoresOf } from './fixtures';

describe('precisionRecallCurves(scores, targets)', () => {
  test('the scikit-learn documentation example, by hand', () => {
    const [c] = precisionRecallCurves([[0.1], [0.4], [0.35], [0.8]], [[0], [0], [1], [1]]);
    assertClose(c.precision, [0.5, 2 / 3, 0.5, 1, 1], 1e-15);
    assertClose(c.recall, [1, 1, 0.5, 0.5, 0], 1e-15);
    assertClose(c.thresholds, [0.1, 0.35, 0.4, 0.8], 1e-15);
    assertClose(c.averagePrecision, 5 / 6, 1e-15);
    assert.equal(c.class, 'class 0');
    assert.equal(c.positives, 2);
  });

  test('ties form one point; a class without positives has recall 1 everywhere', () => {
    const [a, b] = precisionRecallCurves([[0.5, 0.2], [0.5, 0.2], [0.1, 0.7]], [[1, 0], [0, 0], [1, 0]], { classNames: ['cat', 'dog'] });
    assertClose(a.thresholds, [0.1, 0.5], 1e-7);
    assertClose(a.precision, [2 / 3, 1 / 2, 1], 1e-15);
    assertClose(a.recall, [1, 1 / 2, 0], 1e-15);
    assert.equal(a.class, 'cat');
    assertClose(b.recall, [1, 1, 0], 1e-15);
    assert.equal(b.averagePrecision, 0);
  });

  test('selected classes only, and the area equals averagePrecisionPerClass in sklearn mode', () => {
    const c = SKLEARN.cases.find((x) => x.name === 'rounded-60x6-ties')!;
    const curves = precisionRecallCurves(c.scores, c.targets, { classes: [3, 1] });
    assert.deepEqual(curves.map((x) => x.classIndex), [3, 1]);
    const ap = averagePrecisionPerClass(c.scores, c.targets, { ties: 'sklearn' });
    assertClose(curves.map((x) => x.averagePrecision), [ap[3], ap[1]], 1e-12);
  });

  for (const c of SKLEARN.cases) {
    test(`${c.name}: equals scikit-learn precision_recall_curve for every class`, () => {
      const curves = precisionRecallCurves(scoresOf(c), c.targets);
      curves.forEach((curve, k) => {
        const ref = c.pr_curves[k];
        assertClose(curve.precision, ref.precision, 1e-12, `class ${k} precision`);
        assertClose(curve.recall, ref.recall, 1e-12, `class ${k} recall`);
        assertClose(curve.thresholds, ref.thresholds, 0, `class ${k} thresholds`);
      });
    });
  }

  test('input checks', () => {
    const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof AslInputError && re.test(e.message));
    bad(() => precisionRecallCurves([[0.1]], [[1]], { classes: [1] }), /precisionRecallCurves: argument 'classes' must hold integers in \[0, 0\], got 1/);
    bad(() => precisionRecallCurves([[0.1]], [[1]], { classNames: ['a', 'b'] }), /argument 'classNames' must name all 1 classes/);
    bad(() => precisionRecallCurves([[0.1]], [[NaN]]), /argument 'targets' must contain only 0 and 1, found NaN/);
  });
});

describe('precisionRecallFigure(curves)', () => {
  test('one step trace per class, named with its AP, axes titled', () => {
    const curves = precisionRecallCurves([[0.1, 0.9], [0.4, 0.3], [0.35, 0.2], [0.8, 0.1]], [[0, 1], [0, 0], [1, 1], [1, 0]]);
    const fig = precisionRecallFigure(curves, { title: 'PR' });
    assert.equal(fig.data.length, 2);
    assert.equal(fig.data[0].name, 'class 0 (AP 83.33)');
    assert.deepEqual(fig.data[0].x, curves[0].recall);
    assert.deepEqual(fig.data[0].y, curves[0].precision);
    assert.equal((fig.data[1].line as { shape: string }).shape, 'hv');
    const layout = fig.layout as { title: { text: string }; xaxis: { title: { text: string } }; yaxis: { title: { text: string } } };
    assert.equal(layout.title.text, 'PR');
    assert.equal(layout.xaxis.title.text, 'recall');
    assert.equal(layout.yaxis.title.text, 'precision');
  });
});
