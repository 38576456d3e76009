/**
 * Saving and restoring a run's whole training state in a checkpoint (the unit that makes resume
 * exact): model weights, optimizer slots, EMA weights, the epoch history, the best epoch so far and
 * the callbacks' states. The header is validated field by field on load (an epoch written as a string,
 * a missing slot, a weight of the wrong size are all errors naming the file).
 */
import * as tf from '../core/tf';
import { z } from 'zod';
import { fail } from '../core/errors';
import { parseWithSchema } from '../core/schema';
import { assertFiniteArrays, readCheckpoint, writeCheckpoint } from './checkpoint';
import type { ModelEma } from './ema';
import type { EpochRecord, TrainingCallback } from './events';
import type { OptimizerName, TrainingOptimizer } from './optimizer';

/** The best epoch so far and how it was chosen. */
export interface BestEpoch {
  epoch: number;
  /** The selection metric: mAP (multi-label) or top-1 accuracy (single-label). */
  metric: 'mAP' | 'accuracy';
  /** Its value (percent) for the chosen weights. */
  value: number;
  /** The validation mAP (percent) of the chosen weights. */
  valMap: number;
  weights: 'raw' | 'ema';
}

/** A number that JSON wrote as null when it was NaN. */
const num = z.union([z.number(), z.null()]).transform((v) => (v === null ? NaN : v));
const int = z.number().int();

const epochRecordSchema = z
  .object({
    epoch: int.min(0),
    step: int.min(0),
    trainLoss: num,
    valLoss: num,
    valBce: num,
    valMap: num,
    valMapEma: num,
    valAccuracy: num,
    valAccuracyEma: num,
    valMacroF1: num,
    lr: num,
    seconds: num,
    numTensors: int.min(0),
    best: z.boolean(),
  })
  .strict();

const bestSchema = z
  .object({ epoch: int.min(-1), metric: z.enum(['mAP', 'accuracy']), value: num, valMap: num, weights: z.enum(['raw', 'ema']) })
  .strict();

const stateMetaSchema = z
  .object({
    kind: z.literal('training-state'),
    config: z.unknown(),
    epoch: int.min(0),
    step: int.min(0),
    history: z.array(epochRecordSchema),
    best: bestSchema,
    optimizer: z.object({ name: z.string(), step: int.min(0), slots: int.min(0) }).strict(),
    emaUpdates: int.min(0),
    weightNames: z.array(z.string()),
    callbacks: z.record(z.unknown()),
  })
  .strict();

const weightsMetaSchema = z
  .object({ kind: z.literal('weights'), config: z.unknown(), epoch: int.min(0), best: bestSchema.optional(), weightNames: z.array(z.string()) })
  .strict();

/** The header of a training-state checkpoint. */
export type TrainingStateMeta = z.output<typeof stateMetaSchema>;

/** The model's weights as arrays `<prefix>/<i>`. */
export async function modelArrays(model: tf.LayersModel, prefix = 'w'): Promise<Record<string, Float32Array>> {
  const arrays: Record<string, Float32Array> = {};
  const values = await Promise.all(model.weights.map((w) => w.read().data()));
  values.forEach((v, i) => (arrays[`${prefix}/${i}`] = v as Float32Array));
  return arrays;
}

/** Whether every weight of the model is finite (one read-back per weight). */
export async function modelIsFinite(model: tf.LayersModel): Promise<boolean> {
  const values = await Promise.all(model.weights.map((w) => w.read().data()));
  return values.every((v) => (v as Float32Array).every((x) => Number.isFinite(x)));
}

