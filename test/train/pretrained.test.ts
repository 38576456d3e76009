import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadLayersModelFromDisk, saveLayersModelToDisk, withMultiLabelHead, buildZooModel, trainModel } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticImages } from './synthetic';

describe('pretrained backbones from disk', () => {
  before(async () => {
    await setupBackend();
  });

  it('round-trips a model through model.json + weights.bin and fine-tunes it with a new multi-label head', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-backbone-'));
    const original = buildZooModel('reference-cnn', { inputShape: [8, 8, 1], numClasses: 5, seed: 7, channels: [4, 4, 8] });
    await saveLayersModelToDisk(original, dir);
    assert.ok(fs.existsSync(path.join(dir, 'model.json')) && fs.existsSync(path.join(dir, 'weights.bin')));
    const loaded = await loadLayersModelFromDisk(dir);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1);
    const a = original.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
    // Cut before global pooling (a feature map): the head pools it, then dense(2).
    const convName = loaded.layers.filter((l) => l.getClassName() === 'Conv2D').pop()!.name;
    const frozen = withMultiLabelHead(loaded, { numClasses: 2, cutAt: convName, freezeBackbone: true, seed: 1 });
    assert.deepEqual(frozen.outputs[0].shape, [null, 2]);
    assert.equal(frozen.trainableWeights.length, 2, 'only the head trains when frozen');
    const kernelBefore = Array.from(loaded.layers[0].getWeights()[0].dataSync());
    const r = await trainModel({ loss: 'bce', epochs: 2, batchSize: 16, lr: 1e-2, ema: false }, { data: syntheticImages(), model: frozen, progress: 'none' });
    assert.equal(r.history.records.length, 2);
    assert.deepEqual(Array.from(loaded.layers[0].getWeights()[0].dataSync()), kernelBefore, 'frozen backbone unchanged');
    tf.dispose([x, a, b]);
    original.dispose();
    frozen.dispose();
  });

  it('fine-tunes a backbone named in the config (model.pretrained): the trainer, sweep evaluation and asl eval rebuild it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-backbone-cfg-'));
    const backbone = buildZooModel('bn-cnn', { inputShape: [8, 8, 1], numClasses: 5, seed: 3, channels: [4, 8] });
    await saveLayersModelToDisk(backbone, dir);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-finetune-'));
    const r = await trainModel({ loss: 'bce', model: { zoo: 'bn-cnn', pretrained: dir }, epochs: 2, batchSize: 16, lr: 1e-2 }, { data: syntheticImages(), outDir: out, progress: 'none' });
    assert.deepEqual(r.model!.outputs[0].shape, [null, 2], 'a new head for the 2 classes');
    // The backbone's first kernel started from the saved weights (then moved with training).
    assert.equal(r.model!.layers[1].getWeights()[0].shape.join(','), backbone.layers[0].getWeights()[0].shape.join(','));
    const { modelForConfig } = await import('../../lib/train/model-for');
    const { resolveTrainConfig } = await import('../../lib/index');
    const rebuilt = await modelForConfig(resolveTrainConfig({ model: { zoo: 'bn-cnn', pretrained: dir } }), [8, 8, 1], 2);
    assert.equal(rebuilt.countParams(), r.model!.countParams());
    r.model!.dispose();
    rebuilt.dispose();
    backbone.dispose();
  });

  it('explains a missing or broken model folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-backbone-'));
    await assert.rejects(loadLayersModelFromDisk(dir), /has no model.json/);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['missing.bin'], weights: [] }] }));
    await assert.rejects(loadLayersModelFromDisk(dir), /missing/);
  });
});
