/**
 * What the trainer tells the world: the callback interface (hooks called at fixed points of a run),
 * the records it passes, and the environment hooks a host (a notebook kernel) installs — the interrupt
 * signal a long loop checks, and the progress display `progress: 'auto'` uses there. The core only
 * emits; terminal progress (./progress.ts) and the notebook package's live charts subscribe.
 */
import type * as tf from '../core/tf';
import type { LossParamValue } from '../losses/types';

/** What a callback sees after every training step. Tensors are valid only during the call. */
export interface BatchEndInfo {
  epoch: number;
  /** 0-based global step (this step's index). */
  step: number;
  loss: number;
  lr: number;
  /** The batch's logits `[B, K]` (present when a callback sets `needsLogits`). */
  logits?: tf.Tensor;
  targets: tf.Tensor;
  mask?: tf.Tensor;
}

/** One epoch's record (also a line of the run folder's metrics log). */
export interface EpochRecord {
  epoch: number;
  /** Global steps done at the end of the epoch. */
  step: number;
  /** Mean of the training loss over the epoch's batches (weighted by batch size), as the loss reduces it. */
  trainLoss: number;
  /** Validation loss: the training loss, reduced the same way over batches of the training batch size, so the two compare. */
  valLoss: number;
  /** Validation binary cross-entropy (mean over known labels), the same for every loss: a loss-independent yardstick. */
  valBce: number;
  /** Validation mAP (percent) of the raw weights. */
  valMap: number;
  /** Validation mAP (percent) of the EMA weights (NaN without EMA). */
  valMapEma: number;
  /** Single-label tasks: validation top-1 accuracy (percent) of the raw weights (NaN for multi-label). */
  valAccuracy: number;
  /** Single-label tasks: validation accuracy of the EMA weights (NaN otherwise). */
  valAccuracyEma: number;
  /** Single-label tasks: validation macro-F1 (percent) of the raw weights (NaN for multi-label). */
  valMacroF1: number;
  lr: number;
  seconds: number;
  /** Live tensors after the epoch (stable across epochs when nothing leaks). */
  numTensors: number;
  /** Whether this epoch gave the best checkpoint so far. */
  best: boolean;
}

/** What `onTrainBegin` receives. */
export interface TrainBeginInfo {
  epochs: number;
  stepsPerEpoch: number;
  /** The first epoch this call runs (> 0 when resuming). */
  startEpoch: number;
  /** The run's label (config name). */
  name: string;
}

/** Hooks the trainer calls at fixed points; every hook is optional. */
export interface TrainingCallback {
  readonly name: string;
  /** Ask the trainer to keep the batch logits for `onBatchEnd`. */
  readonly needsLogits?: boolean;
  onTrainBegin?(info: TrainBeginInfo): void | Promise<void>;
  onBatchEnd?(info: BatchEndInfo): void | Promise<void>;
  onEpochEnd?(record: EpochRecord): void | Promise<void>;
  onTrainEnd?(history: readonly EpochRecord[]): void | Promise<void>;
  /** Loss parameters to override from the next step on (e.g. γ− of an adaptive controller). */
  lossParams?(): Record<string, LossParamValue>;
  /** JSON state, saved in checkpoints so a resumed run continues the callback exactly. */
  getState?(): unknown;
  setState?(state: unknown): void;
}

/** What a host environment (a notebook kernel) offers training loops. */
export interface TrainingEnvironment {
  /** A signal aborted when the user interrupts (checked between steps). */
  interruptSignal?(): AbortSignal | undefined;
  /** The live progress display for a run in this environment (what `progress: 'auto'` picks). */
  progress?(): TrainingCallback;
}

let environment: TrainingEnvironment = {};

/** Installs (or with `{}` removes) the host's hooks; the notebook package's kernel does this. */
export function setTrainingEnvironment(next: TrainingEnvironment): void {
  environment = next ?? {};
}

/** The installed hooks. */
export function trainingEnvironment(): TrainingEnvironment {
  return environment;
}

/** Throws the abort reason when `signal` (or the host's interrupt signal) is aborted. */
export function throwIfInterrupted(signal?: AbortSignal): void {
  signal?.throwIfAborted();
  environment.interruptSignal?.()?.throwIfAborted();
}
