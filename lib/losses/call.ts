/**
 * The one call path every multi-label loss goes through: input checks, the known-label mask, per-class
 * weights and the reduction. A loss supplies either its per-element kernel `(z, y) → [N, C]` or a
 * forward on the prepared inputs; this module does the rest.
 *
 * Mask semantics (partially labelled data, Open Images style): `mask[n, c] = 1` marks a known label,
 * `0` an unknown one. An unknown label contributes nothing to the value or to the gradient; the
 * `'mean'` reduction divides by the number of KNOWN labels (Σ mask, at least 1), `'batchmean'` by N,
 * `'sum'` sums the known ones, and `'none'` returns zeros at unknown positions.
 *
 * Class weights: a `[C]` vector multiplying each class's column of per-element losses (after the mask);
 * the `'mean'` reduction still divides by the element (or known-label) count, as PyTorch's `weight`.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { assertBinary, assertFinite, assertNonEmpty, assertRank, assertSameShape, toTensor } from '../core/validate';
import { checkReduction, reduceLoss, type Reduction } from './reduction';
import type { LossCallOptions, LossContext, LossInput } from './types';

/** Checked, converted inputs of one loss call. */
export interface PreparedLossCall {
  z: tf.Tensor2D;
  y: tf.Tensor2D;
  /** Float 0/1 mask `[N, C]`, when given. */
  mask?: tf.Tensor2D;
  /** Class weights `[1, C]` (ready to broadcast), when given. */
  classWeights?: tf.Tensor2D;
  reduction: Reduction;
  context: LossContext;
}

/**
 * Converts and checks `(logits, targets)`: both 2-D `[N, C]`, same shape, non-empty; with `validate`,
 * logits finite and targets in {0, 1}.
 */
export function checkLossInputs(logits: LossInput, targets: LossInput, fn: string, validate: boolean): { z: tf.Tensor2D; y: tf.Tensor2D } {
  const z = toTensor(logits, 'logits', fn);
  const y = toTensor(targets, 'targets', fn);
  assertRank(z, 2, 'logits', fn);
  assertSameShape(z, y, 'logits', 'targets', fn);
  assertNonEmpty(z, 'logits', fn);
  if (validate) {
    assertFinite(z, 'logits', fn);
    assertBinary(y, 'targets', fn);
  }
  return { z: z as tf.Tensor2D, y: y as tf.Tensor2D };
}

/**
 * Converts and checks the arguments of a loss call. Must run inside a `tf.tidy` (it may create
 * tensors). `fn` names the loss in error messages.
 */
export function prepareLossCall(
  logits: LossInput,
  targets: LossInput,
  options: LossCallOptions | undefined,
  defaultReduction: Reduction,
  fn: string,
): PreparedLossCall {
  const o = options ?? {};
  if (typeof o !== 'object') fail(fn, 'options', `must be an object, got ${String(o)}`);
  const validate = o.validate ?? true;
  const reduction = checkReduction(o.reduction ?? defaultReduction, fn);
  const { z, y } = checkLossInputs(logits, targets, fn, validate);
  let mask: tf.Tensor2D | undefined;
  if (o.mask !== undefined && o.mask !== null) {
    const m = toTensor(o.mask, 'mask', fn);
    assertSameShape(z, m, 'logits', 'mask', fn);
    if (validate) assertBinary(m, 'mask', fn);
    mask = m as tf.Tensor2D;
  }
  let classWeights: tf.Tensor2D | undefined;
  if (o.classWeights !== undefined && o.classWeights !== null) {
    const given = o.classWeights;
    const w = toTensor(given instanceof tf.Tensor ? given : [...given], 'classWeights', fn);
    assertRank(w, 1, 'classWeights', fn);
    const c = z.shape[1];
    if (w.shape[0] !== c) fail(fn, 'classWeights', `must have length C = ${c} (one weight per class), got ${w.shape[0]}`);
    if (!(given instanceof tf.Tensor) || validate) {
      assertFinite(w, 'classWeights', fn);
      if (w.dataSync().some((v) => v < 0)) fail(fn, 'classWeights', 'must be ≥ 0');
    }
    classWeights = w.reshape([1, c]) as tf.Tensor2D;
  }
  return { z, y, mask, classWeights, reduction, context: o.context ?? {} };
}

/**
 * Applies the mask and the class weights to a per-element loss `[N, C]` and reduces it. With a mask,
 * `'mean'` divides by the number of known labels.
 */
export function reduceMaskedLoss(perElement: tf.Tensor, reduction: Reduction, mask?: tf.Tensor, classWeights?: tf.Tensor): tf.Tensor {
  let l = perElement;
  if (classWeights) l = tf.mul(l, classWeights);
  if (mask) l = tf.mul(l, mask);
  if (mask && reduction === 'mean') return tf.div(tf.sum(l), tf.maximum(tf.sum(mask), 1));
  return reduceLoss(l, reduction);
}
