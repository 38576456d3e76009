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
