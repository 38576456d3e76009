/**
 * The training loop: `trainModel(config, { data })` trains a tfjs LayersModel (a zoo model or your
 * own) with any loss — a registered name, `{ name, params }`, or a loss object defined in a cell —
 * and the official ASL recipe's ingredients (Adam/AdamW/SGD, OneCycle or cosine, weight decay that
 * skips biases and norm parameters, EMA of the weights with both raw and EMA evaluated), validation
 * every epoch with best-checkpoint selection, atomic checksummed checkpoints, exact resume, seeded
 * determinism, and events for callbacks and progress displays.
 *
 * This file is the loop only; its parts are units of their own: the configuration and its defaults
 * (./config.ts), evaluation (./evaluate.ts), the run folder (./run-folder.ts), saving and restoring the
 * training state (./train-state.ts), events and host hooks (./events.ts), terminal progress
 * (./progress.ts).
 *
 * Determinism: with the same config (seed) and backend, the weights' initialisation (zoo models are
 * seeded), the batch order (seed, epoch) and every kernel are the same, so the metrics are equal.
 * Resume: the last checkpoint holds weights, optimizer slots, EMA, history and callback states; the
 * resumed run continues at the next epoch and reproduces the uninterrupted run.
 * Divergence: a non-finite loss or weight stops the run with a {@link TrainingDivergedError} naming
 * the epoch and step; the best checkpoint is never replaced by a non-finite model.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { markBatchNormRelu } from '../backend/fixes/batch-norm';
import { reassertGradients } from '../backend/fixes/kernel-api';
import type { DatasetSplits } from '../data/types';
import { createLoss, lossDefinitionOf, serialisableLossSpec } from '../losses/registry';
import { isLoss, isMultiLabelLoss, type LossLike, type LossParamValue, type LossSpec } from '../losses/types';
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from './config';
import { ModelEma } from './ema';
import { evaluateModel, NonFiniteOutputError, type Evaluation } from './evaluate';
import { throwIfInterrupted, type EpochRecord, type TrainingCallback } from './events';
import { TrainingHistory, TrainingResult } from './history';
import { setTrainingStep } from './layers';
import { modelForConfig } from './model-for';
import { TrainingOptimizer, trainableWeightsOf } from './optimizer';
import { createTrainingProgress, PROGRESS_MODES, type ProgressMode } from './progress';
import { RunFolder } from './run-folder';
import { learningRateAt } from './schedule';
import { trainStep } from './step';
import { loadTrainingState, modelIsFinite, saveTrainingState, saveWeights, type BestEpoch } from './train-state';

/** How often a training loop yields to the event loop (ms). */
const YIELD_EVERY_MS = 50;

/** What {@link trainModel} needs besides the configuration. */
export interface TrainOptions {
  data: DatasetSplits;
  /** A model instead of the zoo's (any LayersModel outputting logits `[B, K]`). */
  model?: tf.LayersModel;
  /** Run folder for config, metrics, checkpoints and the report (./run-folder.ts). */
  outDir?: string;
  /**
   * Continue from `outDir/checkpoints/last.ckpt`: `true` requires the checkpoint (an error when there
   * is none), `'if-present'` resumes when it exists and starts fresh otherwise. Default false.
   */
  resume?: boolean | 'if-present';
  callbacks?: TrainingCallback[];
  /** Progress display (default `'auto'`: the notebook's live chart in a notebook, a bar on a terminal, lines in CI). */
  progress?: ProgressMode | TrainingCallback;
  /** Keep the trained model in the result (default true); else it is disposed. */
  keepModel?: boolean;
  /** Stops training between steps when aborted. */
  signal?: AbortSignal;
}

/** A run stopped because its loss or weights stopped being finite. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly what: string,
    lr: number,
    lastGood?: string,
  ) {
    super(
      `training diverged at epoch ${epoch + 1}, step ${step + 1}: ${what} (learning rate ${lr.toExponential(2)}). ` +
        'Try a lower learning rate, check the loss parameters and the inputs' +
        (lastGood ? `; the last good checkpoint is ${lastGood}` : ''),
    );
  }
}

const TRAIN_OPTION_KEYS = ['data', 'model', 'outDir', 'resume', 'callbacks', 'progress', 'keepModel', 'signal'];


/** The loss as a run folder records it: `{ name, params }` (complete parameters), plus `module` when the spec had one. */
export function recordedLossSpec(loss: LossLike): LossSpec {
  const configured = createLoss(loss);
  const given = serialisableLossSpec(loss);
  return { name: configured.name, params: { ...configured.params } as Record<string, LossParamValue>, ...(given?.module ? { module: given.module } : {}) };
}

