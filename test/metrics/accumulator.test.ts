import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  AslInputError,
  MultiLabelMetricAccumulator,
  MultiLabelReport,
  averagePrecisionPerClass,
  meanAveragePrecision,
  multiLabelReport,
  thresholdMetrics,
  topKThresholdMetrics,
} from '../../lib/index';
import { assertClose, assertNoLeak, setupBackend } from '../helpers';
import { SKLEARN } from './fixtures';

before(setupBackend);

const CASE = SKLEARN.cases.find((x) => x.name === 'rounded-60x6-ties')!;
const S = CASE.scores;
const Y = CASE.targets;

describe('multiLabelReport(scores, targets, options)', () => {
  test('gathers mAP, AP per class and CP/CR/CF1/OP/OR/OF1 from the single-purpose functions', () => {
    const r = multiLabelReport(S, Y, { threshold: 0.6, topK: 2 });
    assert.ok(r instanceof MultiLabelReport);
    assert.equal(r.samples, 60);
    assert.equal(r.classes, 6);
    assertClose(r.mAP, meanAveragePrecision(S, Y), 1e-12);
    assertClose(r.averagePrecision, averagePrecisionPerClass(S, Y), 1e-15);
    const t = thresholdMetrics(S, Y, { threshold: 0.6 });
    assert.equal(r.CF1HarmonicOfMeans, r.CF1);
    assertClose([r.CP, r.CR, r.CF1, r.CF1MeanOfClasses, r.OP, r.OR, r.OF1], [t.CP, t.CR, t.CF1, t.CF1MeanOfClasses, t.OP, t.OR, t.OF1], 1e-12);
    const k = topKThresholdMetrics(S, Y, 2, { threshold: 0.6 });
    assert.deepEqual(r.atTopK!.counts, k.counts);
    assert.deepEqual(r.positives, [0, 1, 2, 3, 4, 5].map((c) => Y.reduce((a, row) => a + row[c], 0)));
    assert.deepEqual(r.conventions, { ties: 'official', emptyClasses: 'zero', threshold: 0.6, comparison: '>', scoreType: 'probabilities', topK: 2 });
  });

  test("sklearn ties and 'skip' are passed through; the skipped class is NaN in the table", () => {
    const r = multiLabelReport(S, Y, { ties: 'sklearn', emptyClasses: 'skip' });
    assertClose(r.mAP, meanAveragePrecision(S, Y, { ties: 'sklearn', emptyClasses: 'skip' }), 1e-12);
    assert.ok(Number.isNaN(r.perClass.rows[4].AP));
  });

  test('per-class table: rows, danfo DataFrame and arquero table with the same values', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const r = multiLabelReport(S, Y, { classNames: names });
    const rows = r.perClass.rows;
    assert.deepEqual(rows.map((x) => x.class), names);
    assert.deepEqual(Object.keys(rows[0]), ['class', 'positives', 'AP', 'precision', 'recall', 'F1']);
    assertClose(rows.map((x) => x.AP), r.averagePrecision, 0);
    assertClose(rows.map((x) => x.F1), r.atThreshold.f1, 0);
    const at = r.perClass.toArquero();
    assert.equal(at.numRows(), 6);
    assert.deepEqual(at.columnNames(), ['class', 'positives', 'AP', 'precision', 'recall', 'F1']);
    assert.deepEqual(at.objects()[2], rows[2]);
    const df = r.perClass.toDanfo();
    assert.deepEqual(df.shape, [6, 6]);
    assert.deepEqual(df.columns, ['class', 'positives', 'AP', 'precision', 'recall', 'F1']);
    const first = df.values[0] as unknown[];
    assert.equal(first[0], 'a');
    assertClose(first[2] as number, rows[0].AP, 1e-6); // danfo stores floats as float32
  });

  test('notebook display: report and table give text/plain and text/html bundles', () => {
    const r = multiLabelReport(S, Y, { topK: 3 });
    const b = (r as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(b['text/plain'], /mAP \(%\)/);
    assert.match(b['text/plain'], /CF1 mean of classes/);
    assert.match(b['text/plain'], /denominator P \+ 1e-8/);
    assert.match(b['text/html'], /<table/);
    assert.match(b['text/html'], /CP top-3/);
    const t = (r.perClass as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(t['text/html'], /<th>AP<\/th>/);
    assert.match(t['text/plain'], /class 5/);
  });

  test('option checks', () => {
    const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof AslInputError && re.test(e.message));
    bad(() => multiLabelReport(S, Y, { classNames: ['a'] }), /multiLabelReport: argument 'classNames' must name all 6 classes, got 1 names/);
    bad(() => multiLabelReport(S, Y, { topK: -1 }), /argument 'topK' must be a positive integer/);
    bad(() => multiLabelReport(S, Y, { ties: 'x' as never }), /argument 'ties' must be one of/);
    bad(() => multiLabelReport(S, Y, { threshold: NaN }), /argument 'threshold' must be a finite number/);
    bad(() => multiLabelReport(S, Y, { averagePrecision: false } as never), /multiLabelReport: unknown option 'averagePrecision'/);
    bad(() => new MultiLabelMetricAccumulator({ mask: [[1]] } as never), /MultiLabelMetricAccumulator: unknown option 'mask'/);
  });
});

