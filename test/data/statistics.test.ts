import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryDataset, computeLabelStatistics, datasetStatistics } from '../../lib/index';
import { classFrequencyFigure, cooccurrenceFigure, labelsPerSampleFigure } from '../../packages/notebook/src/plot/dataset-stats';
import { assertClose, setupBackend } from '../helpers';

before(setupBackend);

// 4 samples × 3 classes, by hand:
//   s0: a b      s1: a      s2: (none)      s3: a   c
const T = Uint8Array.from([1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1]);
const NAMES = ['a', 'b', 'c'];

describe('label statistics', () => {
  test('hand-computed values', () => {
    const s = computeLabelStatistics(T, NAMES, { name: 'hand' });
    assert.equal(s.samples, 4);
    assert.equal(s.classes, 3);
    assert.equal(s.labelCardinality, 5 / 4);
    assert.equal(s.density, 5 / 12);
    assert.equal(s.negPosRatio, 7 / 5);
    assert.deepEqual(s.perClass.map((c) => c.positives), [3, 1, 1]);
    assert.deepEqual(s.perClass.map((c) => c.frequency), [0.75, 0.25, 0.25]);
    assert.deepEqual(s.labelsPerSample, [1, 1, 2]); // s2 has 0, s1 has 1, s0 and s3 have 2
    assert.deepEqual(s.cooccurrence, [
      [3, 1, 1],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    assert.deepEqual(s.tail(), { classesForHalfOfPositives: 1, maxMinRatio: 3, classesWithoutPositives: 0 });
  });

  test('with a mask only known labels count', () => {
    // hide s0:b (a positive) and s2:c (a negative)
    const mask = Uint8Array.from([1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]);
    const s = computeLabelStatistics(T, NAMES, { mask });
    assert.equal(s.unknownLabels, 2);
    assert.deepEqual(s.perClass.map((c) => c.positives), [3, 0, 1]);
    assert.equal(s.labelCardinality, 1);
    assert.equal(s.negPosRatio, 6 / 4);
    assert.equal(s.tail().classesWithoutPositives, 1);
  });

  test('datasetStatistics reads a mask through batches when the dataset has no knownMask()', async () => {
    const mask = Uint8Array.from([1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]);
    const ds = new InMemoryDataset({ name: 'mem', classNames: NAMES, inputShape: [1], inputs: new Float32Array(4), targets: T, mask });
    const s = await datasetStatistics(ds);
    assert.equal(s.name, 'mem');
    assert.equal(s.unknownLabels, 2);
    assert.equal(s.labelCardinality, 1);
  });

  test('errors name the argument', () => {
    assert.throws(() => computeLabelStatistics(Uint8Array.from([1, 0, 1]), NAMES.slice(0, 2)), /argument 'targets' length 3 is not a multiple of 2/);
    assert.throws(() => computeLabelStatistics(Uint8Array.from([2, 0]), ['x', 'y']), /must contain only 0 and 1, found 2 at row 0, column 0/);
  });

  test('JSON, tables, notebook display, arquero and danfo', () => {
    const s = computeLabelStatistics(T, NAMES, { name: 'hand' });
    const json = s.toJSON() as { perClass: unknown };
    assert.deepEqual(json.perClass, [
      { name: 'a', positives: 3 },
      { name: 'b', positives: 1 },
      { name: 'c', positives: 1 },
    ]);
    const bundle = s[Symbol.for('Jupyter.display') as never] as unknown as () => Record<string, string>;
    const mime = bundle.call(s);
    assert.match(mime['text/html'], /<table/);
    assert.match(mime['text/plain'], /label cardinality\s+1\.25/);
    const aq = s.toArquero();
    assert.deepEqual(aq.columnNames(), ['class', 'positives', 'frequency']);
    assert.deepEqual(aq.objects()[0], { class: 'a', positives: 3, frequency: 0.75 });
    assert.equal(s.cooccurrenceArquero().numRows(), 3);
    const df = s.toDanfo();
    assert.deepEqual(df.shape, [3, 3]);
  });

  test('figures', () => {
    const s = computeLabelStatistics(T, NAMES, { name: 'hand' });
    const f = classFrequencyFigure(s);
    assert.deepEqual(f.data[0].x, [1, 2, 3]);
    assert.deepEqual(f.data[0].text, ['a', 'b', 'c']);
    assert.deepEqual(f.data[0].y, [0.75, 0.25, 0.25]);
    // Two datasets with different classes: each by its own rank (no bar of one vanishes under the other's names).
    const other = computeLabelStatistics(Uint8Array.from([1, 0, 1, 1]), ['x', 'y'], { name: 'other' });
    const both = classFrequencyFigure([s, other]);
    assert.deepEqual(both.data[1].x, [1, 2]);
    assert.deepEqual(both.data[1].y, [1, 0.5]);
    assert.deepEqual(both.data[1].text, ['x', 'y']);
    assert.deepEqual(labelsPerSampleFigure(s).data[0].y, [0.25, 0.25, 0.5]);
    const c = cooccurrenceFigure(s);
    assert.deepEqual(c.data[0].z, [
      [1, 1 / 3, 1 / 3],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    assert.deepEqual(cooccurrenceFigure(s, { normalize: 'count', limit: 2 }).data[0].z, [
      [3, 1],
      [1, 1],
    ]);
  });
});
