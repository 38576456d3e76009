/**
 * Asymmetric Loss (ASL) for multi-label classification — the formula, the fused gradient, the closed
 * forms and the single-label variant, together in this folder; one entry, {@link asymmetricLoss}.
 *
 * Ben-Baruch, Ridnik, Zamir, Noy, Friedman, Protter, Zelnik-Manor, "Asymmetric Loss For Multi-Label
 * Classification", ICCV 2021, arXiv:2009.14119. Matches `AsymmetricLoss` in the official code
 * (github.com/Alibaba-MIIL/ASL, src/loss_functions/losses.py).
 *
 *   ℓ = −y·(1 − p)^γ+·log p − (1 − y)·p_m^γ−·log(1 − p_m),   p = σ(z),   p_m = max(p − m, 0)
 *
 * Asymmetric focusing (γ− > γ+) softly down-weights easy negatives; probability shifting (m > 0)
 * discards negatives with p < m and attenuates very hard ones (possible missing labels).
 */
import * as tf from '../../core/tf';
import { defineLoss } from '../define';
import { reduceMaskedLoss } from '../call';
import { param } from '../params';
import { aslElementwise } from './formula';
import { aslFusedCore } from './fused';

/** ASL's parameters, declared once (shared with its variants, e.g. APL). */
export const ASL_PARAMS = {
  gammaNeg: param.number(4, 'γ− (paper), gamma_neg (code): focusing exponent of negatives', { min: 0, max: 20 }),
  gammaPos: param.number(0, 'γ+ (paper), gamma_pos (code): focusing exponent of positives; 0 as the paper and the official training script (the official class default is 1)', { min: 0, max: 20 }),
  clip: param.number(0.05, 'm (paper, probability margin), clip (code): shift of negative probabilities; 0 disables', { min: 0, max: 0.999 }),
  eps: param.number(1e-8, 'ε: clamp of the log argument, log(max(x, ε)), as the official code', { min: 0, max: 0.5 }),
  detachFocalWeight: param.boolean(
    true,
    'true: the focusing weight is a constant in backprop, as the official training (disable_torch_grad_focal_loss); false: differentiated, the paper\'s Eq. 8 gradient. Same forward value.',
  ),
};

/**
 * The asymmetric loss of `logits [N, C]` (raw scores, not probabilities) against multi-hot
 * `targets [N, C]` (0/1). Returns a scalar, or the `[N, C]` per-element loss with `reduction: 'none'`.
 * Defaults: the official training setting γ− = 4, γ+ = 0, m = 0.05, ε = 1e-8, detached focusing
 * weight, summed over batch and classes as the official code. Registry name `'asl'`.
 *
 * Options besides the parameters: `mask` (known labels), `classWeights` (per class), `reduction`
 * (`'sum'` | `'mean'` | `'batchmean'` | `'none'`), `validate`, and `implementation`: `'fused'`
 * (default; hand-derived gradient, ./fused.ts) or `'autodiff'` (tfjs autodiff through the formula,
 * ./formula.ts) — same values, gradients equal to float32 rounding. An unknown option is an error.
 *
 * @example
 * asymmetricLoss([[-1, 2]], [[0, 1]])                              // γ−=4, γ+=0, m=0.05, sum
 * asymmetricLoss(z, y, { gammaNeg: 0, gammaPos: 0, clip: 0 })      // = BCE (sum)
 * asymmetricLoss(z, y, { detachFocalWeight: false, mask })         // paper Eq. 8 gradient, known labels only
 * @see notebooks/01-asymmetric-loss.ipynb
 */
export const asymmetricLoss = defineLoss({
  name: 'asl',
  functionName: 'asymmetricLoss',
  description: 'Asymmetric Loss: asymmetric focusing (γ− > γ+) and probability shifting (margin m) of negatives.',
  paper: 'Ben-Baruch, Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021, arXiv 2009.14119.',
  params: {
    ...ASL_PARAMS,
    implementation: param.choice(['fused', 'autodiff'], 'fused', "'fused': analytic gradient (fast); 'autodiff': tfjs autodiff through the formula"),
  },
  defaultReduction: 'sum',
  forward: (c, params) => {
    if (params.implementation === 'autodiff') return reduceMaskedLoss(aslElementwise(c.z, c.y, params), c.reduction, c.mask, c.classWeights);
    let weight: tf.Tensor | undefined = c.mask;
    if (c.classWeights) weight = weight ? tf.mul(weight, c.classWeights) : c.classWeights;
    const [n, cols] = c.z.shape;
    switch (c.reduction) {
      case 'none':
        return aslFusedCore(c.z, c.y, params, { mode: 'none', weight });
      case 'sum':
        return aslFusedCore(c.z, c.y, params, { mode: 'sum', weight });
      case 'batchmean':
        return aslFusedCore(c.z, c.y, params, { mode: 'sum', weight, scale: 1 / n });
      case 'mean':
        if (c.mask) return tf.div(aslFusedCore(c.z, c.y, params, { mode: 'sum', weight }), tf.maximum(tf.sum(c.mask), 1));
        return aslFusedCore(c.z, c.y, params, { mode: 'sum', weight, scale: 1 / (n * cols) });
    }
  },
});

/** The options of {@link asymmetricLoss}, declared by its definition. */
export type AsymmetricLossOptions = Parameters<typeof asymmetricLoss>[2];
