/**
 * ASL as a registry loss (`'asl'`) with a mask, class weights and a choice of implementation:
 * `'fused'` (default; hand-derived gradient, see ./asl-fused) or `'autodiff'` (./asymmetric-loss,
 * gradient by tfjs autodiff). Both give the same value; gradients agree to float32 rounding.
 *
 * Ben-Baruch, Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021, arXiv 2009.14119.
 * ℓ = −y·(1 − p)^γ+·log p − (1 − y)·p_m^γ−·log(1 − p_m), p_m = max(p − m, 0).
 * Defaults: the official training setting γ− = 4, γ+ = 0, m = 0.05, ε = 1e-8, detached focusing
 * weight, reduction `'sum'` (NOTE: the official class default γ+ is 1).
 */
import * as tf from '@tensorflow/tfjs';
import { aslElementwise, ASL_DEFAULTS, type AsymmetricLossOptions } from './asymmetric-loss';
import { aslFusedCore } from './asl-fused';
import {
  callLossInfo,
  prepareLossCall,
  reduceMaskedLoss,
  reductionParam,
  type FunctionalLossOptions,
} from './multi-label-loss';
import type { LossCallOptions, LossInfo, LossParamValue, MultiLabelLoss } from './registry';
import type { Reduction } from './reduction';

type AslCoreOptions = Required<Pick<AsymmetricLossOptions, 'gammaNeg' | 'gammaPos' | 'clip' | 'eps' | 'detachFocalWeight'>>;

/** Builds the ASL {@link MultiLabelLoss} from resolved registry params. */
function createAsl(params: Record<string, LossParamValue>, name = 'asl'): MultiLabelLoss {
  const o: AslCoreOptions = {
    gammaNeg: params.gammaNeg as number,
    gammaPos: params.gammaPos as number,
    clip: params.clip as number,
    eps: params.eps as number,
    detachFocalWeight: params.detachFocalWeight as boolean,
  };
  const fused = params.implementation === 'fused';
  const defaultReduction = params.reduction as Reduction;
  const fn = `${name}.call`;
  return {
    name,
    params: Object.freeze({ ...params }),
    call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor {
      return tf.tidy(() => {
        const c = prepareLossCall(logits, targets, options, defaultReduction, fn);
        const full = { ...ASL_DEFAULTS, ...o, reduction: 'none' as const, validate: false };
        if (!fused) return reduceMaskedLoss(aslElementwise(c.z, c.y, full), c.reduction, c.mask, c.classWeights);
        let weight: tf.Tensor | undefined = c.mask;
        if (c.classWeights) weight = weight ? tf.mul(weight, c.classWeights) : c.classWeights;
        const [n, cols] = c.z.shape;
        switch (c.reduction) {
          case 'none':
            return aslFusedCore(c.z, c.y, o, { mode: 'none', weight });
          case 'sum':
            return aslFusedCore(c.z, c.y, o, { mode: 'sum', weight });
          case 'batchmean':
            return aslFusedCore(c.z, c.y, o, { mode: 'sum', weight, scale: 1 / n });
          case 'mean':
            if (c.mask) return tf.div(aslFusedCore(c.z, c.y, o, { mode: 'sum', weight }), tf.maximum(tf.sum(c.mask), 1));
            return aslFusedCore(c.z, c.y, o, { mode: 'sum', weight, scale: 1 / (n * cols) });
        }
      });
    },
  };
}

/** The parameters ASL shares with its variants. */
export const ASL_PARAMS = {
  gammaNeg: { default: ASL_DEFAULTS.gammaNeg, min: 0, max: 20, description: 'γ−: focusing exponent of negatives' },
  gammaPos: { default: ASL_DEFAULTS.gammaPos, min: 0, max: 20, description: 'γ+: focusing exponent of positives (official class default 1)' },
  clip: { default: ASL_DEFAULTS.clip, min: 0, max: 0.999, description: 'm: probability margin of negatives (0 = off)' },
  eps: { default: ASL_DEFAULTS.eps, min: 0, max: 0.5, description: 'ε: clamp of the log argument' },
  detachFocalWeight: {
    default: true,
    description: 'true: focusing weight constant in backprop (official training); false: paper Eq. 8 gradient',
  },
  implementation: {
    default: 'fused',
    choices: ['fused', 'autodiff'],
    description: "'fused': analytic gradient (fast); 'autodiff': tfjs autodiff through the formula",
  },
  reduction: reductionParam('sum'),
} as const;

/** Registry entry of ASL (`'asl'`). */
export const asymmetricLossInfo: LossInfo = {
  name: 'asl',
  description: 'Asymmetric Loss: asymmetric focusing (γ− > γ+) and probability shifting (margin m) of negatives.',
  paper: 'Ben-Baruch, Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021, arXiv 2009.14119.',
  params: ASL_PARAMS,
  create: (params) => createAsl(params),
};

/** Options of {@link asymmetricLossFused}: ASL's parameters plus mask, class weights, reduction. */
export interface AsymmetricLossFusedOptions extends FunctionalLossOptions {
  gammaNeg?: number;
  gammaPos?: number;
  clip?: number;
  eps?: number;
  detachFocalWeight?: boolean;
}

/**
 * Fused ASL of `logits [N, C]` against 0/1 `targets [N, C]`: same value as `asymmetricLoss`, gradient
 * hand-derived (both modes), optional `mask` and `classWeights`. Default reduction `'sum'`.
 *
 * @example
 * asymmetricLossFused(z, y)                                   // official training setting, sum
 * asymmetricLossFused(z, y, { detachFocalWeight: false, mask }) // paper Eq. 8 gradient, known labels only
 */
export function asymmetricLossFused(
  logits: tf.Tensor | number[][],
  targets: tf.Tensor | number[][],
  options: AsymmetricLossFusedOptions = {},
): tf.Tensor {
  return callLossInfo(asymmetricLossInfo, logits, targets, { ...options, implementation: 'fused' });
}
