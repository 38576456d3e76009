/**
 * The losses shipped with the workbook, in the order `listLosses` documents them. The registry
 * (./registry.ts) registers them when it loads; this module imports every loss, no loss imports it.
 */
import { binaryCrossEntropy } from './bce';
import { focalLoss } from './focal';
import { asymmetricLoss } from './asl';
import { hillLoss } from './hill';
import { splcLoss } from './splc';
import { zlprLoss } from './zlpr';
import { twoWayLoss } from './two-way';
import { poly1Loss } from './poly';
import { asymmetricPolynomialLoss } from './apl';
import { distributionBalancedLoss } from './distribution-balanced';
import { classBalancedLoss } from './class-balanced';
import { labelSmoothingBce } from './label-smoothing';
import { aslSingleLabelLoss, softmaxCrossEntropyLoss, softmaxFocalLoss, softmaxLabelSmoothingLoss } from './single-label';
import type { Loss } from './types';

/** Every built-in loss definition. */
export const BUILTIN_LOSSES: readonly Loss[] = [
  binaryCrossEntropy,
  focalLoss,
  asymmetricLoss,
  hillLoss,
  splcLoss,
  zlprLoss,
  twoWayLoss,
  poly1Loss,
  asymmetricPolynomialLoss,
  distributionBalancedLoss,
  classBalancedLoss,
  labelSmoothingBce,
  softmaxCrossEntropyLoss,
  softmaxLabelSmoothingLoss,
  softmaxFocalLoss,
  aslSingleLabelLoss,
];