/** The loss with callback overrides applied (a configured loss object takes none). */
function lossFactory(loss: LossLike) {
  const definition = isMultiLabelLoss(loss) && !isLoss(loss) ? undefined : lossDefinitionOf(loss);
  const base = typeof loss === 'object' && !isMultiLabelLoss(loss) ? (loss.params ?? {}) : {};
  return (overrides: Record<string, LossParamValue>) => {
    if (Object.keys(overrides).length === 0) return createLoss(loss);
    if (!definition) return fail('trainModel', 'callbacks', `cannot override parameters of the configured loss '${createLoss(loss).name}' (pass its definition instead)`);
    return definition.create({ ...base, ...overrides });
  };
}

/**
 * Trains a model. See the module comment for the recipe, the run folder, resume and divergence.
 *
 * @example
 * const result = await trainModel({ loss: 'asl', epochs: 5 }, { data: splits, outDir: 'runs/asl' });
 * const mine = defineLoss({ name: 'mine', positive: ..., negative: ... });
 * await trainModel({ loss: mine }, { data: splits });
 */
export async function trainModel(config: TrainConfig, options: TrainOptions): Promise<TrainingResult> {
  const fn = 'trainModel';
  checkOptionKeys(options, TRAIN_OPTION_KEYS, fn);
  if (!options?.data?.train || !options.data.val) fail(fn, 'options.data', 'must be { train, val } datasets');
  if (typeof options.progress === 'string' && !PROGRESS_MODES.includes(options.progress)) {
    fail(fn, 'progress', `must be one of ${PROGRESS_MODES.join(', ')} or a callback, got ${JSON.stringify(options.progress)}`);
  }
  const started = Date.now();
  // The backend's faster gradients, if a later import of @tensorflow/tfjs replaced them.
  reassertGradients();
  const c = resolveTrainConfig(config, fn);
  const { data } = options;
  const single = c.task === 'single-label';
  const makeLoss = lossFactory(c.loss);
  let loss = makeLoss({});
  const recorded = { ...c, loss: recordedLossSpec(c.loss) };
  const folder = options.outDir ? new RunFolder(options.outDir) : undefined;
  if (options.resume === true && !folder) fail(fn, 'resume', 'needs outDir (the run folder to continue)');
  if (options.resume === true && folder && !folder.hasCheckpoint()) {
    fail(fn, 'resume', `there is no checkpoint to resume in ${folder.dir} (${folder.lastCheckpoint} is missing); start a fresh run without resume, or resume 'if-present'`);
  }
  const progress = typeof options.progress === 'object' ? options.progress : createTrainingProgress(options.progress ?? 'auto');
  const callbacks = [...(options.callbacks ?? []), progress];
  const model = options.model ?? (await modelForConfig(c, data.train.inputShape, data.train.classNames.length));
  markBatchNormRelu(model); // batch norm → ReLU runs as one kernel in training (same numbers)
  const weights = trainableWeightsOf(model);
  const optimizer = new TrainingOptimizer(c.optimizer, weights);
  const ema = c.ema ? new ModelEma(model, c.ema) : undefined;
  const stepsPerEpoch = Math.ceil(data.train.size / c.batchSize);
  const totalSteps = stepsPerEpoch * c.epochs;
  const metric: BestEpoch['metric'] = single ? 'accuracy' : 'mAP';
  let history: EpochRecord[] = [];
  let best: BestEpoch = { epoch: -1, metric, value: -Infinity, valMap: NaN, weights: 'raw' };
  let startEpoch = 0;
  let step = 0;
  let resumedFromEpoch: number | undefined;
  let lossKey = '{}';
  let lr = learningRateAt(c.schedule, c.lr, 0, totalSteps);

  try {
    folder?.start(recorded);
    if (folder && options.resume && folder.hasCheckpoint()) {
      const meta = loadTrainingState(folder.lastCheckpoint, { model, optimizer, ema, callbacks, optimizerName: c.optimizer.name });
      history = meta.history;
      best = meta.best;
      startEpoch = meta.epoch + 1;
      step = meta.step;
      resumedFromEpoch = startEpoch;
      folder.resetMetrics(history);
    } else folder?.resetMetrics([]);
    for (const cb of callbacks) await cb.onTrainBegin?.({ epochs: c.epochs, stepsPerEpoch, startEpoch, name: c.name });
    const needsLogits = callbacks.some((cb) => cb.needsLogits);
    const diverged = (epoch: number, what: string) =>
      new TrainingDivergedError(epoch, Math.max(0, step - 1), what, lr, folder && (startEpoch > 0 || epoch > 0) ? folder.lastCheckpoint : undefined);

    let lastYield = Date.now();
    for (let epoch = startEpoch; epoch < c.epochs; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0;
      let seen = 0;
      for await (const batch of data.train.batches({ batchSize: c.batchSize, shuffle: true, seed: c.seed, epoch, augment: c.augment })) {
        try {
          throwIfInterrupted(options.signal);
          // Loss parameters overridden by callbacks (e.g. the adaptive γ−).
          const overrides: Record<string, LossParamValue> = {};
          for (const cb of callbacks) Object.assign(overrides, cb.lossParams?.() ?? {});
          const key = JSON.stringify(overrides);
          if (key !== lossKey) {
            loss = makeLoss(overrides);
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
          step += 1;
          if (!Number.isFinite(value)) {
            tf.dispose(r.logits);
            throw diverged(epoch, `the loss is ${value}`);
          }
          ema?.update();
          lossSum += value * batch.size;
          seen += batch.size;
          try {
            for (const cb of callbacks) await cb.onBatchEnd?.({ epoch, step: step - 1, loss: value, lr, logits: r.logits, targets: batch.y, mask: batch.mask });
          } finally {
            tf.dispose(r.logits);
          }
          // Let timers and I/O run at least every 50 ms (a notebook's Stop button, kernel messages,
          // progress displays): a synchronous step loop would otherwise hold the event loop for the
          // whole run. Costs one macrotask per 50 ms.
          if (Date.now() - lastYield >= YIELD_EVERY_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = Date.now();
          }
        } finally {
          tf.dispose([batch.x, batch.y, batch.mask]);
        }
      }
      if (!(await modelIsFinite(model))) throw diverged(epoch, 'a weight is not finite');
      const evalOptions = { batchSize: c.batchSize, loss: loss, task: c.task };
      // Finite weights can still overflow in the forward pass (a learning rate far too large).
      const evaluate = async (run: () => Promise<Evaluation>) => {
        try {
          return await run();
        } catch (e) {
          if (e instanceof NonFiniteOutputError) throw diverged(epoch, `the model's output on the validation split is ${e.value} (item ${e.item}, class ${e.classIndex})`);
          throw e;
        }
      };
      const raw = await evaluate(() => evaluateModel(model, data.val, evalOptions));
      const averaged: Evaluation | undefined = ema ? await evaluate(() => ema.withAveragedWeights(() => evaluateModel(model, data.val, evalOptions))) : undefined;
      const score = (e: Evaluation) => (single ? e.accuracy : e.mAP);
      const useEma = averaged !== undefined && Number.isFinite(score(averaged)) && score(averaged) > score(raw);
      const chosen = useEma && averaged ? averaged : raw;
      const isBest = Number.isFinite(score(chosen)) && score(chosen) > best.value;
      if (isBest) best = { epoch, metric, value: score(chosen), valMap: chosen.mAP, weights: useEma ? 'ema' : 'raw' };
      const record: EpochRecord = {
        epoch,
        step,
        trainLoss: lossSum / Math.max(1, seen),
        valLoss: raw.loss,
        valBce: raw.bce,
        valMap: raw.mAP,
        valMapEma: averaged?.mAP ?? NaN,
        valAccuracy: raw.accuracy,
        valAccuracyEma: averaged?.accuracy ?? NaN,
        valMacroF1: raw.macroF1,
        lr,
        seconds: (Date.now() - epochStart) / 1000,
        numTensors: tf.memory().numTensors,
        best: isBest,
      };
      history.push(record);
      if (folder) {
        folder.appendMetrics(record);
        if (isBest) {
          const write = () => saveWeights(folder.bestCheckpoint, model, { config: recorded, epoch, best });
          await (useEma && ema ? ema.withAveragedWeights(write) : write());
        }
        await saveTrainingState(folder.lastCheckpoint, { config: recorded, epoch, step, history, best, model, optimizer, ema, callbacks });
      }
      for (const cb of callbacks) await cb.onEpochEnd?.(record);
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history);
    const callbackStates: Record<string, unknown> = {};
    for (const cb of callbacks) if (cb.getState && cb !== progress) callbackStates[cb.name] = cb.getState();
    const result = new TrainingResult(
      c,
      new TrainingHistory(history, c.name),
      best,
      (Date.now() - started) / 1000,
      tf.getBackend(),
      options.keepModel === false ? undefined : model,
      resumedFromEpoch,
      options.outDir,
      recorded,
      callbackStates,
    );
    folder?.writeReport(result);
    return result;
  } finally {
    optimizer.dispose();
    ema?.dispose();
    if (options.keepModel === false && !options.model) model.dispose();
  }
}
