export { asymmetricLoss, aslElementwise, resolveAslOptions, checkLossInputs, ASL_DEFAULTS } from './asymmetric-loss';
export type { AsymmetricLossOptions } from './asymmetric-loss';
export { reduceLoss, checkReduction, REDUCTIONS } from './reduction';
export type { Reduction } from './reduction';
export { stopGradient } from './detach';
export { lossCurve, lossCurves, normaliseToMax, effectiveWeight, toElementwiseLoss } from './analysis';
export type { ElementwiseLoss, LossCurve, LossCurveOptions, LossLike, EffectiveWeightOptions } from './analysis';
export {
  aslValue,
  aslNegativeGradient,
  aslNegativeGradientDetached,
  aslPositiveGradient,
  aslPositiveGradientDetached,
} from './asl-closed-form';
export { registerLoss, listLosses, lossInfo, createLoss, resolveLossParams, lossModulePaths } from './registry';
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
export { hillLoss, hillElementwise, hillLossInfo, focalMarginPositive } from './hill';
export type { HillLossOptions } from './hill';
export { splcLoss, splcElementwise, splcLossInfo } from './splc';
export type { SplcLossOptions } from './splc';
export { zlprLoss, zlprPerSample, zlprLossInfo, logOnePlusSumExp, shiftedLogSumExp, LSE_EXCLUDE } from './zlpr';
export { twoWayLoss, twoWayTerms, twoWayLossInfo } from './two-way';
export type { TwoWayLossOptions } from './two-way';
export { poly1Loss, poly1Elementwise, poly1LossInfo } from './poly';
export type { Poly1LossOptions } from './poly';
export { asymmetricPolynomialLoss, aplElementwise, aplLossInfo } from './apl';
export type { AplParams, AsymmetricPolynomialLossOptions } from './apl';
export { distributionBalancedLoss, distributionBalancedElementwise, distributionBalancedLossInfo } from './distribution-balanced';
export type { DistributionBalancedParams, DistributionBalancedLossOptions } from './distribution-balanced';
export { classBalancedLoss, classBalancedWeights, classBalancedLossInfo, parseClassCounts } from './class-balanced';
export type { ClassBalancedLossOptions } from './class-balanced';
export { labelSmoothingBce, smoothSigmoidTargets, labelSmoothingBceLossInfo, SIGMOID_SMOOTHING_CONVENTIONS } from './label-smoothing';
export type { LabelSmoothingBceOptions, SigmoidSmoothingConvention } from './label-smoothing';
export { asymmetricLossSingleLabel, ASL_SINGLE_LABEL_DEFAULTS } from './asl-single-label';
export type { AsymmetricLossSingleLabelOptions } from './asl-single-label';
export { defineLoss, loadLossModule } from './define-loss';
export type { DefineLossSpec, ElementTerms, ElementExpression } from './define-loss';
