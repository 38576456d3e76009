/**
 * Single-label (softmax) training for the book's single-label chapter (chapter 8). The trainer
 * (`trainModel`) is multi-label only (sigmoid outputs, mAP), so this small loop reuses its pieces —
 * the zoo models (`buildZooModel`), `TrainingOptimizer` (Adam/AdamW/SGD with decoupled decay rules),
 * the learning-rate schedules (`learningRateAt`) and `trainStep` — with a softmax loss on integer
 * labels and top-1 accuracy / macro-F1 as metrics.
 *
 * Losses ({@link SingleLabelLossSpec}), all on `logits [N, C]` and integer labels, mean over the batch:
 * - `ce`: softmax cross-entropy, −log p_y (tfjs `tf.losses.softmaxCrossEntropy`);
 * - `label-smoothing`: cross-entropy against T·(1 − ε) + ε/C (tfjs's `labelSmoothing`, default ε = 0.1);
 * - `focal`: softmax focal loss −(1 − p_y)^γ log p_y (Lin et al. 2017; default γ = 2), computed as
 *   `asymmetricLossSingleLabel` with γ+ = γ, ε = 0 (non-target classes then carry no target mass);
 * - `asl`: `asymmetricLossSingleLabel` (official `ASLSingleLabel`, defaults γ+ = 0, γ− = 4, ε = 0.1).
 * CE and label smoothing deliberately go through tfjs's own losses, an implementation independent of
 * `asymmetricLossSingleLabel`, so the chapter can check the known identities (γ− = 0 ⇒ label-smoothed
 * CE, ε = 0 ⇒ CE) against them.
 *
 * The loop has no EMA, no checkpoints and no resume (the runs are short and cached by the book); it is
 * seeded like the trainer (weights by `seed`, batch order by `seed` and epoch), so equal configs give
 * equal results on the same backend.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import { asymmetricLossSingleLabel } from '../losses/asl-single-label';
import { macroF1 } from '../metrics/set-metrics';
import type { DatasetSplits, MultiLabelDataset } from '../data/types';
import { buildZooModel } from '../train/models';
import { TrainingOptimizer, trainableWeightsOf } from '../train/optimizer';
import type { OptimizerConfig } from '../train/optimizer';
import { learningRateAt } from '../train/schedule';
import type { ScheduleConfig } from '../train/schedule';
import { trainStep } from '../train/step';
import type { TrainConfig, ZooModelSpec } from '../train/trainer';
import { kernelInterruptSignal, throwIfKernelInterrupted } from '../display/kernel-hooks';

/** A single-label loss by name (see the module comment). */
export type SingleLabelLossSpec =
  | { name: 'ce' }
  | { name: 'label-smoothing'; eps?: number }
  | { name: 'focal'; gamma?: number }
  | { name: 'asl'; gammaPos?: number; gammaNeg?: number; eps?: number };

/** The names of {@link SingleLabelLossSpec}. */
export const SINGLE_LABEL_LOSS_NAMES = ['ce', 'label-smoothing', 'focal', 'asl'] as const;

/** A softmax loss of `logits [N, C]` and int32 `labels [N]`, mean over the batch. */
export type SingleLabelLossFn = (logits: tf.Tensor, labels: tf.Tensor) => tf.Scalar;

/** The loss function of a {@link SingleLabelLossSpec}. */
export function singleLabelLossFn(spec: SingleLabelLossSpec): SingleLabelLossFn {
  const fn = 'singleLabelLossFn';
  if (!spec || typeof spec !== 'object') fail(fn, 'spec', `must be an object, got ${String(spec)}`);
  const oneHot = (logits: tf.Tensor, labels: tf.Tensor) => tf.oneHot(labels as tf.Tensor1D, logits.shape[1] as number).toFloat();
  switch (spec.name) {
    case 'ce':
      return (z, y) => tf.tidy(() => tf.losses.softmaxCrossEntropy(oneHot(z, y), z) as tf.Scalar);
    case 'label-smoothing': {
      const eps = spec.eps ?? 0.1;
      if (!(eps >= 0 && eps <= 1)) fail(fn, 'spec.eps', `must be in [0, 1], got ${String(spec.eps)}`);
      return (z, y) => tf.tidy(() => tf.losses.softmaxCrossEntropy(oneHot(z, y), z, undefined, eps) as tf.Scalar);
    }
    case 'focal': {
      const gamma = spec.gamma ?? 2;
      return (z, y) => asymmetricLossSingleLabel(z, y, { gammaPos: gamma, gammaNeg: 0, eps: 0, validate: false }) as tf.Scalar;
    }
    case 'asl': {
      const { gammaPos, gammaNeg, eps } = spec;
      return (z, y) => asymmetricLossSingleLabel(z, y, { gammaPos, gammaNeg, eps, validate: false }) as tf.Scalar;
    }
    default:
      return fail(fn, 'spec.name', `must be one of ${SINGLE_LABEL_LOSS_NAMES.join(', ')}, got ${JSON.stringify((spec as { name: unknown }).name)}`);
  }
}

