import * as tf from '../core/tf';

/**
 * Identity in the forward pass, zero gradient in the backward pass: tfjs has no stop-gradient op,
 * so this is built with `tf.customGrad`. Used to treat ASL's focusing weight as a constant, as
 * the official training script does (`disable_torch_grad_focal_loss=True`).
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((x, save) => {
  void save;
  return {
    value: tf.clone(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  };
}) as (x: tf.Tensor) => tf.Tensor;
