import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runSweep, expandGrid, defineLoss, param } from '../../lib/index';
import { sweepWorkerEntry } from '../../lib/train/sweep';
import { setupBackend } from '../helpers';

describe('runSweep', () => {
  it('expands a grid as a cartesian product with dotted paths', () => {
    const runs = expandGrid({ base: { epochs: 2, loss: { name: 'asl', params: { gammaPos: 0 } } }, grid: { 'loss.params.gammaNeg': [1, 2], seed: [0, 1, 2] } });
    assert.equal(runs.length, 6);
    assert.deepEqual(runs[5].config.loss, { name: 'asl', params: { gammaPos: 0, gammaNeg: 2 } });
    assert.equal(runs[5].config.seed, 2);
    assert.equal(runs[0].config.epochs, 2);
    assert.throws(() => expandGrid({ base: {}, grid: { lr: [] } }), /non-empty/);
    // Every configuration is checked before anything runs.
    assert.throws(() => expandGrid({ base: { epocs: 2 } as never, grid: { seed: [0] } }), /unknown option 'epocs' \(did you mean 'epochs'/);
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

  it('re-running into the same folder reuses the runs that finished (same configuration), and runs only the rest', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-sweep-resume-'));
    const data = { kind: 'module' as const, module: path.join(__dirname, 'synthetic.ts'), exportName: 'syntheticVectors', args: [{ train: 32, val: 16 }] };
    const spec = { base: { loss: 'bce', model: { zoo: 'reference-mlp' as const, hidden: [4] }, epochs: 1, batchSize: 16 }, grid: { seed: [0, 1] } };
    const first = await runSweep(spec, { data, workers: 1, outDir });
    assert.ok(first.records.every((r) => r.ok && !r.reused));
    const again = await runSweep({ ...spec, grid: { seed: [0, 1, 2] } }, { data, workers: 1, outDir });
    assert.deepEqual(again.records.map((r) => Boolean(r.reused)), [true, true, false]);
    assert.deepEqual(again.records.slice(0, 2).map((r) => r.bestMap), first.records.map((r) => r.bestMap));
    // A changed configuration is not served from the folder.
    const changed = await runSweep({ ...spec, base: { ...spec.base, lr: 5e-3 }, grid: { seed: [0] } }, { data, workers: 1, outDir });
    assert.equal(changed.records[0].reused, undefined);
  });

  it('a loss defined in this process (not in any registry) runs here, one run at a time', async () => {
    await setupBackend();
    const cellLoss = defineLoss({
      name: 'cell-linear',
      params: { a: param.number(1, 'slope of negatives', { min: 0 }) },
      positive: ({ p }) => tf.sub(1, p),
      negative: ({ p }, { a }) => tf.mul(a, p),
    });
    const data = { kind: 'module' as const, module: path.join(__dirname, 'synthetic.ts'), exportName: 'syntheticVectors', args: [{ train: 32, val: 16 }] };
    const result = await runSweep({ base: { model: { zoo: 'reference-mlp', hidden: [4] }, epochs: 1, batchSize: 16 }, grid: { loss: [cellLoss, 'bce'] } }, { data, workers: 2 });
    assert.equal(result.records.length, 2);
    assert.deepEqual(result.records.map((r) => r.ok), [true, true]);
    assert.deepEqual(result.records.map((r) => r.loss), ['cell-linear', 'bce']);
  });

  it('tracks probabilities and the gradient share inside each run (report.json), and reuses a run only when it has the tracks asked for', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-sweep-track-'));
    const data = { kind: 'module' as const, module: path.join(__dirname, 'synthetic.ts'), exportName: 'syntheticVectors', args: [{ train: 32, val: 16 }] };
    const spec = { base: { loss: 'bce', model: { zoo: 'reference-mlp' as const, hidden: [4] }, epochs: 1, batchSize: 16 }, grid: { seed: [0] } };
    await runSweep(spec, { data, workers: 1, outDir, track: { probabilities: 1 } });
    const report = JSON.parse(fs.readFileSync(path.join(outDir, 'run-000', 'report.json'), 'utf8'));
    assert.equal(report.callbacks['probability-tracker'].length, 2, 'one record per step (2 steps)');
    assert.ok(report.callbacks['probability-tracker'].every((r: { meanPositive: number }) => r.meanPositive > 0 && r.meanPositive < 1));
    const again = await runSweep(spec, { data, workers: 1, outDir, track: { probabilities: 1 } });
    assert.equal(again.records[0].reused, true);
    const more = await runSweep(spec, { data, workers: 1, outDir, track: { probabilities: 1, gradientShare: 1 } });
    assert.equal(more.records[0].reused, undefined, 'the gradient share was not recorded before: run again');
    const report2 = JSON.parse(fs.readFileSync(path.join(outDir, 'run-000', 'report.json'), 'utf8'));
    assert.ok(report2.callbacks['gradient-share-tracker'][0].negativeShare > 0.5, 'negatives carry most of the BCE gradient');
    await assert.rejects(runSweep(spec, { data, track: { probabilites: 1 } as never }), /unknown option 'track\.probabilites'/);
  });
});
