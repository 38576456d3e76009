/**
 * The model a configuration describes: a zoo model by name, or — with `model.pretrained` — a backbone
 * saved on disk (a tfjs Layers model folder or model.json, e.g. the workbook's Fashion-MNIST
 * pretrained bn-cnn in data/pretrained/) with a fresh multi-label head: the paper's setting, which
 * fine-tunes an ImageNet-pretrained network. The trainer, the sweep evaluation and `asl eval` build
 * their models here, so a run folder's model is rebuilt exactly.
 */
import * as path from 'node:path';
import type * as tf from '../core/tf';
import type { ResolvedTrainConfig } from './config';
import { buildZooModel } from './models';
import { loadLayersModelFromDisk, withMultiLabelHead } from './pretrained';

/**
 * Builds the model of `config` for inputs of `inputShape` and `numClasses` outputs. A relative
 * `pretrained` path is resolved against `baseDir` (default: the current directory).
 */
export async function modelForConfig(config: ResolvedTrainConfig, inputShape: readonly number[], numClasses: number, baseDir = process.cwd()): Promise<tf.LayersModel> {
  const spec = config.model ?? { zoo: inputShape.length === 3 ? ('reference-cnn' as const) : ('text-mlp' as const) };
  if (spec.pretrained) {
    const backbone = await loadLayersModelFromDisk(path.resolve(baseDir, spec.pretrained));
    return withMultiLabelHead(backbone, { numClasses, seed: config.seed, dropout: spec.dropout, freezeBackbone: spec.freezeBackbone, cutAt: spec.cutAt });
  }
  return buildZooModel(spec.zoo, { inputShape, numClasses, seed: config.seed, hidden: spec.hidden, channels: spec.channels, dropout: spec.dropout });
}
