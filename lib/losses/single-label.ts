/**
 * Single-label (softmax) losses as loss definitions, so the trainer trains single-label tasks with the
 * same loop, run folders and sweeps as multi-label ones (`task: 'single-label'`). Targets are one-hot
 * rows `[N, C]` (what single-label datasets yield); each loss is a mean over the batch by default.
 *
 * - `softmax-ce`: −log p_y through tfjs' own `tf.losses.softmaxCrossEntropy` — an implementation
 *   independent of `asymmetricLossSingleLabel`, so identities between them are real checks;
 * - `softmax-smooth`: cross-entropy against T·(1 − ε) + ε/C (tfjs' `labelSmoothing`);
 * - `softmax-focal`: −(1 − p_y)^γ log p_y (Lin et al. 2017), as `asymmetricLossSingleLabel` with γ+ = γ,
 *   γ− = 0, ε = 0;
 * - `asl-single-label`: the official `ASLSingleLabel` (./asl/single-label.ts).
 * With `reduction: 'none'` each gives the per-sample `[N]` losses. Masks and class weights do not
 * apply to a softmax over classes and are rejected.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { defineLoss } from './define';
import { param } from './params';
import type { PreparedLossCall } from './call';
import { asymmetricLossSingleLabel } from './asl/single-label';

/** Class indices of one-hot rows; checks (with `validate`) that each row is one-hot. */
function labelsOf(c: PreparedLossCall, fn: string, validate: boolean): tf.Tensor1D {
  if (c.mask || c.classWeights) fail(fn, c.mask ? 'mask' : 'classWeights', 'does not apply to a single-label (softmax) loss');
  if (validate) {
    const sums = tf.sum(c.y, 1).dataSync();
    for (let i = 0; i < sums.length; i++) if (sums[i] !== 1) fail(fn, 'targets', `must be one-hot rows (one 1 per row) for a single-label loss, row ${i} has ${sums[i]}`);
  }
  return tf.argMax(c.y, 1).toInt() as tf.Tensor1D;
}

function reducePerSample(perSample: tf.Tensor, reduction: string): tf.Tensor {
  if (reduction === 'none') return perSample;
  if (reduction === 'sum') return tf.sum(perSample);
  return tf.mean(perSample); // 'mean' and 'batchmean' agree for per-sample losses
}

function softmaxCrossEntropy(c: PreparedLossCall, smoothing: number): tf.Tensor {
  const per = tf.losses.softmaxCrossEntropy(c.y, c.z, undefined, smoothing, tf.Reduction.NONE);
  return reducePerSample(per, c.reduction);
}

/** Softmax cross-entropy on one-hot targets (registry `'softmax-ce'`). */
export const softmaxCrossEntropyLoss = defineLoss({
  name: 'softmax-ce',
  description: 'Softmax cross-entropy, −log p_y (single-label; one-hot targets).',
  paper: 'Standard; tfjs tf.losses.softmaxCrossEntropy.',
  defaultReduction: 'mean',
  forward: (c) => {
    labelsOf(c, 'softmax-ce', false);
    return softmaxCrossEntropy(c, 0);
  },
});

/** Softmax cross-entropy with label smoothing (registry `'softmax-smooth'`). */
export const softmaxLabelSmoothingLoss = defineLoss({
  name: 'softmax-smooth',
  description: 'Softmax cross-entropy against smoothed targets T·(1 − ε) + ε/C (single-label).',
  paper: 'Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.',
  params: { smoothing: param.number(0.1, 'ε: label smoothing', { min: 0, max: 1 }) },
  defaultReduction: 'mean',
  forward: (c, { smoothing }) => {
    labelsOf(c, 'softmax-smooth', false);
    return softmaxCrossEntropy(c, smoothing);
  },
});

/** Softmax focal loss (registry `'softmax-focal'`). */
export const softmaxFocalLoss = defineLoss({
  name: 'softmax-focal',
  description: 'Softmax focal loss −(1 − p_y)^γ log p_y (single-label).',
  paper: 'Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, arXiv 1708.02002.',
  params: { gamma: param.number(2, 'γ: focusing exponent', { min: 0, max: 20 }) },
  defaultReduction: 'mean',
  forward: (c, { gamma }) => {
    const labels = labelsOf(c, 'softmax-focal', false);
    return reducePerSample(asymmetricLossSingleLabel(c.z, labels, { gammaPos: gamma, gammaNeg: 0, eps: 0, reduction: 'none', validate: false }), c.reduction);
  },
});

/** The official single-label ASL on one-hot targets (registry `'asl-single-label'`). */
export const aslSingleLabelLoss = defineLoss({
  name: 'asl-single-label',
  description: 'Single-label ASL (official ASLSingleLabel): (1 − p)^γ+ on the target, p^γ− on the others, label smoothing ε.',
  paper: 'Ben-Baruch, Ridnik et al., ICCV 2021, arXiv 2009.14119; official ASLSingleLabel.',
  params: {
    gammaPos: param.number(0, 'γ+: focusing exponent of the target class', { min: 0, max: 20 }),
    gammaNeg: param.number(4, 'γ−: focusing exponent of the other classes', { min: 0, max: 20 }),
    smoothing: param.number(0.1, 'ε: label smoothing (the official class calls it eps)', { min: 0, max: 1 }),
  },
  defaultReduction: 'mean',
  forward: (c, { gammaPos, gammaNeg, smoothing }) => {
    const labels = labelsOf(c, 'asl-single-label', false);
    return reducePerSample(asymmetricLossSingleLabel(c.z, labels, { gammaPos, gammaNeg, eps: smoothing, reduction: 'none', validate: false }), c.reduction);
  },
});
