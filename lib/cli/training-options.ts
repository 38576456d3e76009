/**
 * Options the training commands share (`asl train`, `asl sweep`, `asl worker`): the data flags and
 * the training-configuration flags, declared once with their checks; and the translation of parsed
 * flags (over an optional config file) into a validated `TrainConfig` — loss name and parameters
 * included — before any data is loaded.
 */
import { AslInputError } from '../core/errors';
import { readJsonFile } from '../data/json-file';
import type { DatasetRef } from '../data/dataset-ref';
import { createLoss } from '../losses/registry';
import type { LossParamValue } from '../losses/types';
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from '../train/config';
import { ZOO_MODEL_NAMES } from '../train/models';
import { OPTIMIZER_NAMES } from '../train/optimizer';
import { SCHEDULE_NAMES } from '../train/schedule';
import { TRAIN_DEFAULTS } from '../train/config';
import { UsageError, type OptionSpecs, type ParsedArgs } from './args';

/** The data flags. */
export const DATA_OPTIONS: OptionSpecs = {
  data: { type: 'string', value: 'multifashion|debtags|FILE#EXPORT', description: 'the dataset (default multifashion); a module path and the name of its loader function' },
  'train-size': { type: 'string', kind: 'positive-int', value: 'N', description: 'MultiFashion / Debtags training samples (MultiFashion default 2000; its items: the Fashion-MNIST test set shipped in data/)' },
  'val-size': { type: 'string', kind: 'positive-int', value: 'N', description: 'validation samples (MultiFashion default 500)' },
  canvas: { type: 'string', kind: 'positive-int', value: 'N', description: 'MultiFashion image size in pixels (default 32)' },
  'missing-rate': { type: 'string', kind: 'fraction', value: 'R', description: 'MultiFashion: fraction of training positives hidden' },
  'feature-dim': { type: 'string', kind: 'positive-int', value: 'N', description: 'Debtags hashed features (default 4096)' },
};

/** The training-configuration flags (defaults: TRAIN_DEFAULTS, shared with the trainer). */
export const CONFIG_OPTIONS: OptionSpecs = {
  config: { type: 'string', kind: 'path', value: 'FILE', description: 'a TrainConfig JSON file (flags override it)' },
  task: { type: 'string', choices: ['multi-label', 'single-label'], description: `the task (default ${TRAIN_DEFAULTS.task})` },
  model: { type: 'string', choices: ZOO_MODEL_NAMES, description: 'zoo model (default reference-cnn for images, text-mlp for vectors)' },
  pretrained: { type: 'string', kind: 'path', value: 'DIR', description: 'fine-tune a pretrained backbone (a tfjs Layers model folder) with a new head' },
  'freeze-backbone': { type: 'boolean', description: 'with --pretrained: train the new head only' },
  loss: { type: 'string', value: 'NAME', description: `a registered loss (default ${String(TRAIN_DEFAULTS.loss)}); see 'asl losses'` },
  'loss-params': { type: 'string', value: 'K=V,…', description: 'loss parameters, e.g. gammaNeg=4,clip=0.05 (lists as 1;2;3)' },
  epochs: { type: 'string', kind: 'positive-int', value: 'N', description: `epochs (default ${TRAIN_DEFAULTS.epochs})` },
  'batch-size': { type: 'string', kind: 'positive-int', value: 'N', description: `batch size (default ${TRAIN_DEFAULTS.batchSize})` },
  lr: { type: 'string', kind: 'positive', value: 'X', description: `peak learning rate (default ${TRAIN_DEFAULTS.lr})` },
  seed: { type: 'string', kind: 'count', value: 'N', description: `seed of weights, batch order, augmentation (default ${TRAIN_DEFAULTS.seed})` },
  optimizer: { type: 'string', choices: OPTIMIZER_NAMES, description: `optimizer (default ${TRAIN_DEFAULTS.optimizer.name})` },
  'weight-decay': { type: 'string', kind: 'number', value: 'X', description: `weight decay (default ${TRAIN_DEFAULTS.optimizer.weightDecay})` },
  schedule: { type: 'string', choices: SCHEDULE_NAMES, description: `learning-rate schedule (default ${TRAIN_DEFAULTS.schedule.name})` },
  ema: { type: 'string', value: 'DECAY|off', description: `EMA of the weights (default ${TRAIN_DEFAULTS.ema ? TRAIN_DEFAULTS.ema.decay : 'off'})` },
  augment: { type: 'boolean', description: "use the dataset's training augmentation" },
};

/** The dataset reference the data flags describe. */
export function datasetRefFromArgs(p: ParsedArgs): DatasetRef {
  const data = p.string('data') ?? 'multifashion';
  if (data === 'multifashion') {
    const options: Record<string, unknown> = {
      trainSize: p.number('train-size') ?? 2000,
      valSize: p.number('val-size') ?? 500,
      canvasSize: p.number('canvas') ?? 32,
      // The Fashion-MNIST items shipped in data/ (its test set), so a run is the same on every machine
      // whether or not the full set is installed (the book uses the same).
      source: 'shipped',
    };
    const missing = p.number('missing-rate');
    if (missing !== undefined) options.missingLabelRate = missing;
    if (p.has('feature-dim')) throw new UsageError('--feature-dim applies to --data debtags');
    return { kind: 'multifashion', options };
  }
  if (data === 'debtags') {
    for (const f of ['canvas', 'missing-rate']) if (p.has(f)) throw new UsageError(`--${f} applies to --data multifashion`);
    const options: Record<string, unknown> = { featureDim: p.number('feature-dim') ?? 4096 };
    if (p.has('train-size') || p.has('val-size')) {
      return { kind: 'debtags-subset', options: { ...options, trainSize: p.number('train-size'), valSize: p.number('val-size') } };
    }
    return { kind: 'debtags', options };
  }
  const hash = data.lastIndexOf('#');
  if (hash <= 0 || hash === data.length - 1) throw new UsageError(`--data must be multifashion, debtags or <module>#<export>, got '${data}'`);
  return { kind: 'module', module: data.slice(0, hash), exportName: data.slice(hash + 1) };
}