describe('MultiLabelMetricAccumulator', () => {
  test('batches (tensors and arrays, uneven sizes) give exactly the one-shot report', () => {
    const acc = new MultiLabelMetricAccumulator({ topK: 2, threshold: 0.6 });
    const cuts = [0, 7, 8, 30, 60];
    assertNoLeak(() => {
      for (let b = 0; b + 1 < cuts.length; b++) {
        const s = S.slice(cuts[b], cuts[b + 1]);
        const y = Y.slice(cuts[b], cuts[b + 1]);
        if (b % 2 === 0) acc.update(s, y);
        else tf.tidy(() => acc.update(tf.tensor2d(s, undefined, 'float32'), tf.tensor2d(y)));
      }
    });
    assert.equal(acc.samples, 60);
    const r = acc.compute();
    // Mixed float32/float64 batches are kept as float64: compare with float32-rounded one-shot scores
    // where the tensor batches were float32.
    const mixed = S.map((row, i) => (i >= 7 && i < 8) || (i >= 30 && i < 60) ? row.map(Math.fround) : row);
    const one = multiLabelReport(mixed, Y, { topK: 2, threshold: 0.6 });
    assertClose(r.mAP, one.mAP, 1e-12);
    assertClose(r.averagePrecision, one.averagePrecision, 1e-15);
    assert.deepEqual(r.atThreshold.counts, one.atThreshold.counts);
    assert.deepEqual(r.atTopK!.counts, one.atTopK!.counts);
  });

  test('mask per batch (and unmasked batches count as fully known)', () => {
    const mask = Y.map((row, i) => row.map((_, c) => ((i + c) % 5 === 0 ? 0 : 1)));
    const acc = new MultiLabelMetricAccumulator();
    acc.update(S.slice(0, 20), Y.slice(0, 20), mask.slice(0, 20));
    acc.update(S.slice(20), Y.slice(20));
    const fullMask = mask.map((row, i) => (i < 20 ? row : row.map(() => 1)));
    const one = multiLabelReport(S, Y, { mask: fullMask });
    const r = acc.compute();
    assertClose(r.averagePrecision, one.averagePrecision, 1e-15);
    assert.deepEqual(r.atThreshold.counts, one.atThreshold.counts);
  });

  test('reset() starts over; averagePrecision: false keeps counts only', () => {
    const acc = new MultiLabelMetricAccumulator({ averagePrecision: false });
    acc.update(S.slice(0, 10), Y.slice(0, 10));
    acc.reset();
    acc.update(S, Y);
    const r = acc.compute();
    assert.ok(Number.isNaN(r.mAP));
    assert.deepEqual(r.averagePrecision, []);
    assert.deepEqual(r.atThreshold.counts, thresholdMetrics(S, Y).counts);
    assert.equal(r.samples, 60);
  });

  test('errors: compute before update, a batch with another class count, bad batch values', () => {
    const acc = new MultiLabelMetricAccumulator();
    assert.throws(() => acc.compute(), /MultiLabelMetricAccumulator.compute: no batch was added/);
    acc.update([[0.1, 0.2]], [[1, 0]]);
    assert.throws(() => acc.update([[0.1]], [[1]]), (e: unknown) => e instanceof AslInputError && /MultiLabelMetricAccumulator.update: argument 'scores' must have 2 columns/.test(e.message));
    assert.throws(() => acc.update([[0.1, NaN]], [[1, 0]]), /argument 'scores' must be finite, found NaN at row 0, column 1/);
    assert.throws(() => acc.update([[0.1, 0.3]], [[1, 2]]), /argument 'targets' must contain only 0 and 1/);
    assert.equal(acc.samples, 1);
    assert.throws(() => new MultiLabelMetricAccumulator({ averagePrecision: 1 as never }), /argument 'averagePrecision' must be a boolean/);
  });

  test('the caller may reuse its buffer after update (scores are copied)', () => {
    const buf = Float32Array.from([0.9, 0.1]);
    const acc = new MultiLabelMetricAccumulator();
    acc.update({ values: buf, shape: [1, 2] }, [[1, 0]]);
    buf.set([0.1, 0.9]);
    acc.update({ values: buf, shape: [1, 2] }, [[0, 1]]);
    assertClose(acc.compute().mAP, 100 / (1 + 1e-8), 1e-9);
  });
});
