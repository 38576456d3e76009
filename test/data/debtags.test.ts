import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import {
  hashTokenRows,
  loadDebtags,
  SparseFeatureDataset,
} from '../../lib/index';
import { buildDebtagsSnapshot, dependencyNames, parseControlStanzas } from '../../scripts/build-debtags';
import { assertClose, setupBackend } from '../helpers';
import { FIXTURES, tempFile } from './fixtures';
import { fnv1a32 } from '../../lib/data/sparse';
import { debtagsWords, dependencyStem, readDebtagsSnapshot, debtagsSplitOf, debtagsTokens } from '../../lib/data/debtags';

before(setupBackend);

describe('Debtags snapshot builder', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'debtags', 'dumpavail.txt'), 'utf8');

  test('control stanzas with continuation lines', () => {
    const st = parseControlStanzas(text);
    assert.equal(st.length, 5);
    assert.equal(st[0].get('Tag'), 'interface::commandline, role::program, scope::utility,\nuse::converting');
  });

  test('dependency names drop versions, alternatives kept, arch qualifiers removed', () => {
    assert.deepEqual(dependencyNames('libc6 (>= 2.34), libfoo2 | libbar1, python3:any'), ['libc6', 'libfoo2', 'libbar1', 'python3']);
    assert.deepEqual(dependencyNames(undefined), []);
  });

  test('stanzas of one package merge (first gives text, tags are the union); special:: tags and untagged packages dropped', () => {
    const snap = buildDebtagsSnapshot(text);
    assert.equal(snap.packages, 2);
    assert.deepEqual(snap.lines, [
      'alpha-tool\tutils\tCommand-line tool for alpha files\tdpkg libc6 libfoo2 libbar1 python3\timplemented-in::c interface::commandline role::program scope::utility use::converting',
      'libalpha-dev\tlibdevel\tDevelopment files for alpha\tlibalpha1\tdevel::library role::devel-lib',
    ]);
    assert.equal(snap.tags, 7);
  });
});