/** `gammaNeg=4,gammaPos=0,detachFocalWeight=true,classCounts=1;2;3` → parameters. */
export function parseLossParams(text: string | undefined): Record<string, LossParamValue> {
  const out: Record<string, LossParamValue> = {};
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (eq <= 0 || v === '') throw new UsageError(`--loss-params: '${part}' must be key=value`);
    if (k in out) throw new UsageError(`--loss-params: '${k}' is given twice`);
    if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (v.includes(';')) {
      const items = v.split(';').map((s) => Number(s.trim()));
      if (items.some((n) => !Number.isFinite(n))) throw new UsageError(`--loss-params: '${k}' must be a list of numbers separated by ';', got '${v}'`);
      out[k] = items;
    } else out[k] = Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Reads and validates a TrainConfig JSON file (errors name the file and the key path). */
export function readConfigFile(file: string, fn: string): TrainConfig {
  return toUsage(() => {
    const raw = readJsonFile(file, fn) as TrainConfig;
    resolveTrainConfig(raw, fn, file);
    return raw;
  });
}

/** Runs `f`, turning input errors (bad values) into usage errors (exit code 2). */
export function toUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    // The command names itself in front of the message already.
    if (e instanceof AslInputError) throw new UsageError(e.fn.startsWith('asl ') ? e.message.slice(e.fn.length + 2) : e.message);
    throw e;
  }
}

/**
 * The flags of {@link CONFIG_OPTIONS} applied over `base` (a config file's contents), unvalidated;
 * flags in `skip` are left out (a sweep varies them in its grid).
 */
export function applyConfigFlags(p: ParsedArgs, base: TrainConfig, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const config: Record<string, unknown> = { ...base };
  const has = (flag: string) => !skip.has(flag) && p.has(flag);
  const baseLoss = base.loss;
  if (has('loss') || has('loss-params')) {
    const baseSpec = typeof baseLoss === 'string' ? { name: baseLoss } : baseLoss && typeof baseLoss === 'object' && 'name' in baseLoss && !('call' in baseLoss) ? baseLoss : undefined;
    const name = (has('loss') ? p.string('loss') : undefined) ?? (baseSpec && typeof baseSpec.name === 'string' ? baseSpec.name : String(TRAIN_DEFAULTS.loss));
    const params = { ...(!has('loss') && baseSpec && 'params' in baseSpec ? baseSpec.params : {}), ...parseLossParams(p.string('loss-params')) };
    config.loss = { name, params };
  }
  if (has('task')) config.task = p.string('task');
  if (has('model') || has('pretrained') || has('freeze-backbone')) {
    if (has('freeze-backbone') && !has('pretrained') && !(base.model && base.model.pretrained)) throw new UsageError('--freeze-backbone needs --pretrained');
    config.model = {
      ...(base.model ?? {}),
      ...(has('model') ? { zoo: p.string('model') } : base.model ? {} : { zoo: 'bn-cnn' }),
      ...(has('pretrained') ? { pretrained: p.string('pretrained') } : {}),
      ...(has('freeze-backbone') ? { freezeBackbone: true } : {}),
    };
  }
  if (has('epochs')) config.epochs = p.number('epochs');
  if (has('batch-size')) config.batchSize = p.number('batch-size');
  if (has('lr')) config.lr = p.number('lr');
  if (has('seed')) config.seed = p.number('seed');
  if (has('optimizer') || has('weight-decay')) {
    const wd = has('weight-decay') ? p.number('weight-decay') : undefined;
    if (wd !== undefined && wd < 0) throw new UsageError(`--weight-decay must be ≥ 0, got ${wd}`);
    config.optimizer = { ...(base.optimizer ?? TRAIN_DEFAULTS.optimizer), ...(has('optimizer') ? { name: p.string('optimizer') } : {}), ...(wd !== undefined ? { weightDecay: wd } : {}) };
  }
  if (has('schedule')) config.schedule = { name: p.string('schedule') };
  const ema = has('ema') ? p.string('ema') : undefined;
  if (ema !== undefined) {
    const decay = Number(ema);
    if (ema !== 'off' && !(decay > 0 && decay < 1)) throw new UsageError(`--ema must be a decay in (0, 1) or 'off', got '${ema}'`);
    config.ema = ema === 'off' ? false : { decay };
  }
  if (has('augment') && p.flag('augment')) config.augment = true;
  return config;
}

/**
 * The training configuration of the flags over `base`: validated, with the loss created once to
 * check its name and parameters — before any data is loaded.
 */
export function configFromArgs(p: ParsedArgs, base: TrainConfig, fn: string): ResolvedTrainConfig {
  const config = applyConfigFlags(p, base);
  return toUsage(() => {
    const resolved = resolveTrainConfig(config as TrainConfig, fn);
    createLoss(resolved.loss);
    return resolved;
  });
}
