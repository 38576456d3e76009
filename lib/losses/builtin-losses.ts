/**
 * Registers the built-in losses. Called lazily by the registry on first use (see ./registry), so
 * every entry point (`createLoss`, `listLosses`, `lossInfo`) sees them.
 */
import { registerLoss, type LossInfo } from './registry';
import { bceLossInfo, weightedBceLossInfo } from './bce';
import { focalLossInfo } from './focal';
import { asymmetricLossInfo } from './asl-loss';
import { hillLossInfo } from './hill';
import { splcLossInfo } from './splc';
import { zlprLossInfo } from './zlpr';
import { twoWayLossInfo } from './two-way';
import { poly1LossInfo } from './poly';
import { aplLossInfo } from './apl';
import { distributionBalancedLossInfo } from './distribution-balanced';
import { classBalancedLossInfo } from './class-balanced';
import { labelSmoothingBceLossInfo } from './label-smoothing';

/** The registry entries shipped with the workbook, in registration order. */
export function builtinLossInfos(): LossInfo[] {
  return [
    bceLossInfo,
    weightedBceLossInfo,
    focalLossInfo,
    asymmetricLossInfo,
    hillLossInfo,
    splcLossInfo,
    zlprLossInfo,
    twoWayLossInfo,
    poly1LossInfo,
    aplLossInfo,
    distributionBalancedLossInfo,
    classBalancedLossInfo,
    labelSmoothingBceLossInfo,
  ];
}

/** Registers every built-in loss (idempotent: already registered names are replaced). */
export function registerBuiltinLosses(): void {
  for (const info of builtinLossInfos()) registerLoss(info, { override: true });
}
