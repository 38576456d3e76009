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
