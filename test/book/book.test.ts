import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bookIndexHtml,
  bookProfile,
  byProfile,
  cachedRun,
  canonicalJson,
  codeVersion,
  notebookTitle,
  readClaims,
  recordClaim,
  reportMarkdown,
  runCacheKey,
  saveTable,
  tableToCsv,
  compare,
  verdictOf,
  notTestable,
  exactCheck,
  mapConcurrent,
} from 'asl-workbook-book';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'asl-book-'));

describe('book profile', () => {
  test('bookProfile(env) is quick only when ASL_PROFILE=quick', () => {
    assert.equal(bookProfile({ ASL_PROFILE: 'quick' }), 'quick');
    assert.equal(bookProfile({}), 'full');
    assert.equal(byProfile({ quick: 1, full: 2 }, { ASL_PROFILE: 'quick' }), 1);
    assert.equal(byProfile({ quick: 1, full: 2 }, {}), 2);
  });
});

describe('mapConcurrent(items, limit, fn)', () => {
  test('keeps at most `limit` calls in flight, starts the next as one ends, and returns results in item order', async () => {
    const delays = [30, 5, 20, 1, 10];
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const out = await mapConcurrent(delays, 2, async (ms, i) => {
      started.push(i);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return ms * 10;
    });
    assert.deepEqual(out, [300, 50, 200, 10, 100]);
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.deepEqual(await mapConcurrent([], 2, async () => 1), []);
  });

  test('starts the items `startFirst` marks before the others, results still in item order', async () => {
    const started: number[] = [];
    const out = await mapConcurrent(['a', 'B', 'c', 'D', 'e'], 2, async (s, i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, 1));
      return s.toLowerCase();
    }, (s) => s === s.toUpperCase());
    assert.deepEqual(started, [1, 3, 0, 2, 4]);
    assert.deepEqual(out, ['a', 'b', 'c', 'd', 'e']);
  });
});

describe('cachedRun(config, fn)', () => {
  test('canonicalJson ignores key order and undefined fields', () => {
    assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] }), canonicalJson({ a: [1, { d: 2 }], b: 1 }));
    assert.notEqual(runCacheKey({ a: 1 }), runCacheKey({ a: 2 }));
  });
  test('runs once per configuration and serves the cached result afterwards', async () => {
    const dir = tmp();
    let calls = 0;
    const run = async () => ({ value: ++calls });
    assert.deepEqual(await cachedRun({ lr: 1e-3 }, run, { dir }), { value: 1 });
    assert.deepEqual(await cachedRun({ lr: 1e-3 }, run, { dir }), { value: 1 });
    assert.deepEqual(await cachedRun({ lr: 2e-3 }, run, { dir }), { value: 2 }, 'another configuration runs');
    assert.deepEqual(await cachedRun({ lr: 1e-3 }, run, { dir, refresh: true }), { value: 3 });
  });
  test('callers of one configuration while it is computed share that computation', async () => {
    const dir = tmp();
    const calls: number[] = [];
    const slow = (k: number) => async () => {
      calls.push(k);
      await new Promise((r) => setTimeout(r, 30));
      return { k, call: calls.length };
    };
    const [a, b, c] = await Promise.all([cachedRun({ k: 1 }, slow(1), { dir }), cachedRun({ k: 1 }, slow(1), { dir }), cachedRun({ k: 2 }, slow(2), { dir })]);
    assert.deepEqual(calls, [1, 2], 'one computation per configuration');
    assert.equal(a, b, 'the second caller gets the first computation');
    assert.equal(c.k, 2);
    await assert.rejects(Promise.all([cachedRun({ k: 3 }, async () => Promise.reject(new Error('boom')), { dir }), cachedRun({ k: 3 }, async () => 'second', { dir })]), /boom/);
    assert.equal(await cachedRun({ k: 3 }, async () => 'after the failure', { dir }), 'after the failure', 'a failed computation is not kept');
  });
  test('never serves a result stored for another configuration or code version', async () => {
    const dir = tmp();
    await cachedRun({ x: 1 }, async () => 'first', { dir });
    const file = path.join(dir, `${runCacheKey({ x: 1 })}.json`);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...stored, version: 'another-version' }));
    assert.equal(await cachedRun({ x: 1 }, async () => 'recomputed', { dir }), 'recomputed');
    assert.match(codeVersion(), /^[0-9a-f]{16}$/);
  });
});

