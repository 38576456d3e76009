/**
 * The training loop: multi-label training of a tfjs LayersModel with any registered loss, the
 * official ASL recipe's ingredients (Adam/AdamW/SGD, OneCycle or cosine, weight decay that skips
 * biases and norm parameters, EMA of the weights with both raw and EMA evaluated), validation mAP
 * every epoch with best-checkpoint selection, atomic checkpoints and exact resume, seeded
 * determinism, callbacks and progress display.
 *
 * Run folder (`outDir`): `config.json`, `metrics.jsonl` (one line per epoch), `checkpoints/last.ckpt`
 * and `checkpoints/best.ckpt`, `report.json` at the end.
 *
 * Determinism: with the same config (seed) and backend, the weights' initialisation (zoo models are
 * seeded), the batch order (seed, epoch) and every kernel are the same, so the metrics are equal.
 * Resume: the last checkpoint holds weights, optimizer slots, EMA, history and callback states; the
 * resumed run continues at the next epoch and reproduces the uninterrupted run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import { createLoss } from '../losses/registry';
import type { LossSpec, LossParamValue } from '../losses/registry';
import { meanAveragePrecision } from '../metrics/average-precision';
import type { DatasetSplits, MultiLabelDataset } from '../data/types';
import { buildZooModel } from './models';
import type { ZooModelName, ZooModelOptions } from './models';
import { TrainingOptimizer, trainableWeightsOf } from './optimizer';
import type { OptimizerConfig } from './optimizer';
import { learningRateAt } from './schedule';
import type { ScheduleConfig } from './schedule';
import { ModelEma } from './ema';
import type { EmaConfig } from './ema';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { trainStep } from './step';
import { setTrainingStep } from './layers';
import type { EpochRecord, TrainingCallback } from './callbacks';
import { createTrainingProgress } from './progress';
import type { ProgressMode } from './progress';
import { TrainingHistory } from './history';
import { escapeHtml } from '../display/mime';
import { kernelInterruptSignal, throwIfKernelInterrupted } from '../display/kernel-hooks';

/** A zoo model chosen by name in a (serialisable) config. */
export interface ZooModelSpec {
  zoo: ZooModelName;
  hidden?: number[];
  channels?: number[];
  dropout?: number;
}

/** The serialisable part of a training run (what sweeps vary and run folders record). */
export interface TrainConfig {
  /** Loss by registry name and parameters (default BCE). */
  loss?: LossSpec;
  /** Zoo model (ignored when `TrainOptions.model` is given). Default: reference-cnn for images, text-mlp for vectors. */
  model?: ZooModelSpec;
  optimizer?: OptimizerConfig;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Default OneCycle with pctStart 0.2 (the official recipe). */
  schedule?: ScheduleConfig;
  epochs?: number;
  batchSize?: number;
  /** Seed of weights, batch order and augmentation (default 0). */
  seed?: number;
  /** EMA of the weights (default { decay: 0.997 }); `false` to switch off. */
  ema?: EmaConfig | false;
  /** Use the dataset's training augmentation (default false). */
  augment?: boolean;
  /** Label for progress lines and reports. */
  name?: string;
}

export interface TrainOptions {
  data: DatasetSplits;
  /** A model instead of the zoo's (any LayersModel outputting logits [B, K]). */
  model?: tf.LayersModel;
  /** Run folder for config, metrics, checkpoints and the report. */
  outDir?: string;
  /** Continue from `outDir/checkpoints/last.ckpt` when it exists (default false). */
  resume?: boolean;
  callbacks?: TrainingCallback[];
  progress?: ProgressMode;
  /** Keep the trained model in the result (default true); else it is disposed. */
  keepModel?: boolean;
}

export type ResolvedTrainConfig = Required<Omit<TrainConfig, 'model' | 'name' | 'ema'>> & {
  model?: ZooModelSpec;
  name: string;
  ema: EmaConfig | false;
};

