/**
 * Losses: ASL and the multi-label loss zoo, each one typed definition (`defineLoss`) that is at once
 * the functional form (`asymmetricLoss(z, y, { gammaNeg: 2 })`), a configurable loss
 * (`asymmetricLoss.create({ gammaNeg: 2 })`) and a registry entry (`createLoss('asl')`).
 */
export { defineLoss } from './define';
export type { LossDefinition, ElementTerms, ElementExpression } from './define';
export { param } from './params';
export { registerLoss, unregisterLoss, listLosses, lossInfo, createLoss } from './registry';
export { isLoss } from './types';
export type {
  Loss,
  LossLike,
  LossSpec,
  MultiLabelLoss,
  LossCallOptions,
  LossContext,
  LossInput,
  LossOptions,
  LossParams,
  LossParamValue,
  ParamSpec,
  ParamSpecs,
  ParamValues,
} from './types';
export { REDUCTIONS } from './reduction';
export type { Reduction } from './reduction';
export { stopGradient } from './detach';

// ASL: the formula, the fused gradient, closed forms, the single-label variant.
export { asymmetricLoss } from './asl';
export type { AsymmetricLossOptions } from './asl';
export {
  aslValue,
  aslNegativeGradient,
  aslNegativeGradientDetached,
  aslPositiveGradient,
  aslPositiveGradientDetached,
} from './asl/closed-form';
export { asymmetricLossSingleLabel, ASL_SINGLE_LABEL_DEFAULTS } from './asl/single-label';
export type { AsymmetricLossSingleLabelOptions } from './asl/single-label';
export { AdaptiveAsymmetry, ADAPTIVE_ASYMMETRY_DEFAULTS } from './adaptive-asymmetry';
export type { AdaptiveAsymmetryOptions, AdaptiveAsymmetryRecord } from './adaptive-asymmetry';

// The zoo.
export { binaryCrossEntropy } from './bce';
export { focalLoss } from './focal';
export { hillLoss } from './hill';
export { splcLoss } from './splc';
export { zlprLoss } from './zlpr';
export { twoWayLoss } from './two-way';
export { poly1Loss } from './poly';
export { asymmetricPolynomialLoss } from './apl';
export { distributionBalancedLoss } from './distribution-balanced';
export { classBalancedLoss, classBalancedWeights } from './class-balanced';
export { labelSmoothingBce, smoothSigmoidTargets, SIGMOID_SMOOTHING_CONVENTIONS } from './label-smoothing';
export type { SigmoidSmoothingConvention } from './label-smoothing';
export { softmaxCrossEntropyLoss, softmaxLabelSmoothingLoss, softmaxFocalLoss, aslSingleLabelLoss } from './single-label';

// Looking at losses: curves and effective weights.
export { lossCurve, lossCurves, normaliseToMax, effectiveWeight, toElementwiseLoss } from './analysis';
export type { ElementwiseLoss, AnalysedLoss, LossCurve, LossCurveOptions, EffectiveWeightOptions } from './analysis';