describe('Debtags features', () => {
  test('FNV-1a 32-bit reference values', () => {
    // published FNV-1a test vectors
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  test('words, stems and tokens', () => {
    assert.deepEqual(debtagsWords('GTK+ 3.0 library, for C++!'), ['gtk+', '3.0', 'library', 'for', 'c++']);
    assert.equal(dependencyStem('libgtk-3-0'), 'libgtk');
    assert.equal(dependencyStem('libboost-filesystem1.74.0'), 'libboost-filesystem');
    assert.equal(dependencyStem('python3'), 'python');
    assert.deepEqual(debtagsTokens({ name: 'p', section: 'utils', description: 'Fast tool', depends: ['libc6'], tags: [] }), [
      'w:fast',
      'w:tool',
      '2:fast tool',
      's:utils',
      'd:libc6',
      'ds:libc',
    ]);
  });

  test('hashed rows: log1p counts in FNV buckets, unit L2 norm; dense batches equal the hand-built vectors', async () => {
    const dim = 1 << 20;
    const rows = hashTokenRows([['a', 'b', 'a'], []], { dim });
    const ba = fnv1a32('a') % dim;
    const bb = fnv1a32('b') % dim;
    const va = Math.log1p(2);
    const vb = Math.log1p(1);
    const n = Math.hypot(va, vb);
    const order = ba < bb ? [ba, bb] : [bb, ba];
    assert.deepEqual(Array.from(rows.cols), order);
    const byCol = new Map([[ba, va / n], [bb, vb / n]]);
    assertClose(Array.from(rows.vals), order.map((c) => byCol.get(c)!), 1e-6);
    assert.deepEqual(Array.from(rows.rowPtr), [0, 2, 2]);
    const small = hashTokenRows([['x', 'y'], ['z']], { dim: 8, normalize: false, logCounts: false });
    const ds = new SparseFeatureDataset({ name: 't', classNames: ['c'], targets: Uint8Array.from([1, 0]), features: small });
    for await (const b of ds.batches({ batchSize: 2 })) {
      const want = new Array(16).fill(0);
      want[fnv1a32('x') % 8] += 1;
      want[fnv1a32('y') % 8] += 1;
      want[8 + (fnv1a32('z') % 8)] = 1;
      assert.deepEqual(Array.from(b.x.dataSync()), want);
      tf.dispose([b.x, b.y]);
    }
  });

  test('malformed snapshot lines name file and line', () => {
    const f = tempFile('s.tsv', '# header\npkg\tutils\tdesc\tdeps\trole::program\nbad\tline\n');
    assert.throws(() => readDebtagsSnapshot(f), /s\.tsv:3: expected 5 tab-separated fields, got 2/);
    const g = tempFile('t.tsv.gz', '');
    fs.writeFileSync(g, zlib.gzipSync('pkg\tutils\tdesc\t\tnotatag\n'));
    assert.throws(() => readDebtagsSnapshot(g), /t\.tsv\.gz:1: 'notatag' is not a facet::tag/);
    assert.throws(() => readDebtagsSnapshot('/no/such.tsv.gz'), /missing file: \/no\/such\.tsv\.gz \(build it with/);
  });
});

describe('loadDebtags on the shipped snapshot', () => {
  test('29,770 packages, 597 tags; default classes = tags with ≥ 50 packages; fixed hash split', async () => {
    const all = readDebtagsSnapshot();
    assert.equal(all.length, 29770);
    const s = await loadDebtags({ featureDim: 1 << 12 });
    assert.equal(s.info.snapshotTags, 597);
    const counts = new Map<string, number>();
    for (const p of all) for (const t of p.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    const expected = [...counts].filter(([, c]) => c >= 50).map(([t]) => t).sort();
    assert.deepEqual(s.train.classNames, expected);
    assert.equal(s.train.size + s.val.size + s.test.size + s.info.droppedUnlabeled, 29770);
    assertClose(s.train.size / 29770, 0.7, 0.02);
    assertClose(s.val.size / 29770, 0.15, 0.02);
    for (const name of s.packages.val.slice(0, 50)) assert.equal(debtagsSplitOf(name), 'val');
    assert.deepEqual(s.train.inputShape, [4096]);
    // a package by hand: 0ad
    const i = s.packages.train.indexOf('0ad');
    const where = i >= 0 ? { ds: s.train, i } : { ds: s.packages.val.includes('0ad') ? s.val : s.test, i: -1 };
    const ds = where.ds;
    const row = i >= 0 ? i : (ds === s.val ? s.packages.val : s.packages.test).indexOf('0ad');
    const t = await ds.targets();
    const k = ds.classNames.length;
    const on = ds.classNames.filter((_, c) => t[row * k + c] === 1);
    const tags = all.find((p) => p.name === '0ad')!.tags.filter((x) => (counts.get(x) ?? 0) >= 50);
    assert.deepEqual(on, tags);
    assert.ok(on.includes('game::strategy'));
    const b = await ds.take([row]);
    const x = b.x.dataSync();
    assertClose(Math.hypot(...Array.from(x)), 1, 1e-5);
    tf.dispose([b.x, b.y]);
  });

  test('options: minTagCount, keepUnlabeled, invalid values', async () => {
    const s = await loadDebtags({ featureDim: 256, minTagCount: 2000 });
    assert.ok(s.train.classNames.length < 20);
    const kept = await loadDebtags({ featureDim: 256, minTagCount: 2000, keepUnlabeled: true });
    assert.equal(kept.info.droppedUnlabeled, 0);
    assert.ok(kept.train.size > s.train.size);
    await assert.rejects(loadDebtags({ featureDim: 8 }), /argument 'featureDim'/);
    await assert.rejects(loadDebtags({ minTagCount: 1e9 }), /leaves no tag/);
  });
});
