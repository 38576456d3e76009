import * as tf from '../core/tf';
import { assertOneOf } from '../core/validate';

/**
 * How a per-element loss matrix `[N, C]` becomes the returned value.
 * - `'sum'`: sum over batch and classes (the official ASL code; scales with batch size).
 * - `'batchmean'`: sum over classes, mean over the batch (timm's newer default).
 * - `'mean'`: mean over all N·C elements (mmpretrain, PyTorch's BCE default).
 * - `'none'`: the per-element matrix itself.
 */
export type Reduction = 'none' | 'mean' | 'sum' | 'batchmean';

export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum', 'batchmean'];

/** Validates a reduction option and names the caller in the error. */
export function checkReduction(value: unknown, fn: string): Reduction {
  return assertOneOf(value, REDUCTIONS, 'reduction', fn);
}

/** Applies a {@link Reduction} to a per-element loss of shape `[N, C]`. */
export function reduceLoss(perElement: tf.Tensor, reduction: Reduction): tf.Tensor {
  switch (reduction) {
    case 'none':
      return perElement;
    case 'sum':
      return tf.sum(perElement);
    case 'mean':
      return tf.mean(perElement);
    case 'batchmean':
      return tf.div(tf.sum(perElement), perElement.shape[0] ?? 1);
  }
}