describe('tables and report', () => {
  test('tableToCsv quotes what needs quoting', () => {
    assert.equal(tableToCsv([{ a: 1, b: 'x,y' }, { a: 2.5, b: 'say "hi"' }]), 'a,b\n1,"x,y"\n2.5,"say ""hi"""\n');
  });
  test('saveTable writes <dir>/<name>.csv and does nothing without a folder', () => {
    const dir = tmp();
    assert.equal(saveTable([{ a: 1 }], 't', dir), path.join(dir, 't.csv'));
    assert.equal(fs.readFileSync(path.join(dir, 't.csv'), 'utf8'), 'a\n1\n');
    assert.equal(saveTable([{ a: 1 }], 't', undefined), undefined);
  });
  test('recordClaim writes per-chapter claims that reportMarkdown assembles', () => {
    const dir = tmp();
    const saved = { r: process.env.ASL_RESULTS_DIR, n: process.env.ASL_NOTEBOOK };
    process.env.ASL_RESULTS_DIR = dir;
    process.env.ASL_NOTEBOOK = '03-probabilities';
    try {
      const verdict = verdictOf([compare('gap(CE) > gap(ASL)', [0.31, 0.3, 0.33], [0.02, 0.03, 0.01])]);
      recordClaim({ id: 'gap', paperItem: 'Figure 4', paper: 'gap 0.20 → −0.03', workbook: 'gap 0.31 → 0.02', verdict, setting: 'MultiFashion, 3 seeds', note: 'bn-cnn' });
    } finally {
      process.env.ASL_RESULTS_DIR = saved.r;
      process.env.ASL_NOTEBOOK = saved.n;
    }
    const claims = readClaims(dir);
    assert.equal(claims.length, 1);
    assert.equal(claims[0].chapter, '03-probabilities');
    const md = reportMarkdown(claims, 'test');
    assert.match(md, /\| 03-probabilities \| Figure 4 \| gap 0.20 → −0.03 \| gap 0.31 → 0.02 \| \*\*holds\*\* \| gap\(CE\) > gap\(ASL\): \+0.29 ± 0.01 \(2 SE 0.03\), 3 seeds → holds \| MultiFashion, 3 seeds \|/);
    assert.match(md, /Verdicts: 1 holds/);
  });
  test('notebookTitle and bookIndexHtml', () => {
    assert.equal(notebookTitle([{ cell_type: 'code', source: '# x' }, { cell_type: 'markdown', source: ['intro\n', '# 2. Title\n'] }], 'f'), '2. Title');
    const html = bookIndexHtml('Book', [{ name: '01-a', title: 'A <b>', ok: false, seconds: 3, page: '01-a.html', error: 'cell 2' }], 'meta');
    assert.match(html, /A &lt;b&gt;/);
    assert.match(html, /cell 2/);
  });
});

describe('the verdict rule', () => {
  test('holds beyond 2 SE over ≥ 3 seeds, contradicts the other way, within noise between, paired by seed', () => {
    // paired differences 1, 2, 3: mean 2, sd 1, SE 1/√3 = 0.577 → 2 SE = 1.15 < 2 → holds
    const h = compare('a > b', [11, 12, 13], [10, 10, 10]);
    assert.equal(h.status, 'holds');
    assert.ok(Math.abs(h.diff - 2) < 1e-12 && Math.abs(h.se - 1 / Math.sqrt(3)) < 1e-12);
    assert.equal(compare('a > b', [10, 10, 10], [11, 12, 13]).status, 'contradicts');
    // differences 0.5, −0.3, 0.4: mean 0.2, SE 0.25 → within noise
    assert.equal(compare('a > b', [10.5, 9.7, 10.4], [10, 10, 10]).status, 'within noise');
    // two seeds are not enough, whatever the difference
    const two = compare('a > b', [20, 21], [10, 10]);
    assert.equal(two.status, 'not testable here');
    assert.match(two.reason!, /2 seeds; the rule needs at least 3/);
    // unpaired (Welch): different seed counts
    assert.equal(compare('a > b', [11, 12, 13, 12], [10, 10.5, 9.5], { paired: false }).status, 'holds');
  });
  test('a claim holds only when every comparison holds; one contradiction contradicts it', () => {
    const yes = compare('x', [3, 3.1, 2.9], [1, 1.1, 0.9]);
    const noise = compare('y', [1, 1.2, 0.8], [1, 1, 1]);
    const no = compare('z', [1, 1.1, 0.9], [3, 3.1, 2.9]);
    assert.equal(verdictOf([yes, yes]).status, 'holds');
    assert.equal(verdictOf([yes, noise]).status, 'within noise');
    assert.equal(verdictOf([yes, noise, no]).status, 'contradicts');
    assert.equal(notTestable('no Open Images here').status, 'not testable here');
    assert.equal(exactCheck('ASL vs official', 3e-7, 1e-5).status, 'holds');
    assert.equal(exactCheck('ASL vs official', 3e-3, 1e-5).status, 'contradicts');
  });
});
