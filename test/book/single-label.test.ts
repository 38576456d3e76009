import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { asymmetricLossSingleLabel, initBackend } from 'asl-workbook';
import {
  comparisonRunFolder,
  gridRunDir,
  singleLabelEffectiveTargets,
  singleLabelGradient,
  singleLabelLoss,
  singleLabelRuns,
  singleLabelSettingText,
  smoothedTargets,
  softmaxProbabilities,
  summariseSingleLabel,
  trueClassCurve,
  type ComparisonResult,
  type ComparisonRun,
} from 'asl-workbook-book';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b} (tolerance ${tol})`);

describe('single-label ASL in closed form', () => {
  const Z = [
    [2, 0.5, -1, 0],
    [0.1, 0.2, 3.0, -2],
  ];
  const labels = [0, 1];
  const meanLoss = (params: Parameters<typeof singleLabelLoss>[2]) => (singleLabelLoss(Z[0], labels[0], params) + singleLabelLoss(Z[1], labels[1], params)) / 2;

  test('the loss matches the official ASLSingleLabel reference values (float64 re-implementation)', () => {
    close(meanLoss({}), 1.507739, 1e-6);
    close(meanLoss({ gammaNeg: 0 }), 1.703986, 1e-6);
    close(meanLoss({ eps: 0 }), 1.628986, 1e-6);
    close(meanLoss({ gammaPos: 1 }), 1.322257, 1e-6);
  });

  test('effective targets: CE is the one-hot target, γ− = 0 the smoothed target', () => {
    const p = softmaxProbabilities([1, -2, 0.3, 2]);
    assert.deepEqual(singleLabelEffectiveTargets(p, 2, { eps: 0 }), [0, 0, 1, 0]);
    singleLabelEffectiveTargets(p, 2, { gammaNeg: 0, eps: 0.2 }).forEach((s, c) => close(s, smoothedTargets(4, 2, 0.2)[c], 1e-15));
    // A wrong class's smoothing mass is ε/C · p^γ− (1 + γ− log p): negative below p = e^(−1/γ−).
    const s = singleLabelEffectiveTargets([0.5, 0.3, 0.2], 0, { gammaNeg: 4, eps: 0.3 });
    close(s[1], (0.3 / 3) * 0.3 ** 4 * (1 + 4 * Math.log(0.3)), 1e-15);
    assert.ok(s[1] < 0);
  });

  test('the closed-form gradient equals autodiff through asymmetricLossSingleLabel', async () => {
    await initBackend({ backend: 'cpu' });
    const logits = [
      [1.5, -0.5, 0.2, 3.1, -2.0],
      [-1.0, 0.0, 0.5, 0.25, 2.0],
      [4.0, -3.0, 1.0, 0.0, -0.5],
    ];
    const y = [3, 1, 0];
    for (const params of [{}, { gammaNeg: 0 }, { eps: 0 }, { gammaPos: 1 }, { gammaPos: 2, gammaNeg: 2, eps: 0.3 }]) {
      const g = tf.tidy(() => tf.grad((z: tf.Tensor) => asymmetricLossSingleLabel(z, y, { ...params, reduction: 'sum' }))(tf.tensor2d(logits)).arraySync() as number[][]);
      logits.forEach((row, i) => singleLabelGradient(row, y[i], params).forEach((v, j) => close(v, g[i][j], 2e-6)));
    }
  });

  test('the true-class curve: CE pushes by 1 − p, label smoothing turns at 1 − ε + ε/C', () => {
    const grid = [0.1, 0.5, 0.9, 0.95];
    const ce = trueClassCurve(grid, 10, { eps: 0 });
    ce.push.forEach((v, i) => close(v, 1 - grid[i], 1e-12));
    ce.loss.forEach((v, i) => close(v, -Math.log(grid[i]), 1e-12));
    const ls = trueClassCurve(grid, 10, { gammaNeg: 0, eps: 0.1 });
    ls.push.forEach((v, i) => close(v, 0.91 - grid[i], 1e-12));
    assert.throws(() => trueClassCurve([1], 10), /pGrid/);
  });
});

describe('single-label comparison runs', () => {
  test('finds every run folder of a comparison (grid, extensions, other seeds) and reads accuracy and macro-F1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-single-label-'));
    const saved = process.env.ASL_CACHE_DIR;
    process.env.ASL_CACHE_DIR = dir;
    try {
      const plan: ComparisonResult['plan'] = {
        id: 'test-single-label',
        data: { kind: 'multifashion', options: { mode: 'single-label', trainSize: 10, valSize: 10 } },
        base: { task: 'single-label', epochs: 2 },
        arms: [
          { label: 'CE', loss: { name: 'softmax-ce' } },
          { label: 'ASL', loss: { name: 'asl-single-label' } },
        ],
        seeds: [0, 1, 2],
        lrGrid: [1e-3, 2e-3],
      };
      // CE: grid [1e-3, 2e-3] on seed 0, extended by 4e-3 (best at the edge), then 2e-3 chosen; ASL: 1e-3 chosen.
      const runs: ComparisonRun[] = [];
      const write = (arm: string, lrs: number[], seeds: number[], accuracyOf: (lr: number, seed: number) => number) => {
        const loss = plan.arms.find((a) => a.label === arm)!.loss;
        const folder = gridRunDir({ base: { ...plan.base, loss }, grid: { lr: lrs, seed: seeds } }, plan.data);
        let i = 0;
        for (const lr of lrs) {
          for (const seed of seeds) {
            const runDir = path.join(folder, `run-${String(i++).padStart(3, '0')}`);
            fs.mkdirSync(runDir, { recursive: true });
            const acc = accuracyOf(lr, seed);
            const history = [0, 1].map((epoch) => ({ epoch, trainLoss: 1 - epoch / 2, valAccuracy: acc - 1 + epoch, valMacroF1: acc - 2 + epoch, valMap: null }));
            fs.writeFileSync(path.join(runDir, 'report.json'), JSON.stringify({ config: { lr, seed }, history, best: { epoch: 1, metric: 'accuracy' } }));
          }
        }
      };
      const acc = (lr: number, seed: number) => 80 + lr * 1000 + seed;
      write('CE', [1e-3, 2e-3], [0], acc);
      write('CE', [4e-3], [0], acc);
      write('CE', [2e-3], [1, 2], acc);
      write('ASL', [1e-3, 2e-3], [0], acc);
      write('ASL', [1e-3], [1, 2], acc);
      const run = (arm: string, lr: number, seed: number): ComparisonRun => ({ arm, lr, seed, params: {}, ok: true, mAP: 50, CF1: 0, OF1: 0, averagePrecision: [], bestEpoch: 1, valMap: [], trainLoss: [], seconds: 0 });
      runs.push(run('CE', 2e-3, 0), run('CE', 2e-3, 1), run('CE', 2e-3, 2), run('ASL', 1e-3, 0), run('ASL', 1e-3, 1), run('ASL', 1e-3, 2));
      const result = { plan, runs } as Pick<ComparisonResult, 'plan' | 'runs'>;
      const full: ComparisonResult = { ...result, lrSearch: [], chosenLr: { CE: 2e-3, ASL: 1e-3 }, lrInterior: { CE: true, ASL: false }, classNames: [], trainPositives: [], valPositives: [], prClasses: [], seconds: 0 };
      assert.match(comparisonRunFolder(full, { arm: 'CE', lr: 4e-3, seed: 0 }), /run-000$/);
      assert.match(comparisonRunFolder(full, { arm: 'CE', lr: 2e-3, seed: 2 }), /run-001$/);
      assert.throws(() => comparisonRunFolder(full, { arm: 'CE', lr: 8e-3, seed: 0 }), /missing/);
      assert.throws(() => comparisonRunFolder(full, { arm: 'focal', lr: 1e-3, seed: 0 }), /not in the comparison/);
      const read = await singleLabelRuns(full);
      assert.deepEqual(read.map((r) => [r.arm, r.seed, r.accuracy, r.macroF1]), [
        ['CE', 0, 82, 81],
        ['CE', 1, 83, 82],
        ['CE', 2, 84, 83],
        ['ASL', 0, 81, 80],
        ['ASL', 1, 82, 81],
        ['ASL', 2, 83, 82],
      ]);
      assert.deepEqual(read[0].valAccuracy, [81, 82]);
      const summary = summariseSingleLabel(read, ['ASL', 'CE'], [0, 1, 2]);
      assert.equal(summary[0].arm, 'ASL');
      assert.deepEqual(summary[1].accuracy, [82, 83, 84]);
      close(summary[1].accuracyStats.mean, 83, 1e-12);
      close(summary[1].accuracyStats.sd, 1, 1e-12);
      assert.throws(() => summariseSingleLabel(read, ['focal'], [0]), /no run of 'focal'/);
      assert.equal(
        singleLabelSettingText(full),
        'Fashion-MNIST (10 classes, 28×28), 10 training / 10 validation images, the default model from scratch, adam, onecycle learning rate chosen per loss, batch 64, 2 epochs, seeds 0, 1, 2',
      );
    } finally {
      if (saved === undefined) delete process.env.ASL_CACHE_DIR;
      else process.env.ASL_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
