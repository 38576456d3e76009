import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  trainModel,
  ProbabilityTracker,
  AdaptiveAsymmetryCallback,
  readCheckpoint,
  resolveTrainConfig,
  buildZooModel,
  defineLoss,
  param,
  TrainingDivergedError,
  NonFiniteOutputError,
  evaluateModel,
  TRAIN_DEFAULTS,
  InMemoryDataset,
} from '../../lib/index';
import type { TrainConfig, EpochRecord, TrainingCallback } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticVectors, syntheticImages } from './synthetic';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'asl-train-'));
const base: TrainConfig = { loss: 'bce', model: { zoo: 'reference-mlp', hidden: [16], dropout: 0.1 }, epochs: 3, batchSize: 16, lr: 1e-2, seed: 3, ema: { decay: 0.9 } };
const metricsOf = (h: readonly EpochRecord[]) => h.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss, r.valMap, r.valMapEma]);

describe('trainModel', () => {
  before(async () => {
    await setupBackend();
  });

  it('yields to the event loop while it trains (timers fire during a run, e.g. a notebook Stop button)', async () => {
    const data = syntheticVectors();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    try {
      await trainModel({ ...base, epochs: 60, ema: false }, { data, progress: 'none' });
    } finally {
      clearInterval(timer);
    }
    const ms = Date.now() - started;
    // About one yield per 50 ms of training (set-up included, so at least one per 100 ms): without them the timer would fire only between epochs.
    assert.ok(ticks >= Math.floor(ms / 100), `${ticks} timer ticks in ${ms} ms of training`);
  });

  it('learns a synthetic problem (mAP well above chance) and reports a displayable history', async () => {
    const data = syntheticVectors();
    const r = await trainModel({ ...base, epochs: 12, lr: 0.03 }, { data, progress: 'none' });
    assert.equal(r.history.records.length, 12);
    assert.ok(r.history.records[11].trainLoss < r.history.records[0].trainLoss, 'loss decreases');
    assert.ok(r.best.valMap > 80, `best mAP ${r.best.valMap}`);
    const bundle = (r.history as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(bundle['text/plain'], /training history/);
    assert.match(bundle['text/html'], /<table/);
    const report = (r as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(report['text/plain'], /best mAP \d+\.\d\d \(epoch \d+/);
    // The validation loss is the training loss (BCE, mean) here, so it equals the BCE yardstick.
    for (const rec of r.history.records) assert.ok(Math.abs(rec.valLoss - rec.valBce) < 1e-5, `${rec.valLoss} vs ${rec.valBce}`);
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
    assert.equal((readCheckpoint(path.join(dirB, 'checkpoints', 'last.ckpt')).meta as { epoch: number }).epoch, 1);
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
    const shown = (tracker as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
    assert.match(shown['text/plain'], new RegExp(`${steps} iterations`));
    assert.notEqual(adaptive.controller.gammaNeg, 4, 'γ− moved');
  });

  it('trains a conv net on the default backend, with SGD and cosine, and a given LayersModel', async () => {
    const data = syntheticImages();
    const model = buildZooModel('reference-cnn', { inputShape: [8, 8, 1], numClasses: 2, seed: 1, channels: [4, 8, 8] });
    const r = await trainModel(
      { loss: 'bce', epochs: 4, batchSize: 16, lr: 0.05, optimizer: { name: 'sgd', momentum: 0.9 }, schedule: { name: 'cosine', warmupSteps: 2 }, ema: false },
      { data, model, progress: 'none' },
    );
    assert.ok(r.history.records[3].trainLoss < r.history.records[0].trainLoss, `loss ${r.history.records.map((h) => h.trainLoss).join(', ')}`);
    assert.ok(Number.isNaN(r.history.records[0].valMapEma));
    model.dispose();
  });

  it('trains the residual CNN (batch norm, stride-2 convs, identity shortcuts) on the default backend', async () => {
    const r = await trainModel({ loss: 'bce', model: { zoo: 'residual-cnn', channels: [4, 8] }, epochs: 3, batchSize: 16, lr: 3e-3 }, { data: syntheticImages(), progress: 'none', keepModel: false });
    const h = r.history.records;
    assert.ok(h[2].trainLoss < h[0].trainLoss && r.best.valMap > 60, r.history.toText());
  });

  it('validates its config: values, unknown keys with their path and the closest key; one set of defaults', () => {
    assert.throws(() => resolveTrainConfig({ epochs: 0 }), /'epochs'/);
    assert.throws(() => resolveTrainConfig({ lr: -1 }), /'lr'/);
    assert.throws(() => resolveTrainConfig({ epocs: 1 } as never), /unknown option 'epocs' \(did you mean 'epochs'\?/);
    assert.throws(() => resolveTrainConfig({ optimizer: { name: 'adam', decay: 1 } } as never), /unknown option 'optimizer\.decay'/);
    assert.throws(() => resolveTrainConfig({ schedule: { name: 'cosine', pctStart: 0.2 } } as never), /unknown option 'schedule\.pctStart'/);
    assert.throws(() => resolveTrainConfig({ loss: 42 } as never), /loss/);
    assert.equal(resolveTrainConfig({}).schedule.name, 'onecycle');
    assert.equal(resolveTrainConfig({}).loss, 'asl');
    assert.equal(resolveTrainConfig({ task: 'single-label' }).loss, 'softmax-ce');
    assert.deepEqual(resolveTrainConfig({}), TRAIN_DEFAULTS);
  });

  it('rejects unknown options of trainModel itself', async () => {
    await assert.rejects(trainModel(base, { data: syntheticVectors(), progres: 'none' } as never), /trainModel: unknown option 'progres' \(did you mean 'progress'\?/);
  });

  it('trains with a loss object defined in place (no registry, parameters typed)', async () => {
    const halfFocal = defineLoss({
      name: 'cell-half-focal',
      params: { gamma: param.number(1, 'γ', { min: 0 }) },
      positive: ({ p, logP }, { gamma }) => tf.neg(tf.mul(tf.pow(tf.sub(1, p), gamma), logP)),
      negative: ({ p, log1mP }, { gamma }) => tf.neg(tf.mul(tf.pow(p, gamma), log1mP)),
    });
    const dir = tmp();
    const r = await trainModel({ ...base, loss: halfFocal, epochs: 2 }, { data: syntheticVectors(), outDir: dir, progress: 'none', keepModel: false });
    assert.equal(r.history.records.length, 2);
    assert.ok(r.best.valMap > 0);
    // The run folder records the loss by name and complete parameters.
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).loss, { name: 'cell-half-focal', params: { gamma: 1, reduction: 'mean' } });
    const r2 = await trainModel({ ...base, loss: halfFocal.create({ gamma: 2 }), epochs: 1 }, { data: syntheticVectors(), progress: 'none', keepModel: false });
    assert.equal(r2.history.records.length, 1);
  });

  it('stops a diverging run with a message that names the epoch and step; best is never a non-finite model', async () => {
    const dir = tmp();
    await assert.rejects(
      trainModel({ ...base, lr: 1e30, schedule: { name: 'constant' }, epochs: 3 }, { data: syntheticVectors(), outDir: dir, progress: 'none', keepModel: false }),
      (e: unknown) => e instanceof TrainingDivergedError && /training diverged at epoch \d+, step \d+: .*(loss is NaN|loss is Infinity|weight is not finite|output on the validation split is).*Try a lower learning rate/.test((e as Error).message),
    );
    const best = path.join(dir, 'checkpoints', 'best.ckpt');
    if (fs.existsSync(best)) {
      const ck = readCheckpoint(best);
      for (const a of Object.values(ck.arrays)) assert.ok(a.every(Number.isFinite), 'best checkpoint is finite');
    }
  });

  it('evaluation refuses a model whose outputs overflow although every weight is finite (named item and class)', async () => {
    // Finite weights: a bias of 3e38, doubled to +Inf, times a zero kernel: Inf · 0 = NaN.
    const data = syntheticVectors();
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 1, inputShape: [8], kernelInitializer: 'zeros', biasInitializer: tf.initializers.constant({ value: 3e38 }) }),
        tf.layers.dense({ units: 1, useBias: false, kernelInitializer: tf.initializers.constant({ value: 2 }) }),
        tf.layers.dense({ units: 3, useBias: false, kernelInitializer: 'zeros' }),
      ],
    });
    await assert.rejects(evaluateModel(model, data.val), (e: unknown) => e instanceof NonFiniteOutputError && e.item === 0 && e.classIndex === 0 && /output on synthetic-val is NaN at item 0, class 0/.test((e as Error).message));
    model.dispose();
  });

  it('resume: true needs a checkpoint; resume if-present starts fresh without one; a damaged header is named', async () => {
    const data = syntheticVectors();
    const dir = tmp();
    await assert.rejects(trainModel(base, { data, outDir: dir, resume: true, progress: 'none' }), /there is no checkpoint to resume in .*last\.ckpt is missing/);
    const fresh = await trainModel({ ...base, epochs: 1 }, { data, outDir: dir, resume: 'if-present', progress: 'none', keepModel: false });
    assert.equal(fresh.resumedFromEpoch, undefined);
    // A header whose epoch is a string (the file otherwise intact, checksum recomputed) is refused.
    const last = path.join(dir, 'checkpoints', 'last.ckpt');
    const ck = readCheckpoint(last);
    const { writeCheckpoint } = await import('../../lib/train/checkpoint');
    writeCheckpoint(last, { meta: { ...(ck.meta as object), epoch: '1' }, arrays: ck.arrays });
    await assert.rejects(trainModel({ ...base, epochs: 2 }, { data, outDir: dir, resume: true, progress: 'none', keepModel: false }), /last\.ckpt: header: 'epoch' must be number, got string/);
  });

  it('trains a single-label task: softmax loss on one-hot targets, accuracy selects the best epoch', async () => {
    const rnd = (() => {
      let x = 7;
      return () => ((x = (x * 16807) % 2147483647) / 2147483647);
    })();
    const make = (n: number) => {
      const inputs = new Float32Array(n * 4);
      const targets = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) {
        const c = i % 3;
        targets[i * 3 + c] = 1;
        for (let j = 0; j < 4; j++) inputs[i * 4 + j] = (j === c ? 2 : 0) + rnd() - 0.5;
      }
      return new InMemoryDataset({ name: 'single', classNames: ['a', 'b', 'c'], inputShape: [4], inputs, targets });
    };
    const r = await trainModel({ task: 'single-label', model: { zoo: 'reference-mlp', hidden: [8] }, epochs: 4, batchSize: 16, lr: 0.03 }, { data: { train: make(96), val: make(48) }, progress: 'none', keepModel: false });
    assert.equal(r.best.metric, 'accuracy');
    assert.ok(r.best.value > 80, `accuracy ${r.best.value}`);
    assert.ok(r.history.records.every((h) => Number.isFinite(h.valAccuracy) && Number.isFinite(h.valMacroF1)));
  });
});
