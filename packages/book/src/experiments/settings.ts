/**
 * The book's settings, defined once so every chapter reports the same baseline for the same setting.
 *
 * - **strong** (chapters 2–4, from scratch and fine-tuned): the book CNN (`bn-cnn`, 3 conv–BN–ReLU–pool
 *   stages of 16, 32, 64 channels) on 64×64 MultiFashion, 8,000 training and 2,000 validation images
 *   composed of the Fashion-MNIST test items shipped in data/, trained as the PyTorch reference
 *   (bench/pytorch_multifashion.py): Adam without weight decay, a constant learning rate (chosen per
 *   loss), batches of 128, 6 epochs, no EMA, summed losses.
 * - **small** (chapters 5–7 and 9, which need many runs: grids, missing-label rates, the whole zoo):
 *   the same recipe at 32×32 with 4,000 / 1,000 images and 5 epochs — about twelve times cheaper per
 *   run, so their grids and seeds fit the book's budget. Each chapter says so.
 * - **debtags**: a fixed subset of Debtags (4,000 / 1,000 packages, the 68 tags with ≥ 200 packages,
 *   hashed word and bigram features) with the text MLP.
 * - The **quick** profile (`npm test`) shrinks every setting to seconds; its numbers are smoke tests.
 */
import * as path from 'node:path';
import { dataDir, type DatasetRef, type LossSpec, type TrainConfig } from 'asl-workbook';
import { bookProfile, type BookProfile } from '../profile';
import type { Arm } from './comparison';

export interface Setting {
  /** Short name for tables and logs. */
  name: string;
  data: DatasetRef;
  /** The recipe (no loss, learning rate or seed). */
  base: TrainConfig;
  seeds: number[];
  /** The initial learning-rate grid of a comparison. */
  lrGrid: number[];
  /** One line for REPORT.md: data, model, recipe. */
  description: string;
}

const recipe = (epochs: number, batchSize: number): TrainConfig => ({
  epochs,
  batchSize,
  optimizer: { name: 'adam', weightDecay: 0 },
  schedule: { name: 'constant' },
  ema: false,
});

function multiFashion(name: string, canvas: number, train: number, val: number, epochs: number, batch: number, seeds: number[], lrGrid: number[], extra: Record<string, unknown> = {}): Setting {
  return {
    name,
    data: { kind: 'multifashion', options: { source: 'shipped', canvasSize: canvas, trainSize: train, valSize: val, seed: 0, ...extra } },
    base: { model: { zoo: 'bn-cnn' }, ...recipe(epochs, batch) },
    seeds,
    lrGrid,
    description: `MultiFashion ${canvas}×${canvas} (${train.toLocaleString('en')} / ${val.toLocaleString('en')} images), bn-cnn from scratch, Adam, constant learning rate per loss, batch ${batch}, ${epochs} epochs, summed losses, seeds ${seeds.join(', ')}`,
  };
}

/** The setting of each role, for a profile. */
export function settings(profile: BookProfile = bookProfile()) {
  const quick = profile === 'quick';
  const seeds = [0, 1, 2];
  // Every image setting starts its learning-rate search at 1e-3, 2e-3, 4e-3 and extends it while the best
  // rate is at an edge. (The strong setting once started at 5e-4: the best rate of no loss, from scratch
  // here or in PyTorch, so the rates chosen are the same, three runs cheaper.)
  const strong = quick
    ? multiFashion('strong (quick)', 32, 600, 300, 2, 64, seeds, [1e-3, 2e-3, 4e-3])
    : multiFashion('strong', 64, 8000, 2000, 6, 128, seeds, [1e-3, 2e-3, 4e-3]);
  const small = quick
    ? multiFashion('small (quick)', 32, 400, 200, 2, 64, seeds, [1e-3, 2e-3, 4e-3])
    : multiFashion('small', 32, 4000, 1000, 5, 128, seeds, [1e-3, 2e-3, 4e-3]);
  const debtagsOptions = quick ? { trainSize: 800, valSize: 400, featureDim: 1024, minTagCount: 200 } : { trainSize: 4000, valSize: 1000, featureDim: 1024, minTagCount: 200 };
  const debtags: Setting = {
    name: quick ? 'debtags (quick)' : 'debtags',
    data: { kind: 'debtags-subset', options: debtagsOptions },
    base: { model: { zoo: 'text-mlp' }, ...recipe(quick ? 2 : 8, 64) },
    seeds,
    lrGrid: quick ? [1e-3, 3e-3, 1e-2] : [1e-3, 3e-3, 1e-2],
    description: `Debtags subset (${debtagsOptions.trainSize.toLocaleString('en')} / ${debtagsOptions.valSize.toLocaleString('en')} packages, tags with ≥ 200 packages, ${debtagsOptions.featureDim} hashed features), text-mlp, Adam, constant learning rate per loss, batch 64, ${quick ? 2 : 8} epochs, summed losses, seeds ${seeds.join(', ')}`,
  };
  return { profile, strong, small, debtags };
}

/** The pretrained backbone shipped in data/ (scripts/pretrain-backbone.ts; meta.json holds its accuracy). */
export function pretrainedBackbone(): string {
  return path.join(dataDir(), 'pretrained', 'bn-cnn-fashion-mnist');
}

/**
 * Where the fine-tuned model leaves the pretrained backbone: after its third conv–BN–ReLU–pool block,
 * dropping the last convolution (64 channels, ReLU, no batch norm), whose single-item features are the
 * most specific to pretraining. Measured on seed 0 with ASL at 2e-3: fine-tuning the whole backbone up to
 * its pooled output averaged a summed loss of ≈ 1,250 per batch over the first epoch (≈ 400 from
 * scratch) and stayed below training from scratch at every epoch (epoch 2: 9.5 vs 14.5 mAP); cut here it
 * averages ≈ 470 and reaches 19.4 at epoch 2 (29.8 after 6 epochs, 28.6 from scratch).
 */
export const FINE_TUNE_CUT = 'max_pooling2d_MaxPooling2D3';

const sum = (name: string, params: Record<string, number> = {}): LossSpec => ({ name, params: { ...params, reduction: 'sum' } });

/** The losses of the paper's main comparison (Figure 8), all summed as the official code. */
export const MAIN_ARMS: Arm[] = [
  { label: 'CE', loss: sum('bce') },
  { label: 'focal (γ=2)', loss: sum('focal', { gamma: 2 }) },
  { label: 'ASL (γ−=4, m=0.05)', loss: { name: 'asl', params: { gammaNeg: 4, gammaPos: 0, clip: 0.05 } } },
];