/** Top-1 accuracy and macro-F1 (both in percent) of predicted vs true class indices. */
export interface SingleLabelMetrics {
  /** Fraction of correct top-1 predictions × 100. */
  accuracy: number;
  /** Mean over classes of the per-class F1 of the top-1 predictions × 100 (0 for a class never seen nor predicted). */
  macroF1: number;
}

/**
 * Accuracy and macro-F1 (the Herbarium competition metric) of top-1 `predicted` class indices against
 * `labels`. Macro-F1 is the library's multi-label `macroF1` applied to the one-hot predictions, which
 * for one-hot rows is exactly the single-label macro-F1.
 */
export function singleLabelMetrics(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): SingleLabelMetrics {
  const fn = 'singleLabelMetrics';
  if (predicted.length !== labels.length) fail(fn, 'labels', `must have the length of 'predicted' (${predicted.length}), got ${labels.length}`);
  if (predicted.length === 0) fail(fn, 'predicted', 'must not be empty');
  if (!Number.isInteger(numClasses) || numClasses < 1) fail(fn, 'numClasses', `must be a positive integer, got ${numClasses}`);
  const n = predicted.length;
  const p = new Float32Array(n * numClasses);
  const t = new Float32Array(n * numClasses);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const a = predicted[i];
    const b = labels[i];
    for (const [v, arg] of [[a, 'predicted'], [b, 'labels']] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) fail(fn, arg, `must hold class indices in [0, ${numClasses - 1}], found ${v} at index ${i}`);
    }
    p[i * numClasses + a] = 1;
    t[i * numClasses + b] = 1;
    if (a === b) correct++;
  }
  const rows = (m: Float32Array) => Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * numClasses, (i + 1) * numClasses)));
  return { accuracy: (100 * correct) / n, macroF1: 100 * macroF1(rows(p), rows(t), { threshold: 0.5 }) };
}

/**
 * The configuration of {@link trainSingleLabel} (serialisable, so it can key `cachedRun`): the
 * trainer's settings (same defaults: Adam with weight decay 1e-4, peak lr 1e-3, OneCycle) with a
 * single-label loss. The zoo model defaults to reference-cnn for images, reference-mlp for vectors.
 */
export type SingleLabelTrainConfig = Pick<TrainConfig, 'model' | 'optimizer' | 'lr' | 'schedule' | 'epochs' | 'batchSize' | 'seed'> & {
  loss: SingleLabelLossSpec;
};

/** One epoch of a single-label run. */
export interface SingleLabelEpoch {
  epoch: number;
  trainLoss: number;
  valAccuracy: number;
  valMacroF1: number;
  seconds: number;
}

/** The result of {@link trainSingleLabel} (JSON-serialisable). */
export interface SingleLabelResult {
  history: SingleLabelEpoch[];
  /** The last epoch's metrics. */
  final: SingleLabelEpoch;
  /** The epoch with the best validation accuracy. */
  best: SingleLabelEpoch;
  /** Validation confusion matrix of the last epoch, `[true][predicted]`. */
  confusion: number[][];
  seconds: number;
}

/** Class indices of one-hot (single-label) target rows. */
async function labelsOf(y: tf.Tensor): Promise<tf.Tensor1D> {
  return tf.tidy(() => tf.argMax(y, 1).toInt() as tf.Tensor1D);
}

