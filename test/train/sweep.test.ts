import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSweep, expandGrid, sweepWorkerEntry } from '../../lib/index';

describe('runSweep', () => {
  it('expands a grid as a cartesian product with dotted paths', () => {
    const runs = expandGrid({ base: { epochs: 2, loss: { name: 'asl', params: { gammaPos: 0 } } }, grid: { 'loss.params.gammaNeg': [1, 2], seed: [0, 1, 2] } });
    assert.equal(runs.length, 6);
    assert.deepEqual(runs[5].config.loss, { name: 'asl', params: { gammaPos: 0, gammaNeg: 2 } });
    assert.equal(runs[5].config.seed, 2);
    assert.equal(runs[0].config.epochs, 2);
    assert.throws(() => expandGrid({ base: {}, grid: { lr: [] } }), /non-empty/);
  });

  it('finds its worker entry next to itself (.ts under tsx)', () => {
    const e = sweepWorkerEntry();
    assert.ok(fs.existsSync(e.file), e.file);
  });

  it('runs 4 short runs on 2 workers and returns 4 tidy records; a failing run is reported, not fatal', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-sweep-'));
    const data = { kind: 'module' as const, module: path.join(__dirname, 'synthetic.ts'), exportName: 'syntheticVectors', args: [{ train: 48, val: 24 }] };
    const seen: number[] = [];
    const result = await runSweep(
      { base: { model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 2, batchSize: 16, lr: 1e-2 }, grid: { loss: [{ name: 'bce' }, { name: 'asl' }], seed: [0, 1] } },
      { data, workers: 2, outDir, onResult: (_r, done) => seen.push(done) },
    );
    assert.equal(result.records.length, 4);
    assert.deepEqual(seen, [1, 2, 3, 4]);
    for (const r of result.records) {
      assert.equal(r.ok, true, String(r.error));
      assert.ok(typeof r.bestMap === 'number' && r.bestMap > 0);
      assert.ok(typeof r.loss === 'string' && typeof r.seed === 'number');
    }
    assert.ok(fs.existsSync(path.join(outDir, 'results.csv')));
    assert.equal(fs.readFileSync(path.join(outDir, 'results.csv'), 'utf8').trim().split('\n').length, 5);
    const table = result.table() as { numRows(): number };
    assert.equal(table.numRows(), 4);
    // A bad configuration fails alone.
    const bad = await runSweep({ base: { model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 1, batchSize: 16 }, grid: { loss: [{ name: 'bce' }, { name: 'no-such-loss' }] } }, { data, workers: 1 });
    assert.equal(bad.records.length, 2);
    assert.equal(bad.records[0].ok, true);
    assert.equal(bad.records[1].ok, false);
    assert.match(String(bad.records[1].error), /no-such-loss/);
  });
});
