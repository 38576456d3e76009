import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AslInputError, evaluateSweepRuns, expandGrid, meanAveragePrecision, trainModel } from '../../lib/index';
import type { SweepSpec } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticVectors } from '../train/synthetic';

before(setupBackend);

test('evaluateSweepRuns: the best checkpoint of each run reproduces the trainer\'s best validation mAP', async () => {
  const data = syntheticVectors({ train: 64, val: 40, classes: 3 });
  const spec: SweepSpec = {
    base: { epochs: 2, batchSize: 16, model: { zoo: 'text-mlp', hidden: [8] }, ema: false },
    grid: { loss: [{ name: 'bce', params: { reduction: 'sum' } }, { name: 'asl' }] },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-sweep-eval-'));
  try {
    // What runSweep does per run (without worker threads): train into outDir/run-NNN.
    const best: number[] = [];
    for (const [i, run] of expandGrid(spec).entries()) {
      const r = await trainModel(run.config, { data, outDir: path.join(dir, `run-${String(i).padStart(3, '0')}`), progress: 'none', keepModel: false });
      best.push(r.best.valMap);
    }
    const runs = await evaluateSweepRuns(spec, dir, data.val, { prClasses: [0, 2], prPoints: 5 });
    assert.equal(runs.length, 2);
    runs.forEach((r, i) => {
      assert.ok(Math.abs(r.mAP - best[i]) < 1e-3, `run ${i}: ${r.mAP} vs trainer ${best[i]}`);
      // Independent: mAP from the per-class AP vector, and from the metrics function on the same AP list.
      const mean = (100 * r.averagePrecision.reduce((a, b) => a + b, 0)) / r.averagePrecision.length;
      assert.ok(Math.abs(mean - r.mAP) < 1e-6);
      assert.equal(r.averagePrecision.length, 3);
      assert.equal(r.prCurves.length, 2);
      assert.deepEqual(r.prCurves.map((c) => c.classIndex), [0, 2]);
      assert.ok(r.prCurves.every((c) => c.precision.length <= 5 && c.precision.length === c.recall.length));
      assert.ok(r.CF1 >= 0 && r.CF1 <= 100 && r.OF1 >= 0 && r.OF1 <= 100);
      assert.deepEqual(r.params, expandGrid(spec)[i].params);
    });
    assert.ok(Number.isFinite(meanAveragePrecision([[0.1, 0.9]], [[0, 1]])));
    await assert.rejects(evaluateSweepRuns({ ...spec, grid: { ...spec.grid, seed: [0, 1] } }, dir, data.val), AslInputError);
    await assert.rejects(evaluateSweepRuns(spec, dir, data.val, { threshold: 1 }), AslInputError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
