import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, type DatasetRef, type TrainConfig } from 'asl-workbook';
import { gridRunDir, runGrid, sharedRunDir } from 'asl-workbook-book';

describe('runGrid(spec, data)', () => {
  test('a run two grids share trains once, also when the grids run side by side', async () => {
    await initBackend();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-grid-'));
    const saved = process.env.ASL_CACHE_DIR;
    process.env.ASL_CACHE_DIR = dir;
    try {
      const data: DatasetRef = { kind: 'multifashion', options: { canvasSize: 32, trainSize: 24, valSize: 16 } };
      const base: TrainConfig = { model: { zoo: 'bn-cnn', channels: [4, 4, 4] }, epochs: 1, batchSize: 8, loss: 'bce' };
      const trained: string[] = [];
      const log = (grid: string) => (line: string) => {
        const m = /\] (.*): mAP [\d.]+ \((reused|\d+ s)\)/.exec(line);
        if (m && m[2] !== 'reused') trained.push(`${grid} ${m[1]}`);
      };
      // A: lr 1e-3 and 2e-3 (seed 0); B: lr 2e-3 and 4e-3 (seed 0) — the run at 2e-3 is the same.
      const [a, b] = await Promise.all([
        runGrid({ base, grid: { lr: [1e-3, 2e-3], seed: [0] } }, data, { workers: 1, log: log('A') }),
        runGrid({ base, grid: { lr: [2e-3, 4e-3], seed: [0] } }, data, { workers: 1, log: log('B') }),
      ]);
      assert.equal(trained.length, 3, `trained: ${trained.join('; ')}`);
      assert.equal(trained.filter((t) => t.endsWith('lr=0.002 seed=0')).length, 1);
      assert.equal(a[1].mAP, b[0].mAP, 'both grids read the one run');
      assert.deepEqual(a[1].valMap, b[0].valMap);
      const linkA = path.join(gridRunDir({ base, grid: { lr: [1e-3, 2e-3], seed: [0] } }, data), 'run-001');
      const linkB = path.join(gridRunDir({ base, grid: { lr: [2e-3, 4e-3], seed: [0] } }, data), 'run-000');
      assert.equal(fs.realpathSync(linkA), fs.realpathSync(linkB));
      assert.equal(fs.realpathSync(linkA), fs.realpathSync(sharedRunDir({ ...base, lr: 2e-3, seed: 0, name: 'lr=0.002 seed=0' }, data)));
      // Asked again, nothing trains.
      trained.length = 0;
      const again = await runGrid({ base, grid: { lr: [4e-3, 2e-3], seed: [0] } }, data, { workers: 1, log: log('C') });
      assert.deepEqual(trained, []);
      assert.equal(again[1].mAP, a[1].mAP);
    } finally {
      if (saved === undefined) delete process.env.ASL_CACHE_DIR;
      else process.env.ASL_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
