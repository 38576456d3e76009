/**
 * The configuration of a training run: one zod schema that validates configs (from code, JSON files
 * and the command line alike), fills the defaults and types them — `TrainConfig` is what it accepts,
 * `ResolvedTrainConfig` what it returns. The trainer, sweeps and `asl train` share these defaults.
 *
 * Defaults (the official ASL recipe's ingredients, sized for the workbook's small data): loss `'asl'`
 * (γ− = 4, γ+ = 0, m = 0.05, summed), Adam with weight decay 1e-4 (biases and norm parameters exempt),
 * peak learning rate 1e-3 with OneCycle (warm-up 20 %), 10 epochs, batches of 64, EMA of the weights
 * with decay 0.997, seed 0, no augmentation.
 */
import { z } from 'zod';
import { parseWithSchema } from '../core/schema';
import { isLoss, isMultiLabelLoss, type Loss, type MultiLabelLoss } from '../losses/types';
import { ZOO_MODEL_NAMES, type ZooModelName } from './models';
import { OPTIMIZER_NAMES } from './optimizer';

const positiveInt = z.number().int().positive();
const finite = z.number().finite();

/** A loss by name with parameters (and optionally the module that exports it), as JSON configs hold it. */
export const lossSpecSchema = z
  .object({
    name: z.string().min(1),
    params: z.record(z.union([finite, z.boolean(), z.string(), z.array(finite).readonly()])).optional(),
    module: z.string().min(1).optional(),
  })
  .strict();

const lossSchema = z.union([
  z.string().min(1),
  lossSpecSchema,
  z.custom<Loss | MultiLabelLoss>((v) => isLoss(v) || isMultiLabelLoss(v), 'a loss name, { name, params } or a loss object'),
]);

const modelSchema = z
  .object({
    zoo: z.enum(ZOO_MODEL_NAMES as [ZooModelName, ...ZooModelName[]]),
    hidden: z.array(positiveInt).optional(),
    channels: z.array(positiveInt).optional(),
    dropout: z.number().min(0).lt(1).optional(),
    /** A pretrained backbone (tfjs Layers model folder or model.json) to fine-tune with a new multi-label head. */
    pretrained: z.string().min(1).optional(),
    /** The layer whose output feeds the new head (default: the backbone's last hidden layer). */
    cutAt: z.string().min(1).optional(),
    /** Train the head only. */
    freezeBackbone: z.boolean().optional(),
  })
  .strict();

const optimizerSchema = z
  .object({
    name: z.enum(OPTIMIZER_NAMES as unknown as ['adam', 'adamw', 'sgd']),
    weightDecay: finite.min(0).optional(),
    beta1: z.number().min(0).lt(1).optional(),
    beta2: z.number().min(0).lt(1).optional(),
    epsilon: z.number().positive().finite().optional(),
    momentum: z.number().min(0).lt(1).optional(),
    nesterov: z.boolean().optional(),
    fused: z.boolean().optional(),
  })
  .strict();

const scheduleSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('constant') }).strict(),
  z
    .object({
      name: z.literal('onecycle'),
      pctStart: z.number().gt(0).lt(1).optional(),
      divFactor: z.number().positive().finite().optional(),
      finalDivFactor: z.number().positive().finite().optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('cosine'),
      warmupSteps: z.number().int().min(0).optional(),
      minLrRatio: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);

const emaSchema = z.union([
  z.literal(false),
  z
    .object({
      decay: z.number().gt(0).lt(1).optional(),
      warmup: z.boolean().optional(),
    })
    .strict(),
]);

/** The schema of a training configuration (see the module comment for the defaults). */
export const trainConfigSchema = z
  .object({
    /** Label for progress lines, reports and run folders. */
    name: z.string().min(1).default('run'),
    /** `'multi-label'` (sigmoid outputs, mAP) or `'single-label'` (softmax, accuracy; one-hot targets). */
    task: z.enum(['multi-label', 'single-label']).default('multi-label'),
    /**
     * A registered loss name, `{ name, params, module? }`, or a loss object (`defineLoss` result or
     * configured loss). Default `'asl'` (multi-label) or `'softmax-ce'` (single-label).
     */
    loss: lossSchema.optional(),
    /** A zoo model (ignored when `TrainOptions.model` is given); default reference-cnn for images, text-mlp for vectors. */
    model: modelSchema.optional(),
    optimizer: optimizerSchema.default({ name: 'adam', weightDecay: 1e-4 }),
    /** Peak (OneCycle/cosine) or constant learning rate. */
    lr: finite.positive().default(1e-3),
    schedule: scheduleSchema.default({ name: 'onecycle', pctStart: 0.2 }),
    epochs: positiveInt.default(10),
    batchSize: positiveInt.default(64),
    /** Seed of the weights, the batch order and the augmentation. */
    seed: z.number().int().min(0).default(0),
    /** EMA of the weights; `false` switches it off. */
    ema: emaSchema.default({ decay: 0.997 }),
    /** Use the dataset's training augmentation. */
    augment: z.boolean().default(false),
  })
  .strict()
  .transform((c) => ({ ...c, loss: c.loss ?? (c.task === 'single-label' ? 'softmax-ce' : 'asl') }));

/** A training configuration as given (every field optional). */
export type TrainConfig = z.input<typeof trainConfigSchema>;
/** A training configuration with every default filled in. */
export type ResolvedTrainConfig = z.output<typeof trainConfigSchema>;
/** A zoo model chosen by name in a config. */
export type ZooModelSpec = z.output<typeof modelSchema>;
/** The defaults of {@link TrainConfig}. */
export const TRAIN_DEFAULTS: Readonly<ResolvedTrainConfig> = Object.freeze(trainConfigSchema.parse({}));

/**
 * Validates a config and fills its defaults. Unknown keys are errors naming the key path and the
 * closest valid key; `where` prefixes paths in messages (e.g. a file name).
 */
export function resolveTrainConfig(config: TrainConfig = {}, fn = 'resolveTrainConfig', where = ''): ResolvedTrainConfig {
  return parseWithSchema(trainConfigSchema, config, fn, where);
}
