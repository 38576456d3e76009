/**
 * One training step: forward pass in training mode, loss on logits, gradients of the trainable
 * weights, optimizer update. Shared by the trainer and the benchmark (bench/train.bench.ts), so the
 * benchmark measures exactly the step the training loop runs.
 */
import * as tf from '../core/tf';
import type { TrainingOptimizer } from './optimizer';

/** Loss of logits against targets (and mask): a scalar tensor. */
export type StepLossFn = (logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor) => tf.Scalar;

export interface TrainStepResult {
  /** The loss before the update (the caller disposes it). */
  loss: tf.Scalar;
  /** The logits of the batch, kept only when `keepLogits` (the caller disposes them). */
  logits?: tf.Tensor;
}

/**
 * Runs one step on `model` with `optimizer` at learning rate `lr`. Leaves no tensors behind other
 * than the returned ones.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: TrainingOptimizer,
  loss: StepLossFn,
  x: tf.Tensor,
  y: tf.Tensor,
  options: { mask?: tf.Tensor; lr: number; keepLogits?: boolean },
): TrainStepResult {
  let logits: tf.Tensor | undefined;
  const variables = optimizer.weights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    if (options.keepLogits) logits = tf.keep(out.clone());
    return loss(out, y, options.mask);
  }, variables);
  try {
    optimizer.apply(
      variables.map((v) => grads[v.name]),
      options.lr,
    );
  } finally {
    tf.dispose(grads);
  }
  return { loss: value, logits };
}