function restoreModelWeights(model: tf.LayersModel, arrays: Record<string, Float32Array>, weightNames: readonly string[], file: string, fn: string): void {
  if (weightNames.length !== model.weights.length) {
    fail(fn, 'file', `${file} holds ${weightNames.length} weights, the model has ${model.weights.length} (a different architecture?)`);
  }
  const tensors = model.weights.map((w, i) => {
    const a = arrays[`w/${i}`];
    const shape = w.shape as number[];
    if (!a || a.length !== tf.util.sizeFromShape(shape)) {
      fail(fn, 'file', `${file}: weight ${i} (${w.originalName}) is missing or has ${a?.length ?? 0} values, the model needs ${tf.util.sizeFromShape(shape)}`);
    }
    return tf.tensor(a, shape);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** What {@link saveTrainingState} records. */
export interface TrainingStateParts {
  config: unknown;
  epoch: number;
  step: number;
  history: readonly EpochRecord[];
  best: BestEpoch;
  model: tf.LayersModel;
  optimizer: TrainingOptimizer;
  ema?: ModelEma;
  callbacks: readonly TrainingCallback[];
}

/** Writes the whole training state (atomically; refuses non-finite values, naming the tensor). */
export async function saveTrainingState(file: string, parts: TrainingStateParts): Promise<void> {
  const arrays = await modelArrays(parts.model);
  const state = await parts.optimizer.getState();
  state.slots.forEach((s, i) => s.forEach((a, j) => (arrays[`opt/${i}/${j}`] = a)));
  if (parts.ema) (await parts.ema.values()).forEach((a, i) => (arrays[`ema/${i}`] = a));
  const callbacks: Record<string, unknown> = {};
  for (const cb of parts.callbacks) if (cb.getState) callbacks[cb.name] = cb.getState();
  const meta: TrainingStateMeta = {
    kind: 'training-state',
    config: parts.config,
    epoch: parts.epoch,
    step: parts.step,
    history: [...parts.history],
    best: parts.best,
    optimizer: { name: state.name, step: state.step, slots: state.slots[0]?.length ?? 0 },
    emaUpdates: parts.ema?.numUpdates ?? 0,
    weightNames: parts.model.weights.map((w) => w.originalName),
    callbacks,
  };
  assertFiniteArrays(arrays, 'saveTrainingState', file, (key) => nameOfArray(key, meta.weightNames));
  writeCheckpoint(file, { meta, arrays });
}

/** `w/3` → the weight's name, for messages. */
function nameOfArray(key: string, weightNames: readonly string[]): string {
  const [kind, i, j] = key.split('/');
  const w = weightNames[Number(i)] ?? `#${i}`;
  return kind === 'w' ? w : kind === 'ema' ? `${w} (EMA)` : `${w} (optimizer slot ${j})`;
}

/** Restores a training state into a model, optimizer, EMA and callbacks; returns the header. */
export function loadTrainingState(
  file: string,
  parts: { model: tf.LayersModel; optimizer: TrainingOptimizer; ema?: ModelEma; callbacks: readonly TrainingCallback[]; optimizerName: OptimizerName },
): TrainingStateMeta {
  const fn = 'resume';
  const ck = readCheckpoint(file);
  const meta = parseWithSchema(stateMetaSchema, ck.meta, fn, `${file}: header`);
  restoreModelWeights(parts.model, ck.arrays, meta.weightNames, file, fn);
  const n = parts.optimizer.weights.length;
  const slots = Array.from({ length: n }, (_, i) =>
    Array.from({ length: meta.optimizer.slots }, (_, j) => ck.arrays[`opt/${i}/${j}`] ?? fail(fn, 'file', `${file}: optimizer slot ${j} of weight ${i} is missing`)),
  );
  parts.optimizer.setState({ name: parts.optimizerName, step: meta.optimizer.step, slots });
  if (parts.ema) {
    parts.ema.restore(
      parts.model.weights.map((_, i) => ck.arrays[`ema/${i}`] ?? fail(fn, 'file', `${file}: EMA weight ${i} is missing (was the run trained without EMA?)`)),
      meta.emaUpdates,
    );
  }
  for (const cb of parts.callbacks) if (cb.setState && cb.name in meta.callbacks) cb.setState(meta.callbacks[cb.name]);
  return meta;
}

/** Writes model weights alone (the best checkpoint). */
export async function saveWeights(file: string, model: tf.LayersModel, meta: { config: unknown; epoch: number; best?: BestEpoch }): Promise<void> {
  const weightNames = model.weights.map((w) => w.originalName);
  const arrays = await modelArrays(model);
  assertFiniteArrays(arrays, 'saveWeights', file, (key) => nameOfArray(key, weightNames));
  writeCheckpoint(file, { meta: { kind: 'weights', ...meta, weightNames }, arrays });
}

/** Loads the weights of a checkpoint (best or last) into a model of the same architecture. */
export function loadCheckpointWeights(model: tf.LayersModel, file: string): void {
  const fn = 'loadCheckpointWeights';
  const ck = readCheckpoint(file);
  const kind = (ck.meta as { kind?: unknown } | null)?.kind;
  const meta = kind === 'training-state' ? parseWithSchema(stateMetaSchema, ck.meta, fn, `${file}: header`) : parseWithSchema(weightsMetaSchema, ck.meta, fn, `${file}: header`);
  restoreModelWeights(model, ck.arrays, meta.weightNames, file, fn);
}
