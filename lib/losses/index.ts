export { asymmetricLoss, aslElementwise, resolveAslOptions, checkLossInputs, ASL_DEFAULTS } from './asymmetric-loss';
export type { AsymmetricLossOptions } from './asymmetric-loss';
export { reduceLoss, checkReduction, REDUCTIONS } from './reduction';
export type { Reduction } from './reduction';
export { stopGradient } from './detach';
export { lossCurve, normaliseToMax } from './analysis';
export type { ElementwiseLoss, LossCurve, LossCurveOptions } from './analysis';
export {
  aslValue,
  aslNegativeGradient,
  aslNegativeGradientDetached,
  aslPositiveGradient,
  aslPositiveGradientDetached,
} from './asl-closed-form';
export { registerLoss, listLosses, lossInfo, createLoss, resolveLossParams } from './registry';
export type {
  MultiLabelLoss,
  LossInfo,
  LossParamInfo,
  LossParamValue,
  LossSpec,
  LossCallOptions,
  LossContext,
} from './registry';
export { prepareLossCall, reduceMaskedLoss, elementwiseMultiLabelLoss, callLossInfo, reductionParam } from './multi-label-loss';
export type { ElementwiseKernel, ElementwiseLossSpec, PreparedLossCall, FunctionalLossOptions } from './multi-label-loss';
export { binaryCrossEntropy, bceElementwise, bceLossInfo, weightedBceLossInfo } from './bce';
export type { BinaryCrossEntropyOptions } from './bce';
export { focalLoss, focalElementwise, focalLossInfo, focusingPower, FOCAL_BASE_FLOOR } from './focal';
export type { FocalLossOptions } from './focal';
export { aslFusedCore, powerForward } from './asl-fused';
export type { FusedAslReduce } from './asl-fused';
export { asymmetricLossFused, asymmetricLossInfo, ASL_PARAMS } from './asl-loss';
export type { AsymmetricLossFusedOptions } from './asl-loss';
export { AdaptiveAsymmetry, ADAPTIVE_ASYMMETRY_DEFAULTS } from './adaptive-asymmetry';
export type { AdaptiveAsymmetryOptions, AdaptiveAsymmetryRecord } from './adaptive-asymmetry';
export { builtinLossInfos, registerBuiltinLosses } from './builtin-losses';