/** Fills the defaults of a config. */
export function resolveTrainConfig(config: TrainConfig = {}): ResolvedTrainConfig {
  const c: ResolvedTrainConfig = {
    loss: config.loss ?? { name: 'bce' },
    model: config.model,
    optimizer: config.optimizer ?? { name: 'adam', weightDecay: 1e-4 },
    lr: config.lr ?? 1e-3,
    schedule: config.schedule ?? { name: 'onecycle', pctStart: 0.2 },
    epochs: config.epochs ?? 10,
    batchSize: config.batchSize ?? 64,
    seed: config.seed ?? 0,
    ema: config.ema === undefined ? { decay: 0.997 } : config.ema,
    augment: config.augment ?? false,
    name: config.name ?? 'run',
  };
  const fn = 'resolveTrainConfig';
  if (!Number.isInteger(c.epochs) || c.epochs < 1) fail(fn, 'epochs', `must be a positive integer, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) fail(fn, 'batchSize', `must be a positive integer, got ${c.batchSize}`);
  if (!(c.lr > 0)) fail(fn, 'lr', `must be > 0, got ${c.lr}`);
  return c;
}

/** Everything a finished run returns; displays in notebooks as a summary and the history chart. */
export class TrainingResult {
  constructor(
    readonly config: ResolvedTrainConfig,
    readonly history: TrainingHistory,
    /** Best validation mAP (percent) and where it came from. */
    readonly best: { epoch: number; valMap: number; weights: 'raw' | 'ema' },
    readonly seconds: number,
    readonly backend: string,
    /** The trained model (raw weights), unless `keepModel: false`. */
    readonly model?: tf.LayersModel,
    /** The epoch this run continued from, when it resumed from a checkpoint. */
    readonly resumedFromEpoch?: number,
    readonly outDir?: string,
  ) {}

  /** One line: best mAP, where, time and backend. */
  summary(): string {
    const resumed = this.resumedFromEpoch !== undefined ? `, resumed at epoch ${this.resumedFromEpoch + 1}` : '';
    return `${this.config.name}: best mAP ${this.best.valMap.toFixed(2)} (epoch ${this.best.epoch + 1}, ${this.best.weights} weights), ${this.history.records.length} epochs in ${this.seconds.toFixed(1)} s on ${this.backend}${resumed}`;
  }

  /** A JSON-friendly report (what `report.json` holds). */
  toJSON(): Record<string, unknown> {
    return { config: this.config, best: this.best, seconds: this.seconds, backend: this.backend, resumedFromEpoch: this.resumedFromEpoch, outDir: this.outDir, history: this.history.records };
  }

  [Symbol.for('Jupyter.display')](): Record<string, string> {
    const h = this.history.toMimeBundle();
    return { 'text/plain': `${this.summary()}\n${h['text/plain']}`, 'text/html': `<p>${escapeHtml(this.summary())}</p>${h['text/html']}` };
  }
}

interface CheckpointMeta {
  version: 1;
  config: ResolvedTrainConfig;
  epoch: number;
  step: number;
  history: EpochRecord[];
  best: TrainingResult['best'];
  optimizer: { name: string; step: number; slots: number };
  emaUpdates: number;
  weightNames: string[];
  callbacks: Record<string, unknown>;
}

function modelFor(config: ResolvedTrainConfig, data: DatasetSplits): tf.LayersModel {
  const shape = data.train.inputShape;
  const spec: ZooModelSpec = config.model ?? { zoo: shape.length === 3 ? 'reference-cnn' : 'text-mlp' };
  const options: ZooModelOptions = { inputShape: shape, numClasses: data.train.classNames.length, seed: config.seed, hidden: spec.hidden, channels: spec.channels, dropout: spec.dropout };
  return buildZooModel(spec.zoo, options);
}

/** Scores (σ of logits) and loss of a model over a dataset, row-major `[N, K]`. */
export async function evaluateModel(
  model: tf.LayersModel,
  dataset: MultiLabelDataset,
  options: { batchSize?: number; loss?: LossSpec } = {},
): Promise<{ scores: Float32Array; targets: Float32Array; mask?: Float32Array; loss: number; mAP: number }> {
  const k = dataset.classNames.length;
  const scores = new Float32Array(dataset.size * k);
  const targets = new Float32Array(dataset.size * k);
  const mask = dataset.hasMask ? new Float32Array(dataset.size * k) : undefined;
  const lossFn = createLoss(options.loss ?? { name: 'bce', params: { reduction: 'mean' } });
  let lossSum = 0;
  let row = 0;
  for await (const batch of dataset.batches({ batchSize: options.batchSize ?? 256 })) {
    const [p, l] = tf.tidy(() => {
      const z = model.apply(batch.x, { training: false }) as tf.Tensor;
      return [tf.sigmoid(z), lossFn.call(z, batch.y, { mask: batch.mask, validate: false })];
    });
    scores.set(p.dataSync(), row * k);
    targets.set(batch.y.dataSync(), row * k);
    if (mask && batch.mask) mask.set(batch.mask.dataSync(), row * k);
    lossSum += l.dataSync()[0] * batch.size;
    tf.dispose([p, l, batch.x, batch.y, batch.mask]);
    row += batch.size;
  }
  const rows = (a: Float32Array) => Array.from({ length: dataset.size }, (_, i) => a.subarray(i * k, (i + 1) * k));
  // The official convention of lib/metrics (classes without known positives count as AP 0).
  const mAP = dataset.size ? meanAveragePrecision(rows(scores), rows(targets), mask ? { mask: rows(mask) } : {}) : NaN;
  return { scores, targets, mask, loss: lossSum / Math.max(1, dataset.size), mAP };
}

async function countBatches(ds: MultiLabelDataset, batchSize: number): Promise<number> {
  return Math.ceil(ds.size / batchSize);
}

/**
 * Trains a multi-label model. See the module comment for the recipe, the run folder and resume.
 * Example: `await trainModel({ loss: { name: 'asl' }, epochs: 5 }, { data: splits, outDir: 'runs/asl' })`.
 */
export async function trainModel(config: TrainConfig, options: TrainOptions): Promise<TrainingResult> {
  const started = Date.now();
  const c = resolveTrainConfig(config);
  const { data } = options;
  const callbacks = options.callbacks ?? [];
  const model = options.model ?? modelFor(c, data);
  const weights = trainableWeightsOf(model);
  const optimizer = new TrainingOptimizer(c.optimizer, weights);
  const ema = c.ema ? new ModelEma(model, c.ema) : undefined;
  const lossSpec = c.loss;
  let loss = createLoss(lossSpec);
  let lossKey = '';
  const stepsPerEpoch = await countBatches(data.train, c.batchSize);
  const totalSteps = stepsPerEpoch * c.epochs;
  const ckptDir = options.outDir ? path.join(options.outDir, 'checkpoints') : undefined;
  const lastFile = ckptDir ? path.join(ckptDir, 'last.ckpt') : undefined;
  const bestFile = ckptDir ? path.join(ckptDir, 'best.ckpt') : undefined;
  let history: EpochRecord[] = [];
  let best: TrainingResult['best'] = { epoch: -1, valMap: -Infinity, weights: 'raw' };
  let startEpoch = 0;
  let step = 0;
  let resumedFromEpoch: number | undefined;

  try {
    if (options.outDir) {
      fs.mkdirSync(options.outDir, { recursive: true });
      fs.writeFileSync(path.join(options.outDir, 'config.json'), JSON.stringify(c, null, 2));
    }
    if (options.resume && lastFile && fs.existsSync(lastFile)) {
      const ck = readCheckpoint<CheckpointMeta>(lastFile);
      restoreModelWeights(model, ck.arrays, 'w');
      optimizer.setState({
        name: c.optimizer.name,
        step: ck.meta.optimizer.step,
        slots: weights.map((_, i) => Array.from({ length: ck.meta.optimizer.slots }, (_, j) => ck.arrays[`opt/${i}/${j}`])),
      });
      if (ema) ema.restore(model.weights.map((_, i) => ck.arrays[`ema/${i}`]), ck.meta.emaUpdates);
      history = ck.meta.history.map(reviveRecord);
      best = ck.meta.best;
      startEpoch = ck.meta.epoch + 1;
      step = ck.meta.step;
      resumedFromEpoch = startEpoch;
      for (const cb of callbacks) if (cb.setState && cb.name in ck.meta.callbacks) cb.setState(ck.meta.callbacks[cb.name]);
      if (options.outDir) {
        // The metrics log keeps only the checkpointed epochs (a killed run may have logged more).
        fs.writeFileSync(path.join(options.outDir, 'metrics.jsonl'), history.map((h) => JSON.stringify(h)).join('\n') + (history.length ? '\n' : ''));
      }
    } else if (options.outDir) {
      fs.writeFileSync(path.join(options.outDir, 'metrics.jsonl'), '');
    }
    const progress = createTrainingProgress({ mode: options.progress, epochs: c.epochs, stepsPerEpoch, startEpoch, label: c.name === 'run' ? '' : c.name });
    for (const cb of callbacks) await cb.onTrainBegin?.({ epochs: c.epochs, stepsPerEpoch, startEpoch });
    const needsLogits = callbacks.some((cb) => cb.needsLogits);

    for (let epoch = startEpoch; epoch < c.epochs; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0;
      let seen = 0;
      let lr = 0;
      for await (const batch of data.train.batches({ batchSize: c.batchSize, shuffle: true, seed: c.seed, epoch, augment: c.augment })) {
        // A notebook interrupt stops training between steps (the kernel's signal; no-op elsewhere).
        if (kernelInterruptSignal()?.aborted) {
          tf.dispose([batch.x, batch.y, batch.mask]);
          throwIfKernelInterrupted();
        }
        // Loss parameters overridden by callbacks (e.g. the adaptive γ−).
        const overrides: Record<string, LossParamValue> = {};
        for (const cb of callbacks) Object.assign(overrides, cb.lossParams?.() ?? {});
        const key = JSON.stringify(overrides);
        if (key !== lossKey) {
          loss = createLoss({ name: lossSpec.name, params: { ...(lossSpec.params ?? {}), ...overrides } });
          lossKey = key;
        }
        lr = learningRateAt(c.schedule, c.lr, step, totalSteps);
        setTrainingStep(model, step);
        const context = { epoch, step };
        // Datasets check their targets once when built; re-reading them every step would cost a sync.
        const r = trainStep(model, optimizer, (z, y, m) => loss.call(z, y, { mask: m, context, validate: false }) as tf.Scalar, batch.x, batch.y, {
          mask: batch.mask,
          lr,
          keepLogits: needsLogits,
        });
        const value = r.loss.dataSync()[0];
        r.loss.dispose();
        ema?.update();
        lossSum += value * batch.size;
        seen += batch.size;
        try {
          for (const cb of callbacks) await cb.onBatchEnd?.({ epoch, step, loss: value, lr, logits: r.logits, targets: batch.y, mask: batch.mask });
        } finally {
          tf.dispose([r.logits, batch.x, batch.y, batch.mask]);
        }
        progress.step({ epoch, step, loss: value });
        step += 1;
      }
      const evalOptions = { batchSize: Math.max(c.batchSize, 128), loss: { name: 'bce', params: { reduction: 'mean' } } };
      const raw = await evaluateModel(model, data.val, evalOptions);
      const emaMap = ema ? (await ema.withAveragedWeights(() => evaluateModel(model, data.val, evalOptions))).mAP : NaN;
      const bestOfEpoch = Number.isFinite(emaMap) && emaMap > raw.mAP ? { map: emaMap, weights: 'ema' as const } : { map: raw.mAP, weights: 'raw' as const };
      const isBest = bestOfEpoch.map > best.valMap;
      if (isBest) best = { epoch, valMap: bestOfEpoch.map, weights: bestOfEpoch.weights };
      const record: EpochRecord = {
        epoch,
        step,
        trainLoss: lossSum / Math.max(1, seen),
        valLoss: raw.loss,
        valMap: raw.mAP,
        valMapEma: emaMap,
        lr,
        seconds: (Date.now() - epochStart) / 1000,
        numTensors: tf.memory().numTensors,
        best: isBest,
      };
      history.push(record);
      if (options.outDir) fs.appendFileSync(path.join(options.outDir, 'metrics.jsonl'), JSON.stringify(record) + '\n');
      if (bestFile && isBest) {
        const arrays = best.weights === 'ema' && ema ? await ema.withAveragedWeights(() => modelArrays(model, 'w')) : await modelArrays(model, 'w');
        writeCheckpoint(bestFile, { meta: { config: c, epoch, valMap: best.valMap, weights: best.weights, weightNames: model.weights.map((w) => w.originalName) }, arrays });
      }
      if (lastFile) {
        const arrays = await modelArrays(model, 'w');
        const state = await optimizer.getState();
        state.slots.forEach((s, i) => s.forEach((a, j) => (arrays[`opt/${i}/${j}`] = a)));
        if (ema) (await ema.values()).forEach((a, i) => (arrays[`ema/${i}`] = a));
        const cbStates: Record<string, unknown> = {};
        for (const cb of callbacks) if (cb.getState) cbStates[cb.name] = cb.getState();
        const meta: CheckpointMeta = {
          version: 1,
          config: c,
          epoch,
          step,
          history,
          best,
          optimizer: { name: state.name, step: state.step, slots: state.slots[0]?.length ?? 0 },
          emaUpdates: ema?.numUpdates ?? 0,
          weightNames: model.weights.map((w) => w.originalName),
          callbacks: cbStates,
        };
        writeCheckpoint(lastFile, { meta, arrays });
      }
      progress.epoch(record);
      for (const cb of callbacks) await cb.onEpochEnd?.(record);
    }
    progress.done();
    for (const cb of callbacks) await cb.onTrainEnd?.(history);
    const result = new TrainingResult(
      c,
      new TrainingHistory(history, c.name),
      best,
      (Date.now() - started) / 1000,
      tf.getBackend(),
      options.keepModel === false ? undefined : model,
      resumedFromEpoch,
      options.outDir,
    );
    if (options.outDir) fs.writeFileSync(path.join(options.outDir, 'report.json'), JSON.stringify(result, null, 2));
    return result;
  } finally {
    optimizer.dispose();
    ema?.dispose();
    if (options.keepModel === false && !options.model) model.dispose();
  }
}

/** NaN is written as null in JSON: read it back as NaN. */
function reviveRecord(r: EpochRecord): EpochRecord {
  const out = { ...r } as unknown as Record<string, unknown>;
  for (const k of ['trainLoss', 'valLoss', 'valMap', 'valMapEma', 'lr']) if (out[k] === null) out[k] = NaN;
  return out as unknown as EpochRecord;
}

async function modelArrays(model: tf.LayersModel, prefix: string): Promise<Record<string, Float32Array>> {
  const arrays: Record<string, Float32Array> = {};
  const values = await Promise.all(model.weights.map((w) => w.read().data()));
  values.forEach((v, i) => (arrays[`${prefix}/${i}`] = v as Float32Array));
  return arrays;
}

function restoreModelWeights(model: tf.LayersModel, arrays: Record<string, Float32Array>, prefix: string): void {
  const tensors = model.weights.map((w, i) => {
    const a = arrays[`${prefix}/${i}`];
    const shape = w.shape as number[];
    if (!a || a.length !== tf.util.sizeFromShape(shape)) fail('trainModel', 'resume', `checkpoint weight ${i} (${w.originalName}) is missing or has the wrong size`);
    return tf.tensor(a, shape);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Loads the best (or last) checkpoint's weights of a run folder into a model of the same architecture. */
export function loadCheckpointWeights(model: tf.LayersModel, file: string): void {
  const ck = readCheckpoint(file);
  restoreModelWeights(model, ck.arrays, 'w');
}
