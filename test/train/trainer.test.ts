import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { trainModel, ProbabilityTracker, AdaptiveAsymmetryCallback, readCheckpoint, resolveTrainConfig, referenceCnn } from '../../lib/index';
import type { TrainConfig, EpochRecord, TrainingCallback } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticVectors, syntheticImages } from './synthetic';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'asl-train-'));
const base: TrainConfig = { model: { zoo: 'reference-mlp', hidden: [16], dropout: 0.1 }, epochs: 3, batchSize: 16, lr: 1e-2, seed: 3, ema: { decay: 0.9 } };
const metricsOf = (h: readonly EpochRecord[]) => h.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss, r.valMap, r.valMapEma]);

describe('trainModel', () => {
  before(async () => {
    await setupBackend();
  });

  it('learns a synthetic problem (mAP well above chance) and reports a displayable history', async () => {
    const data = syntheticVectors();
    const r = await trainModel({ ...base, epochs: 12, lr: 0.03 }, { data, progress: 'none' });
    assert.equal(r.history.records.length, 12);
    assert.ok(r.history.records[11].trainLoss < r.history.records[0].trainLoss, 'loss decreases');
    assert.ok(r.best.valMap > 80, `best mAP ${r.best.valMap}`);
    const bundle = (r.history as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(bundle['text/plain'], /training history/);
    assert.match(bundle['text/html'], /<pre>/);
    const report = (r as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(report['text/plain'], /best mAP \d+\.\d\d \(epoch \d+/);
    assert.equal(JSON.parse(JSON.stringify(r)).history.length, 12);
    r.model?.dispose();
  });

  it('is deterministic: same seed, same backend, same metrics; another seed differs', async () => {
    const data = syntheticVectors();
    const a = await trainModel(base, { data, progress: 'none', keepModel: false });
    const b = await trainModel(base, { data, progress: 'none', keepModel: false });
    const c = await trainModel({ ...base, seed: 4 }, { data, progress: 'none', keepModel: false });
    assert.deepEqual(metricsOf(b.history.records), metricsOf(a.history.records));
    assert.notDeepEqual(metricsOf(c.history.records), metricsOf(a.history.records));
  });

  it('leaks no tensors: the live tensor count is stable across epochs', async () => {
    const data = syntheticVectors({ mask: true });
    const before = tf.memory().numTensors;
    const r = await trainModel({ ...base, epochs: 4, loss: { name: 'asl' } }, { data, progress: 'none', keepModel: false, callbacks: [new ProbabilityTracker()] });
    const counts = r.history.records.map((h) => h.numTensors);
    assert.ok(counts.every((n) => n === counts[0]), `tensor counts ${counts.join(', ')}`);
    assert.ok(tf.memory().numTensors - before <= 0, `nothing left after the run (${tf.memory().numTensors - before} left)`);
  });

  it('resume after a kill reproduces the uninterrupted run (metrics, best epoch, tracker)', async () => {
    const data = syntheticVectors({ mask: true });
    const full = new ProbabilityTracker();
    const dirA = tmp();
    const a = await trainModel(base, { data, outDir: dirA, progress: 'none', keepModel: false, callbacks: [full] });
    // Killed after the second epoch's checkpoint was written.
    const dirB = tmp();
    const kill: TrainingCallback = {
      name: 'kill',
      onEpochEnd(r) {
        if (r.epoch === 1) throw new Error('killed');
      },
    };
    await assert.rejects(trainModel(base, { data, outDir: dirB, progress: 'none', keepModel: false, callbacks: [new ProbabilityTracker(), kill] }), /killed/);
    assert.equal(readCheckpoint<{ epoch: number }>(path.join(dirB, 'checkpoints', 'last.ckpt')).meta.epoch, 1);
    const tracker = new ProbabilityTracker();
    const resumed = await trainModel(base, { data, outDir: dirB, resume: true, progress: 'none', keepModel: false, callbacks: [tracker] });
    assert.equal(resumed.resumedFromEpoch, 2);
    assert.deepEqual(metricsOf(resumed.history.records), metricsOf(a.history.records));
    assert.deepEqual(resumed.best, a.best);
    assert.deepEqual(tracker.records, full.records);
    const lines = fs.readFileSync(path.join(dirB, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    for (const f of ['config.json', 'report.json', 'checkpoints/best.ckpt']) assert.ok(fs.existsSync(path.join(dirB, f)), f);
    assert.equal(fs.readdirSync(path.join(dirB, 'checkpoints')).filter((f) => f.includes('.tmp')).length, 0, 'no temporary files left');
  });

  it('tracks mean probabilities per iteration and drives γ− with the adaptive-asymmetry controller', async () => {
    const data = syntheticVectors();
    const tracker = new ProbabilityTracker();
    const adaptive = new AdaptiveAsymmetryCallback({ gammaNeg: 4, lambda: 1, target: 0.1 });
    const r = await trainModel({ ...base, epochs: 2, loss: { name: 'asl' } }, { data, progress: 'none', keepModel: false, callbacks: [tracker, adaptive] });
    const steps = r.history.records[1].step;
    assert.equal(tracker.records.length, steps);
    for (const rec of tracker.records) {
      assert.ok(rec.meanPositive > 0 && rec.meanPositive < 1 && rec.meanNegative > 0 && rec.meanNegative < 1);
    }
    assert.equal(adaptive.controller.history.length, steps);
    const fig = tracker.toFigure();
    assert.equal(fig.data.length, 2);
    const shown = (tracker as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(shown['text/plain'], new RegExp(`${steps} iterations`));
    assert.notEqual(adaptive.controller.gammaNeg, 4, 'γ− moved');
  });

  it('trains a conv net on the default backend, with SGD and cosine, and a given LayersModel', async () => {
    const data = syntheticImages();
    const model = referenceCnn({ inputShape: [8, 8, 1], numClasses: 2, seed: 1, channels: [4, 8, 8] });
    const r = await trainModel(
      { epochs: 4, batchSize: 16, lr: 0.05, optimizer: { name: 'sgd', momentum: 0.9 }, schedule: { name: 'cosine', warmupSteps: 2 }, ema: false },
      { data, model, progress: 'none' },
    );
    assert.ok(r.history.records[3].trainLoss < r.history.records[0].trainLoss, `loss ${r.history.records.map((h) => h.trainLoss).join(', ')}`);
    assert.ok(Number.isNaN(r.history.records[0].valMapEma));
    model.dispose();
  });

  it('trains the residual CNN (batch norm, stride-2 convs, identity shortcuts) on the default backend', async () => {
    const r = await trainModel({ model: { zoo: 'residual-cnn', channels: [4, 8] }, epochs: 3, batchSize: 16, lr: 3e-3 }, { data: syntheticImages(), progress: 'none', keepModel: false });
    const h = r.history.records;
    assert.ok(h[2].trainLoss < h[0].trainLoss && r.best.valMap > 60, r.history.toText());
  });

  it('validates its config', () => {
    assert.throws(() => resolveTrainConfig({ epochs: 0 }), /epochs/);
    assert.throws(() => resolveTrainConfig({ lr: -1 }), /lr/);
    assert.equal(resolveTrainConfig({}).schedule.name, 'onecycle');
  });
});
