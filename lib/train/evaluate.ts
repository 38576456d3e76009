/**
 * Evaluating a model on a split: scores, the loss (the training loss, reduced as in training), the
 * loss-independent BCE, mAP (official convention), and for single-label tasks top-1 accuracy and
 * macro-F1. Used by the trainer every epoch and by the sweep evaluation.
 */
import * as tf from '../core/tf';
import { checkOptionKeys } from '../core/options';
import type { MultiLabelDataset } from '../data/types';
import { createLoss } from '../losses/registry';
import type { LossLike } from '../losses/types';
import { meanAveragePrecision } from '../metrics/average-precision';
import { macroF1 } from '../metrics/set-metrics';

/** The task a model is trained for: what its outputs mean and which metric selects the best epoch. */
export type TrainingTask = 'multi-label' | 'single-label';

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** Batch size (default 256). The trainer passes its training batch size, so `loss` is in the same units. */
  batchSize?: number;
  /** The loss to report (default BCE, mean). */
  loss?: LossLike;
  /** `'multi-label'` (default): scores are σ(z); `'single-label'`: softmax, plus accuracy and macro-F1. */
  task?: TrainingTask;
}

/** What {@link evaluateModel} returns. Scores and targets are row-major `[N, K]`. */
export interface Evaluation {
  scores: Float32Array;
  targets: Float32Array;
  mask?: Float32Array;
  /** The loss, averaged over batches weighted by their size (as the trainer's training loss). */
  loss: number;
  /** Binary cross-entropy on the logits, mean over known labels. */
  bce: number;
  /** mAP in percent (official convention: classes without known positives count as AP 0). */
  mAP: number;
  /** Single-label: top-1 accuracy in percent (NaN for multi-label). */
  accuracy: number;
  /** Single-label: macro-F1 of the top-1 predictions in percent (NaN for multi-label). */
  macroF1: number;
}

/**
 * The model's outputs on the evaluated split are not finite: its weights overflow (a diverged run, a
 * learning rate far too large) even where every weight is a finite number. Names the first bad item.
 */
export class NonFiniteOutputError extends Error {
  override name = 'NonFiniteOutputError';
  constructor(
    readonly dataset: string,
    readonly item: number,
    readonly classIndex: number,
    readonly value: number,
  ) {
    super(
      `evaluateModel: the model's output on ${dataset} is ${value} at item ${item}, class ${classIndex}: ` +
        'its weights overflow (a diverged model: train with a smaller learning rate)',
    );
  }
}

const bceLoss = createLoss({ name: 'bce', params: { reduction: 'sum' } });

/** Evaluates `model` on `dataset` (see {@link Evaluation}). Leaves no tensors behind. */
export async function evaluateModel(model: tf.LayersModel, dataset: MultiLabelDataset, options: EvaluateOptions = {}): Promise<Evaluation> {
  checkOptionKeys(options, ['batchSize', 'loss', 'task'], 'evaluateModel');
  const task = options.task ?? 'multi-label';
  const k = dataset.classNames.length;
  const scores = new Float32Array(dataset.size * k);
  const targets = new Float32Array(dataset.size * k);
  const mask = dataset.hasMask ? new Float32Array(dataset.size * k) : undefined;
  const lossFn = createLoss(options.loss ?? { name: 'bce', params: { reduction: 'mean' } });
  let lossSum = 0;
  let bceSum = 0;
  let known = 0;
  let row = 0;
  for await (const batch of dataset.batches({ batchSize: options.batchSize ?? 256 })) {
    const [p, l, b, n] = tf.tidy(() => {
      const z = model.apply(batch.x, { training: false }) as tf.Tensor;
      const s = task === 'single-label' ? tf.softmax(z) : tf.sigmoid(z);
      const callOptions = { mask: batch.mask, validate: false };
      return [s, lossFn.call(z, batch.y, callOptions), bceLoss.call(z, batch.y, callOptions), batch.mask ? tf.sum(batch.mask) : tf.scalar(batch.size * k)];
    });
    scores.set(p.dataSync(), row * k);
    targets.set(batch.y.dataSync(), row * k);
    if (mask && batch.mask) mask.set(batch.mask.dataSync(), row * k);
    lossSum += l.dataSync()[0] * batch.size;
    bceSum += b.dataSync()[0];
    known += n.dataSync()[0];
    tf.dispose([p, l, b, n, batch.x, batch.y, batch.mask]);
    row += batch.size;
  }
  const bad = scores.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NonFiniteOutputError(dataset.name, Math.floor(bad / k), bad % k, scores[bad]);
  const rows = (a: Float32Array) => Array.from({ length: dataset.size }, (_, i) => a.subarray(i * k, (i + 1) * k));
  const mAP = dataset.size ? meanAveragePrecision(rows(scores), rows(targets), mask ? { mask: rows(mask) } : {}) : NaN;
  let accuracy = NaN;
  let f1 = NaN;
  if (task === 'single-label' && dataset.size) {
    const predicted = rows(scores).map((r) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (r[j] > r[best]) best = j;
      return Array.from({ length: k }, (_, j) => (j === best ? 1 : 0));
    });
    const truth = rows(targets).map((r) => Array.from(r));
    accuracy = (100 * predicted.filter((p, i) => truth[i][p.indexOf(1)] === 1).length) / dataset.size;
    f1 = 100 * macroF1(predicted, truth, { threshold: 0.5 });
  }
  return { scores, targets, mask, loss: lossSum / Math.max(1, dataset.size), bce: bceSum / Math.max(1, known), mAP, accuracy, macroF1: f1 };
}
