/**
 * The training engine's small model zoo: the two benchmark reference models, the book's CNN with
 * batch norm, a small residual CNN for the image data and an MLP for text features. Every model is a plain tfjs `LayersModel` that
 * outputs logits `[B, numClasses]` (no sigmoid: the multi-label losses take logits), with weights
 * initialised from `seed` so that the same seed gives the same network.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { mixSeeds } from '../core/random';
import { stepSeededDropout } from './layers';

/** Names of the zoo's models. */
export type ZooModelName = 'reference-cnn' | 'reference-mlp' | 'residual-cnn' | 'text-mlp' | 'bn-cnn';

export const ZOO_MODEL_NAMES: readonly ZooModelName[] = ['reference-cnn', 'reference-mlp', 'residual-cnn', 'text-mlp', 'bn-cnn'];

export interface ZooModelOptions {
  /** Shape of one input sample: `[H, W, C]` for the CNNs, `[F]` for the MLPs. */
  inputShape: readonly number[];
  numClasses: number;
  /** Seed of the weight initialisation (default 0). */
  seed?: number;
  /** Hidden widths of the MLPs (reference-mlp default [512, 256], text-mlp default [256]). */
  hidden?: readonly number[];
  /**
   * Channels of the CNN stages (reference-cnn, residual-cnn and bn-cnn default [16, 32, 64]; bn-cnn
   * takes any number of stages, its last conv has as many channels as the last stage).
   */
  channels?: readonly number[];
  /** Dropout before the head (text-mlp default 0.2, others 0). */
  dropout?: number;
}

/** A seeded initialiser factory: every call gives the next layer its own seed. */
function seeds(seed: number): () => number {
  let i = 0;
  return () => mixSeeds(seed, ++i);
}

function checkShape(name: ZooModelName, o: ZooModelOptions, rank: number): void {
  if (o.inputShape.length !== rank || o.inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    fail(name, 'inputShape', `must be ${rank === 3 ? '[H, W, C]' : '[F]'} of positive integers, got [${o.inputShape.join(', ')}]`);
  }
  if (!Number.isInteger(o.numClasses) || o.numClasses < 1) fail(name, 'numClasses', `must be a positive integer, got ${o.numClasses}`);
}

/**
 * The benchmark CNN: conv3×3(16, same) ReLU, maxpool 2, conv3×3(32, same) ReLU, maxpool 2,
 * conv3×3(64, same) ReLU, global average pool, dense(numClasses). Input 48×48×1 in the benchmark.
 */
export function referenceCnn(options: ZooModelOptions): tf.LayersModel {
  checkShape('reference-cnn', options, 3);
  const next = seeds(options.seed ?? 0);
  const [c1, c2, c3] = options.channels ?? [16, 32, 64];
  const conv = (filters: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: next() }),
    });
  const model = tf.sequential({ name: 'reference_cnn' });
  model.add(tf.layers.conv2d({
    inputShape: [...options.inputShape],
    filters: c1,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
    kernelInitializer: tf.initializers.heNormal({ seed: next() }),
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(c2));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(c3));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: options.numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: next() }) }));
  return model;
}

function mlp(name: string, options: ZooModelOptions, hidden: readonly number[], dropout: number): tf.LayersModel {
  const next = seeds(options.seed ?? 0);
  const model = tf.sequential({ name });
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({
      ...(i === 0 ? { inputShape: [...options.inputShape] } : {}),
      units,
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: next() }),
    }));
  });
  if (dropout > 0) model.add(stepSeededDropout({ rate: dropout, seed: next() }));
  model.add(tf.layers.dense({
    ...(hidden.length === 0 ? { inputShape: [...options.inputShape] } : {}),
    units: options.numClasses,
    kernelInitializer: tf.initializers.glorotUniform({ seed: next() }),
  }));
  return model;
}

/** The benchmark MLP: dense(512) ReLU, dense(256) ReLU, dense(numClasses). Input 4096 in the benchmark. */
export function referenceMlp(options: ZooModelOptions): tf.LayersModel {
  checkShape('reference-mlp', options, 1);
  return mlp('reference_mlp', options, options.hidden ?? [512, 256], options.dropout ?? 0);
}

/** An MLP for text features (hashed bag-of-words): dense(256) ReLU, dropout 0.2, dense(numClasses). */
export function textMlp(options: ZooModelOptions): tf.LayersModel {
  checkShape('text-mlp', options, 1);
  return mlp('text_mlp', options, options.hidden ?? [256], options.dropout ?? 0.2);
}

