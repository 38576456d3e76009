/** Unit tests of the training engine's parts against independent numbers. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  learningRateAt,
  writeCheckpoint,
  readCheckpoint,
  meanProbabilities,
  epochSummaryLine,
  createTrainingProgress,
  buildZooModel,
  ZOO_MODEL_NAMES,
  TrainingHistory,
  type EpochRecord,
} from '../../lib/index';
import { TrainingOptimizer, decaysWeight, trainableWeightsOf } from '../../lib/train/optimizer';
import { ModelEma } from '../../lib/train/ema';
import { removeStaleTempFiles } from '../../lib/train/checkpoint';
import { terminalProgressMode } from '../../lib/train/progress';
import { parseCommandArgs, UsageError, type OptionSpecs } from '../../lib/cli/args';
import { CONFIG_OPTIONS, DATA_OPTIONS, configFromArgs, datasetRefFromArgs, parseLossParams } from '../../lib/cli/training-options';
import { assertClose, assertNoLeak, setupBackend } from '../helpers';

describe('learningRateAt', () => {
  it('OneCycle starts at max/div, peaks at pctStart, ends at max/(div·finalDiv)', () => {
    const s = { name: 'onecycle' as const, pctStart: 0.25, divFactor: 10, finalDivFactor: 100 };
    assertClose(learningRateAt(s, 1, 0, 101), 0.1, 1e-12);
    assertClose(learningRateAt(s, 1, 24, 101), 1, 1e-12);
    assertClose(learningRateAt(s, 1, 100, 101), 0.001, 1e-12);
    // Halfway up the cosine: (0.1 + 1) / 2.
    assertClose(learningRateAt(s, 1, 12, 101), 0.55, 1e-12);
  });
  it('cosine warms up linearly then follows (1 + cos)/2; constant is constant', () => {
    const s = { name: 'cosine' as const, warmupSteps: 4 };
    assertClose([0, 1, 2, 3].map((t) => learningRateAt(s, 2, t, 14)), [0.5, 1, 1.5, 2], 1e-12);
    assertClose(learningRateAt(s, 2, 9, 14), 1, 1e-12);
    assert.equal(learningRateAt({ name: 'constant' }, 3, 7, 10), 3);
    assert.throws(() => learningRateAt({ name: 'constant' }, 0, 0, 10), /maxLr/);
  });
});

describe('TrainingOptimizer', () => {
  before(async () => {
    await setupBackend();
  });

  it('decays kernels but not biases or norm parameters', () => {
    assert.equal(decaysWeight('dense_1/kernel', [4, 3]), true);
    assert.equal(decaysWeight('dense_1/bias', [3]), false);
    assert.equal(decaysWeight('batch_normalization/gamma', [3]), false);
    assert.equal(decaysWeight('conv/kernel', [3, 3, 1, 4]), true);
  });

  it('Adam, AdamW and SGD-momentum match hand-computed updates (fused kernels and tf-op path)', () => {
    const run = (name: 'adam' | 'adamw' | 'sgd', nesterov = false, fused = true) => {
      const w = tf.variable(tf.tensor2d([[1, -2]]));
      const b = tf.variable(tf.tensor1d([0.5]));
      const opt = new TrainingOptimizer({ name, weightDecay: 0.1, momentum: 0.9, nesterov, fused }, [
        { name: 'k/kernel', variable: w },
        { name: 'k/bias', variable: b },
      ]);
      const g = [tf.tensor2d([[0.2, -0.4]]), tf.tensor1d([1])];
      opt.apply(g, 0.01);
      opt.apply(g, 0.01);
      const out = [Array.from(w.dataSync()), Array.from(b.dataSync())];
      opt.dispose();
      tf.dispose([w, b, ...g]);
      return out;
    };
    // Independent float64 reference of two steps.
    const ref = (name: string, w0: number, g: number, wd: number, nesterov = false) => {
      let w = w0;
      let m = 0;
      let v = 0;
      let buf = 0;
      for (let t = 1; t <= 2; t++) {
        if (name === 'sgd') {
          const gg = g + wd * w;
          buf = 0.9 * buf + gg;
          w -= 0.01 * (nesterov ? gg + 0.9 * buf : buf);
          continue;
        }
        const gg = name === 'adam' ? g + wd * w : g;
        m = 0.9 * m + 0.1 * gg;
        v = 0.999 * v + 0.001 * gg * gg;
        const upd = (0.01 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
        w = w - upd - (name === 'adamw' ? 0.01 * wd * (w) : 0);
      }
      return w;
    };
    for (const [name, nesterov, fused] of [['adam', false, true], ['adamw', false, true], ['sgd', false, true], ['sgd', true, true], ['adam', false, false], ['adamw', false, false], ['sgd', true, false]] as const) {
      const [w, b] = run(name, nesterov, fused);
      assertClose(w, [ref(name, 1, 0.2, 0.1, nesterov), ref(name, -2, -0.4, 0.1, nesterov)], 1e-6, `${name}${nesterov ? ' nesterov' : ''} kernel`);
      assertClose(b, [ref(name, 0.5, 1, 0, nesterov)], 1e-6, `${name} bias (no decay)`);
    }
  });

  it('saves and restores its state; leaks nothing', async () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const g = tf.tensor1d([0.1, 0.2, 0.3]);
    const a = new TrainingOptimizer({ name: 'adam' }, [{ name: 'w', variable: w }]);
    a.apply([g], 0.1);
    const state = await a.getState();
    const b = new TrainingOptimizer({ name: 'adam' }, [{ name: 'w', variable: w }]);
    b.setState(state);
    assert.equal(b.step, 1);
    assertNoLeak(() => b.apply([g], 0.1), 'apply');
    assert.throws(() => b.setState({ ...state, name: 'sgd' }), /sgd/);
    a.dispose();
    b.dispose();
    tf.dispose([w, g]);
  });
});

describe('ModelEma', () => {
  it('follows ema ← d·ema + (1 − d)·w with warm-up d = min(decay, (1 + n)/(10 + n)) and swaps weights for evaluation', async () => {
    const model = buildZooModel('reference-mlp', { inputShape: [2], numClasses: 1, hidden: [], seed: 1 });
    const w0 = Array.from(model.weights[0].read().dataSync());
    const ema = new ModelEma(model, { decay: 0.5 });
    model.setWeights(model.weights.map((w) => tf.onesLike(w.read())));
    ema.update(); // n = 1: d = min(0.5, 2/11)
    const d = 2 / 11;
    const expected = w0.map((v) => d * v + (1 - d) * 1);
    const inside = await ema.withAveragedWeights(() => Array.from(model.weights[0].read().dataSync()));
    assertClose(inside, expected, 1e-6);
    assertClose(model.weights[0].read().dataSync(), [1, 1], 0, 'raw weights restored');
    ema.dispose();
    model.dispose();
  });
});

describe('checkpoints', () => {
  it('round-trip, leave no temporary file, and reject damaged, truncated, edited or non-finite files naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-ckpt-'));
    const file = path.join(dir, 'sub', 'last.ckpt');
    writeCheckpoint(file, { meta: { epoch: 3, name: 'x' }, arrays: { a: Float32Array.from([1, 2, 3]), b: Float32Array.from([-1.5]) } });
    const back = readCheckpoint(file);
    assert.equal((back.meta as { epoch: number }).epoch, 3);
    assert.deepEqual(Array.from(back.arrays.a), [1, 2, 3]);
    assert.deepEqual(Array.from(back.arrays.b), [-1.5]);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['last.ckpt']);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    assert.throws(() => readCheckpoint(file), (e: unknown) => /checksum does not match/.test((e as Error).message) && (e as Error).message.includes(file));
    // One flipped byte in the data is caught by the checksum.
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40] ^= 0x40;
    fs.writeFileSync(file, flipped);
    assert.throws(() => readCheckpoint(file), /checksum does not match/);
    fs.writeFileSync(file, 'garbage!garbage!garbage!garbage!garbage!garbage!');
    assert.throws(() => readCheckpoint(file), /is not an asl-workbook checkpoint/);
    fs.writeFileSync(file, Buffer.concat([Buffer.from('ASLCKPT1'), Buffer.alloc(40)]));
    assert.throws(() => readCheckpoint(file), /written by an older version/);
    assert.throws(() => readCheckpoint(path.join(dir, 'missing.ckpt')), /missing\.ckpt does not exist/);
    assert.throws(() => readCheckpoint(dir), /is a directory, not a checkpoint file/);
    // Non-finite values are refused on write, naming the file and the tensor.
    assert.throws(() => writeCheckpoint(file, { meta: {}, arrays: { 'w/0': Float32Array.from([1, NaN]) } }), /tensor 'w\/0' holds NaN at index 1/);
    writeCheckpoint(file, { meta: { epoch: 4 }, arrays: {} });
    assert.equal((readCheckpoint(file).meta as { epoch: number }).epoch, 4);
  });

  it('a valid checksum over NaN bytes is still refused on read (finite weights only)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-ckpt-nan-'));
    const file = path.join(dir, 'w.ckpt');
    writeCheckpoint(file, { meta: {}, arrays: { w: Float32Array.from([1, 2, 3, 4]) } });
    // Rewrite the data as NaN and recompute the checksum, as a buggy writer would.
    const buf = fs.readFileSync(file);
    const body = buf.length - 32;
    buf.writeFloatLE(NaN, body - 8);
    require('node:crypto').createHash('sha256').update(buf.subarray(0, body)).digest().copy(buf, body);
    fs.writeFileSync(file, buf);
    assert.throws(() => readCheckpoint(file), (e: unknown) => /tensor 'w' holds NaN at index 2/.test((e as Error).message) && (e as Error).message.includes(file));
  });

  it('stale temporary files of dead writers are removed; a live writer\'s is kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-ckpt-tmp-'));
    const file = path.join(dir, 'best.ckpt');
    // A pid that cannot exist (above the kernel's pid_max) stands for a killed writer.
    fs.writeFileSync(`${file}.tmp-99999999`, 'partial');
    fs.writeFileSync(`${file}.tmp-${process.pid}`, 'ours');
    assert.deepEqual(removeStaleTempFiles(file), ['best.ckpt.tmp-99999999']);
    writeCheckpoint(file, { meta: {}, arrays: {} });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['best.ckpt']);
  });
});

describe('meanProbabilities and progress', () => {
  it('computes masked mean probabilities of positives and negatives', () => {
    const z = tf.tensor2d([[0, Math.log(3)], [Math.log(1 / 3), 0]]);
    const y = tf.tensor2d([[1, 1], [0, 0]]);
    const m = tf.tensor2d([[1, 1], [1, 0]]);
    const r = meanProbabilities(z, y, m);
    assertClose(r.positive, (0.5 + 0.75) / 2, 1e-6);
    assertClose(r.negative, 0.25, 1e-6);
    assert.ok(Number.isNaN(meanProbabilities(z, tf.zerosLike(y)).positive));
    tf.dispose([z, y, m]);
  });

  it('is one line per epoch in CI and silent with none', async () => {
    assert.equal(terminalProgressMode({ CI: 'true' }, true), 'lines');
    assert.equal(terminalProgressMode({}, true), 'bar');
    assert.equal(terminalProgressMode({}, false), 'lines');
    const rec: EpochRecord = { epoch: 0, step: 5, trainLoss: 0.5, valLoss: 0.4, valBce: 0.3, valMap: 60, valMapEma: NaN, valAccuracy: NaN, valAccuracyEma: NaN, valMacroF1: NaN, lr: 1e-3, seconds: 1, numTensors: 3, best: true };
    assert.match(epochSummaryLine(rec, 3), /^epoch 1\/3 loss 0.5000 val-loss 0.4000 val-bce 0.3000 mAP 60.00 lr 1.00e-3 1.0s \*best$/);
    const logs: string[] = [];
    const orig = console.log;
    console.log = (s: string) => logs.push(s);
    try {
      const p = createTrainingProgress('lines');
      await p.onTrainBegin?.({ epochs: 3, stepsPerEpoch: 2, startEpoch: 0, name: 'run' });
      await p.onBatchEnd?.({ epoch: 0, step: 0, loss: 1, lr: 1e-3, targets: tf.zeros([1, 1]) });
      await p.onEpochEnd?.(rec);
      await createTrainingProgress('none').onEpochEnd?.(rec);
    } finally {
      console.log = orig;
    }
    assert.equal(logs.length, 1);
    const h = new TrainingHistory([rec], 'demo');
    assert.match(h.toText(), /best mAP 60.00/);
  });
});

describe('zoo models', () => {
  it('build every zoo model with logits of the right shape, seeded', () => {
    for (const name of ZOO_MODEL_NAMES) {
      const shape = name.endsWith('cnn') ? [16, 16, 3] : [20];
      const a = buildZooModel(name, { inputShape: shape, numClasses: 4, seed: 5 });
      const b = buildZooModel(name, { inputShape: shape, numClasses: 4, seed: 5 });
      assert.deepEqual(a.outputs[0].shape, [null, 4], name);
      assert.deepEqual(Array.from(a.weights[0].read().dataSync()), Array.from(b.weights[0].read().dataSync()), `${name} seeded`);
      assert.ok(trainableWeightsOf(a).length > 0);
      a.dispose();
      b.dispose();
    }
    assert.throws(() => buildZooModel('reference-cnn', { inputShape: [4], numClasses: 2 }), /inputShape/);
  });
});

describe('command-line arguments', () => {
  const specs: OptionSpecs = { ...CONFIG_OPTIONS, ...DATA_OPTIONS, resume: { type: 'boolean', description: 'r' }, seeds: { type: 'string', kind: 'list', description: 's' } };
  const parse = (args: string[], positionals = 0) => parseCommandArgs('train', args, specs, positionals);
  it('parse flags, lists, loss parameters and dataset references with checked values', () => {
    const p = parse(['run', '--epochs', '3', '--resume', '--loss=asl', '--seeds', '0,1'], 1);
    assert.deepEqual(p.positionals, ['run']);
    assert.equal(p.flag('resume'), true);
    assert.equal(p.string('loss'), 'asl');
    assert.equal(p.number('epochs'), 3);
    assert.deepEqual(p.list('seeds'), [0, 1]);
    assert.deepEqual(parseLossParams('gammaNeg=4,clip=0.05,detachFocalWeight=false,classCounts=1;2;3'), { gammaNeg: 4, clip: 0.05, detachFocalWeight: false, classCounts: [1, 2, 3] });
    assert.throws(() => parseLossParams('gammaNeg'), /key=value/);
    assert.throws(() => parseLossParams('a=1,a=2'), /'a' is given twice/);
    assert.deepEqual(datasetRefFromArgs(parse(['--data', 'x.js#load'])), { kind: 'module', module: 'x.js', exportName: 'load' });
    assert.equal(datasetRefFromArgs(parse([])).kind, 'multifashion');
    assert.throws(() => datasetRefFromArgs(parse(['--data', 'x.js'])), /--data must be multifashion, debtags or <module>#<export>/);
    assert.throws(() => datasetRefFromArgs(parse(['--data', 'debtags', '--canvas', '32'])), /--canvas applies to --data multifashion/);
  });
  it('reject unknown options (with the closest one), missing, ambiguous and invalid values as usage errors', () => {
    const usage = (args: string[], pattern: RegExp) => assert.throws(() => parse(args), (e: unknown) => e instanceof UsageError && pattern.test((e as Error).message), String(pattern));
    usage(['--epoch', '1'], /unknown option '--epoch' \(did you mean '--epochs'\?\)/);
    usage(['--frobnicate'], /unknown option '--frobnicate'; see 'asl help train'/);
    usage(['--epochs'], /argument missing/);
    usage(['--loss', '--resume'], /ambiguous/);
    usage(['--epochs', '2.5'], /--epochs must be a positive integer, got '2.5'/);
    usage(['--epochs', '0'], /--epochs must be a positive integer/);
    usage(['--lr', 'fast'], /--lr must be a number > 0, got 'fast'/);
    usage(['--missing-rate', '1.5'], /--missing-rate must be a number in \[0, 1\]/);
    usage(['--optimizer', 'adma'], /--optimizer must be one of adam, adamw, sgd, got 'adma' \(did you mean 'adam'\?\)/);
    usage(['stray'], /unexpected argument 'stray'/i);
  });
  it('build a validated config (defaults shared with the trainer); the loss is checked before any data', () => {
    const c = configFromArgs(parse(['--loss', 'focal', '--loss-params', 'gamma=3', '--epochs', '2', '--ema', 'off']), {}, 'asl train');
    assert.deepEqual(c.loss, { name: 'focal', params: { gamma: 3 } });
    assert.equal(c.epochs, 2);
    assert.equal(c.ema, false);
    assert.equal(c.lr, 1e-3);
    assert.throws(() => configFromArgs(parse(['--loss', 'asll']), {}, 'asl train'), (e: unknown) => e instanceof UsageError && /unknown loss 'asll' \(did you mean 'asl'\?/.test((e as Error).message));
    assert.throws(() => configFromArgs(parse(['--loss-params', 'gamaNeg=2']), {}, 'asl train'), /unknown parameter 'gamaNeg' \(did you mean 'gammaNeg'\?/);
    assert.throws(() => configFromArgs(parse(['--ema', '2']), {}, 'asl train'), /--ema must be a decay in \(0, 1\) or 'off'/);
    assert.throws(() => configFromArgs(parse([]), { epocs: 1 } as never, 'asl train'), /unknown option 'epocs' \(did you mean 'epochs'\?/);
  });
});

describe('StepSeededDropout', () => {
  it('draws a fresh mask per training step, the same mask for the same (seed, step), identity at inference', async () => {
    const { stepSeededDropout } = await import('../../lib/index');
    const layer = stepSeededDropout({ rate: 0.5, seed: 3 });
    const x = tf.ones([4, 32]);
    const mask = (step: number) => {
      layer.step = step;
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const v = Array.from(y.dataSync());
      y.dispose();
      return v;
    };
    const a = mask(0);
    assert.deepEqual(mask(0), a);
    assert.notDeepEqual(mask(1), a);
    assert.ok(a.every((v) => v === 0 || Math.abs(v - 2) < 1e-6), 'kept units scaled by 1/(1 − rate)');
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    assert.deepEqual(Array.from(inference.dataSync()), Array.from(x.dataSync()));
    tf.dispose([x, inference]);
    assert.throws(() => stepSeededDropout({ rate: 1 }), /rate/);
  });
});
