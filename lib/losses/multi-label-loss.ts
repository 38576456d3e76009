/**
 * The one call path every multi-label loss goes through: input checks, the known-label mask, per-class
 * weights and the reduction. A loss only supplies its per-element kernel `(z, y) → [N, C]`; this
 * module turns it into a {@link MultiLabelLoss}.
 *
 * Mask semantics (partially labelled data, Open Images style): `mask[n, c] = 1` marks a known label,
 * `0` an unknown one. An unknown label contributes nothing to the value or to the gradient; the
 * `'mean'` reduction divides by the number of KNOWN labels (Σ mask, at least 1), `'batchmean'` by N,
 * `'sum'` sums the known ones, and `'none'` returns zeros at unknown positions.
 *
 * Class weights: a `[C]` vector multiplying each class's column of per-element losses (after the mask);
 * the `'mean'` reduction still divides by the element (or known-label) count, as PyTorch's `weight`.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import { assertBinary, assertFinite, assertRank, assertSameShape, toTensor } from '../core/validate';
import { checkLossInputs } from './asymmetric-loss';
import { checkReduction, reduceLoss, type Reduction } from './reduction';
import { resolveLossParams } from './registry';
import type { LossCallOptions, LossContext, LossInfo, LossParamValue, MultiLabelLoss } from './registry';

/** A per-element loss kernel: `(logits [N, C], targets [N, C]) → loss [N, C]`, differentiable in z. */
export type ElementwiseKernel = (z: tf.Tensor2D, y: tf.Tensor2D, context: LossContext) => tf.Tensor;

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
 * Converts and checks the arguments of a loss call. Must run inside a `tf.tidy` (it may create
 * tensors). `fn` names the loss in error messages.
 */
export function prepareLossCall(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
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
    const w = toTensor(
      Array.isArray(o.classWeights) ? [...(o.classWeights as readonly number[])] : o.classWeights,
      'classWeights',
      fn,
    );
    assertRank(w, 1, 'classWeights', fn);
    const c = z.shape[1];
    if (w.shape[0] !== c) fail(fn, 'classWeights', `must have length C = ${c} (one weight per class), got ${w.shape[0]}`);
    if (Array.isArray(o.classWeights) || validate) {
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
export function reduceMaskedLoss(
  perElement: tf.Tensor,
  reduction: Reduction,
  mask?: tf.Tensor,
  classWeights?: tf.Tensor,
): tf.Tensor {
  let l = perElement;
  if (classWeights) l = tf.mul(l, classWeights);
  if (mask) l = tf.mul(l, mask);
  if (mask && reduction === 'mean') return tf.div(tf.sum(l), tf.maximum(tf.sum(mask), 1));
  return reduceLoss(l, reduction);
}

/** What {@link elementwiseMultiLabelLoss} needs to build a registry loss. */
export interface ElementwiseLossSpec {
  name: string;
  params: Record<string, LossParamValue>;
  /** Reduction when the call gives none. */
  defaultReduction: Reduction;
  kernel: ElementwiseKernel;
}

/**
 * A {@link MultiLabelLoss} from a per-element kernel. The call checks inputs, applies mask, class
 * weights and reduction, and disposes every intermediate (it returns one new tensor).
 */
export function elementwiseMultiLabelLoss(spec: ElementwiseLossSpec): MultiLabelLoss {
  const fn = `${spec.name}.call`;
  return {
    name: spec.name,
    params: Object.freeze({ ...spec.params }),
    call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor {
      return tf.tidy(() => {
        const c = prepareLossCall(logits, targets, options, spec.defaultReduction, fn);
        return reduceMaskedLoss(spec.kernel(c.z, c.y, c.context), c.reduction, c.mask, c.classWeights);
      });
    },
  };
}

/** The reduction parameter every registry loss shares (its default differs per loss). */
export function reductionParam(defaultReduction: Reduction): {
  default: Reduction;
  description: string;
  choices: readonly Reduction[];
} {
  return {
    default: defaultReduction,
    description: "'sum' (official ASL), 'mean' (over elements, or known labels with a mask), 'batchmean' (÷ N), 'none'",
    choices: ['none', 'mean', 'sum', 'batchmean'],
  };
}

/** Options every functional loss accepts besides its own parameters. */
export interface FunctionalLossOptions {
  /** Known-label mask `[N, C]` (1 = known, 0 = unknown). */
  mask?: tf.Tensor;
  /** Per-class weights `[C]`. */
  classWeights?: tf.Tensor | readonly number[];
  /** Overrides the loss's default reduction. */
  reduction?: Reduction;
  /** Training context (epoch/step) for losses that need it. */
  context?: LossContext;
  /** Check tensor values (reads back). Default true. */
  validate?: boolean;
}

/**
 * Calls a loss described by `info` with (partial) parameters and per-call options: the functional
 * form of every registry loss (`binaryCrossEntropy(z, y, { posWeight: 3, mask })`).
 */
export function callLossInfo(
  info: LossInfo,
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: FunctionalLossOptions & Record<string, unknown>,
): tf.Tensor {
  const { mask, classWeights, reduction, context, validate, ...rest } = options ?? {};
  const params: Record<string, LossParamValue> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) params[k] = v as LossParamValue;
  const loss = info.create(resolveLossParams(info, params));
  return loss.call(logits as tf.Tensor, targets as tf.Tensor, { mask, classWeights, reduction, context, validate });
}
