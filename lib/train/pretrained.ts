/**
 * Pretrained backbones from disk, without tfjs-node's `file://` handler: a tfjs Layers model saved
 * as `model.json` + binary weight shards (the format of `tf.LayersModel.save` and of the
 * tensorflowjs converter) is read with `fs` and loaded through `tf.io.fromMemory`; then
 * {@link withMultiLabelHead} cuts it at a layer and adds a fresh multi-label head for fine-tuning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { readJsonFile } from '../data/json-file';
import { mixSeeds } from '../core/random';
import { stepSeededDropout } from './layers';

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
}

/** Loads a Layers model from a folder holding `model.json` (or from the path of a model.json). */
export async function loadLayersModelFromDisk(location: string): Promise<tf.LayersModel> {
  const fn = 'loadLayersModelFromDisk';
  const file = location.endsWith('.json') ? location : path.join(location, 'model.json');
  if (!fs.existsSync(file)) fail(fn, 'location', `has no model.json: ${file}`);
  // Errors name the file, line and column; a byte-order mark is accepted.
  const json = readJsonFile(file, fn) as ModelJson;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) fail(fn, 'location', 'model.json lacks modelTopology or weightsManifest (is it a Layers model?)');
  const dir = path.dirname(file);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const shard = path.join(dir, p);
      if (!fs.existsSync(shard)) fail(fn, 'location', `weight file ${p} listed in model.json is missing`);
      buffers.push(fs.readFileSync(shard));
    }
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData, trainingConfig: json.trainingConfig }));
}

/** Saves a Layers model to a folder as `model.json` + `weights.bin` (readable by {@link loadLayersModelFromDisk}). */
export async function saveLayersModelToDisk(model: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bin = Buffer.concat(parts.map((b) => Buffer.from(b)));
      fs.writeFileSync(path.join(dir, 'weights.bin'), bin);
      const json: ModelJson = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
      };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bin.length } };
    }),
  );
}

export interface MultiLabelHeadOptions {
  numClasses: number;
  /** Name of the layer whose output feeds the head (default: the layer before the backbone's last). */
  cutAt?: string;
  /** Freeze the backbone's layers (default false: fine-tune everything). */
  freezeBackbone?: boolean;
  /** Dropout before the head (default 0). */
  dropout?: number;
  /** Seed of the head's initialisation (default 0). */
  seed?: number;
}

/**
 * A new model: the backbone up to `cutAt` (global-average-pooled when its output is a feature
 * map), then dense(numClasses) logits. The backbone's layers (and weights) are shared, not copied.
 */
export function withMultiLabelHead(backbone: tf.LayersModel, options: MultiLabelHeadOptions): tf.LayersModel {
  const fn = 'withMultiLabelHead';
  if (!Number.isInteger(options.numClasses) || options.numClasses < 1) fail(fn, 'numClasses', `must be a positive integer, got ${options.numClasses}`);
  const layers = backbone.layers;
  const cut = options.cutAt ? layers.find((l) => l.name === options.cutAt) : layers[layers.length - 2];
  if (!cut) fail(fn, 'cutAt', `no layer named '${options.cutAt}'; layers: ${layers.map((l) => l.name).join(', ')}`);
  let features = cut!.output as tf.SymbolicTensor;
  if (Array.isArray(features)) fail(fn, 'cutAt', `layer '${cut!.name}' has several outputs`);
  if (options.freezeBackbone) for (const l of layers) l.trainable = false;
  if (features.shape.length === 4) features = tf.layers.globalAveragePooling2d({}).apply(features) as tf.SymbolicTensor;
  else if (features.shape.length > 2) features = tf.layers.flatten().apply(features) as tf.SymbolicTensor;
  if ((options.dropout ?? 0) > 0) features = stepSeededDropout({ rate: options.dropout!, seed: mixSeeds(options.seed ?? 0, 1) }).apply(features) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: options.numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: mixSeeds(options.seed ?? 0, 2) }), name: `multilabel_head_${options.numClasses}` })
    .apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: backbone.inputs, outputs: logits, name: `${backbone.name}_multilabel` });
}