/** Top-1 predictions and labels of a model over a single-label dataset. */
export async function predictSingleLabel(model: tf.LayersModel, dataset: MultiLabelDataset, batchSize = 256): Promise<{ predicted: Int32Array; labels: Int32Array }> {
  const predicted = new Int32Array(dataset.size);
  const labels = new Int32Array(dataset.size);
  let row = 0;
  for await (const batch of dataset.batches({ batchSize })) {
    const [p, l] = tf.tidy(() => [tf.argMax(model.apply(batch.x, { training: false }) as tf.Tensor, 1), tf.argMax(batch.y, 1)]);
    predicted.set(p.dataSync() as Int32Array, row);
    labels.set(l.dataSync() as Int32Array, row);
    tf.dispose([p, l, batch.x, batch.y, batch.mask]);
    row += batch.size;
  }
  return { predicted, labels };
}

/**
 * Trains a softmax classifier on single-label `data` (one-hot targets, e.g.
 * `loadMultiFashion({ mode: 'single-label' })`) and evaluates top-1 accuracy and macro-F1 on
 * `data.val` after every epoch. Leaves no tensors behind (the model is disposed).
 */
export async function trainSingleLabel(config: SingleLabelTrainConfig, options: { data: DatasetSplits; onEpoch?: (e: SingleLabelEpoch) => void }): Promise<SingleLabelResult> {
  const fn = 'trainSingleLabel';
  const started = Date.now();
  const epochs = config.epochs ?? 5;
  const batchSize = config.batchSize ?? 64;
  const lr = config.lr ?? 1e-3;
  const seed = config.seed ?? 0;
  if (!Number.isInteger(epochs) || epochs < 1) fail(fn, 'epochs', `must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) fail(fn, 'batchSize', `must be a positive integer, got ${batchSize}`);
  if (!(lr > 0)) fail(fn, 'lr', `must be > 0, got ${lr}`);
  const { data } = options;
  const k = data.train.classNames.length;
  const lossFn = singleLabelLossFn(config.loss);
  const shape = data.train.inputShape;
  const spec: ZooModelSpec = config.model ?? { zoo: shape.length === 3 ? 'reference-cnn' : 'reference-mlp' };
  const model = buildZooModel(spec.zoo, { inputShape: shape, numClasses: k, seed, hidden: spec.hidden, channels: spec.channels, dropout: spec.dropout });
  const optimizer = new TrainingOptimizer(config.optimizer ?? { name: 'adam', weightDecay: 1e-4 }, trainableWeightsOf(model));
  const schedule = config.schedule ?? { name: 'onecycle', pctStart: 0.2 };
  const totalSteps = Math.ceil(data.train.size / batchSize) * epochs;
  const history: SingleLabelEpoch[] = [];
  let confusion: number[][] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const t0 = Date.now();
      let lossSum = 0;
      let seen = 0;
      for await (const batch of data.train.batches({ batchSize, shuffle: true, seed, epoch })) {
        // A notebook interrupt stops training between steps (the kernel's signal; no-op elsewhere).
        if (kernelInterruptSignal()?.aborted) {
          tf.dispose([batch.x, batch.y, batch.mask]);
          throwIfKernelInterrupted();
        }
        const labels = await labelsOf(batch.y);
        try {
          const r = trainStep(model, optimizer, (z) => lossFn(z, labels), batch.x, batch.y, { lr: learningRateAt(schedule, lr, step, totalSteps) });
          lossSum += r.loss.dataSync()[0] * batch.size;
          r.loss.dispose();
        } finally {
          tf.dispose([labels, batch.x, batch.y, batch.mask]);
        }
        seen += batch.size;
        step++;
      }
      const { predicted, labels } = await predictSingleLabel(model, data.val);
      const m = singleLabelMetrics(predicted, labels, k);
      const record: SingleLabelEpoch = { epoch, trainLoss: lossSum / Math.max(1, seen), valAccuracy: m.accuracy, valMacroF1: m.macroF1, seconds: (Date.now() - t0) / 1000 };
      history.push(record);
      options.onEpoch?.(record);
      if (epoch === epochs - 1) {
        confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
        for (let i = 0; i < labels.length; i++) confusion[labels[i]][predicted[i]]++;
      }
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
  const best = history.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
  return { history, final: history[history.length - 1], best, confusion, seconds: (Date.now() - started) / 1000 };
}
