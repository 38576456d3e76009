/**
 * Sigmoid label smoothing: BCE against softened targets. Conventions differ between libraries
 * (landscape.md §1.14), so the convention is a parameter:
 *
 *   'half'      y' = y·(1 − ε) + ε/2        (TF / Keras / tfjs sigmoid cross-entropy: toward ½)
 *   'symmetric' y' = y·(1 − 2ε) + ε         (Cole et al. 2021 `bce_ls`: positives 1 − ε, negatives ε)
 *   'classes'   y' = y·(1 − ε) + ε/C        (timm BinaryCrossEntropy from class indices)
 *
 *   ℓ = −y'·log p − (1 − y')·log(1 − p) = softplus(z) − y'·z
 *
 * Defaults: ε = 0.1, convention 'half', reduction `'mean'`. ε = 0 is BCE. The loss is minimised at
 * p = y' (not at 0/1), which is the point of smoothing.
 */
import * as tf from '../core/tf';
import { assertInRange, assertOneOf } from '../core/validate';
import { defineLoss } from './define';
import { param } from './params';

export type SigmoidSmoothingConvention = 'half' | 'symmetric' | 'classes';
export const SIGMOID_SMOOTHING_CONVENTIONS: readonly SigmoidSmoothingConvention[] = ['half', 'symmetric', 'classes'];

/** Softened targets y' for `targets [N, C]` (no value checks). */
export function smoothSigmoidTargets(targets: tf.Tensor, smoothing: number, convention: SigmoidSmoothingConvention = 'half'): tf.Tensor {
  const fn = 'smoothSigmoidTargets';
  assertInRange(smoothing, { min: 0, max: 0.5 }, 'smoothing', fn);
  assertOneOf(convention, SIGMOID_SMOOTHING_CONVENTIONS, 'convention', fn);
  return tf.tidy(() => {
    const C = targets.shape[targets.rank - 1] ?? 1;
    switch (convention) {
      case 'half':
        return tf.add(tf.mul(targets, 1 - smoothing), smoothing / 2);
      case 'symmetric':
        return tf.add(tf.mul(targets, 1 - 2 * smoothing), smoothing);
      case 'classes':
        return tf.add(tf.mul(targets, 1 - smoothing), smoothing / C);
    }
  });
}

/**
 * BCE with smoothed sigmoid targets (registry `'bce-smooth'`); mean by default.
 *
 * @example
 * labelSmoothingBce(z, y, { smoothing: 0.1, convention: 'symmetric' })
 */
export const labelSmoothingBce = defineLoss({
  name: 'bce-smooth',
  functionName: 'labelSmoothingBce',
  description: 'BCE with sigmoid label smoothing (convention: half / symmetric / classes).',
  paper: 'Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016 (label smoothing); sigmoid conventions: Keras, Cole et al. CVPR 2021, timm.',
  params: {
    smoothing: param.number(0.1, 'ε: amount of smoothing', { min: 0, max: 0.5 }),
    convention: param.choice(SIGMOID_SMOOTHING_CONVENTIONS, 'half', "'half' (Keras), 'symmetric' (Cole), 'classes' (timm)"),
  },
  defaultReduction: 'mean',
  elementwise: (z, y, { smoothing, convention }) => tf.sub(tf.softplus(z), tf.mul(smoothSigmoidTargets(y, smoothing, convention), z)),
});
