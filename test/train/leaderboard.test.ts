import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError, leaderboard, loadDatasetRef, loadDebtags, loadDebtagsSubset, debtagsSubsetRef } from '../../lib/index';
import { assertClose, setupBackend } from '../helpers';

before(setupBackend);

describe('leaderboard(records, { by, metric })', () => {
  const records = [
    { loss: 'bce', seed: 0, ok: true, bestMap: 10 },
    { loss: 'bce', seed: 1, ok: true, bestMap: 14 },
    { loss: 'asl', seed: 0, ok: true, bestMap: 20 },
    { loss: 'asl', seed: 1, ok: false, error: 'x' },
    { loss: 'bad', seed: 0, ok: false, error: 'y' },
  ];
  test('mean, sample std, min, max, failures, sorted best first with ranks', () => {
    const rows = leaderboard(records, { by: 'loss' });
    assert.deepEqual(rows.map((r) => r.group), ['asl', 'bce', 'bad']);
    assert.deepEqual(rows.map((r) => r.rank), [1, 2, 3]);
    assert.equal(rows[0].runs, 1);
    assert.equal(rows[0].failed, 1);
    assert.equal(rows[0].std, 0);
    assertClose(rows[1].mean, 12, 1e-12);
    assertClose(rows[1].std, Math.SQRT2 * 2, 1e-12); // sqrt(((−2)² + 2²) / 1)
    assert.equal(rows[1].min, 10);
    assert.equal(rows[1].max, 14);
    assert.ok(Number.isNaN(rows[2].mean));
  });
  test('lower is better, and object group values are labelled by their JSON', () => {
    const rows = leaderboard([{ loss: { name: 'a' }, v: 2 }, { loss: { name: 'b' }, v: 1 }], { by: 'loss', metric: 'v', higherIsBetter: false });
    assert.deepEqual(rows.map((r) => r.group), ['{"name":"b"}', '{"name":"a"}']);
  });
  test('rejects a missing group field', () => {
    assert.throws(() => leaderboard(records, {} as never), AslInputError);
  });
});

describe('loadDebtagsSubset(options)', () => {
  test('an evenly spread subset of the same rows as the full split, loadable by reference', async () => {
    const opts = { featureDim: 256, minTagCount: 200 };
    const full = await loadDebtags(opts);
    const sub = await loadDebtagsSubset({ ...opts, trainSize: 10, valSize: 5 });
    assert.equal(sub.train.size, 10);
    assert.equal(sub.val.size, 5);
    assert.deepEqual(sub.train.classNames, full.train.classNames);
    const k = full.train.classNames.length;
    const row = Math.floor((3 * full.train.size) / 10);
    const [ft, st] = [await full.train.targets(), await sub.train.targets()];
    assert.deepEqual(Array.from(st.subarray(3 * k, 4 * k)), Array.from(ft.subarray(row * k, (row + 1) * k)));
    const viaRef = await loadDatasetRef(debtagsSubsetRef({ ...opts, trainSize: 10, valSize: 5 }));
    assert.deepEqual(Array.from(await viaRef.train.targets()), Array.from(st));
    await assert.rejects(loadDebtagsSubset({ trainSize: 0 }), AslInputError);
  });
});