/**
 * A small residual CNN for the image data: a 3×3 stem, then per stage a stride-2 3×3 conv and one
 * residual block (two 3×3 convs with batch norm, identity shortcut), global average pool, dense head.
 */
export function residualCnn(options: ZooModelOptions): tf.LayersModel {
  checkShape('residual-cnn', options, 3);
  const next = seeds(options.seed ?? 0);
  const channels = options.channels ?? [16, 32, 64];
  const convBn = (x: tf.SymbolicTensor, filters: number, strides: number, relu: boolean): tf.SymbolicTensor => {
    let y = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: next() }),
    }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
    return relu ? (tf.layers.reLU().apply(y) as tf.SymbolicTensor) : y;
  };
  const input = tf.input({ shape: [...options.inputShape] });
  let x = convBn(input, channels[0], 1, true);
  channels.forEach((c, i) => {
    x = convBn(x, c, i === 0 ? 1 : 2, true);
    const y = convBn(convBn(x, c, 1, true), c, 1, false);
    x = tf.layers.reLU().apply(tf.layers.add().apply([x, y])) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  if ((options.dropout ?? 0) > 0) x = stepSeededDropout({ rate: options.dropout!, seed: next() }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: options.numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: next() }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'residual_cnn' });
}

/**
 * PyTorch's default initialisation of a layer with `fanIn` inputs per output (`nn.Conv2d`,
 * `nn.Linear`: kaiming-uniform with a = √5, i.e. U(±1/√fanIn) for the weights, and U(±1/√fanIn) for
 * the biases), so the book CNN starts where the PyTorch reference starts.
 */
type TfInitializer = ReturnType<typeof tf.initializers.varianceScaling>;

function torchInit(fanIn: number, seed: () => number): { kernelInitializer: TfInitializer; biasInitializer: TfInitializer } {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: seed() }),
    biasInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed() }),
  };
}

/**
 * The book's CNN: per stage conv3×3(c, same, no bias) → batch norm → ReLU → maxpool 2 (default
 * stages 16, 32, 64), then conv3×3(last c, same) ReLU, global average pool, dense(numClasses).
 * As PyTorch's `nn.Sequential` of the same layers: batch norm as `BatchNorm2d(momentum=0.1, eps=1e-3)`
 * (tfjs momentum 0.9), weights and biases initialised as PyTorch's defaults (so the book's numbers
 * compare with the PyTorch reference, bench/pytorch_multifashion.py). Any input size (a pooling stage
 * whose input is 1 pixel wide keeps it: 'same' padding) and channel count.
 */
export function bnCnn(options: ZooModelOptions): tf.LayersModel {
  checkShape('bn-cnn', options, 3);
  const next = seeds(options.seed ?? 0);
  const channels = options.channels ?? [16, 32, 64];
  if (channels.length === 0 || channels.some((c) => !Number.isInteger(c) || c < 1)) fail('bn-cnn', 'channels', `must be positive integers, got [${channels.join(', ')}]`);
  const model = tf.sequential({ name: 'bn_cnn' });
  let inChannels = options.inputShape[2];
  channels.forEach((filters, i) => {
    model.add(tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [...options.inputShape] } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: torchInit(9 * inChannels, next).kernelInitializer,
    }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    inChannels = filters;
  });
  const last = channels[channels.length - 1];
  model.add(tf.layers.conv2d({ filters: last, kernelSize: 3, padding: 'same', activation: 'relu', ...torchInit(9 * last, next) }));
  model.add(tf.layers.globalAveragePooling2d({}));
  if ((options.dropout ?? 0) > 0) model.add(stepSeededDropout({ rate: options.dropout!, seed: next() }));
  model.add(tf.layers.dense({ units: options.numClasses, ...torchInit(last, next) }));
  return model;
}

/** Builds a zoo model by name. */
export function buildZooModel(name: ZooModelName, options: ZooModelOptions): tf.LayersModel {
  switch (name) {
    case 'reference-cnn':
      return referenceCnn(options);
    case 'reference-mlp':
      return referenceMlp(options);
    case 'residual-cnn':
      return residualCnn(options);
    case 'text-mlp':
      return textMlp(options);
    case 'bn-cnn':
      return bnCnn(options);
    default:
      return fail('buildZooModel', 'name', `must be one of ${ZOO_MODEL_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
