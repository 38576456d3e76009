/**
 * Learning-rate schedules, as a pure function of the step: OneCycle (Smith & Topin 2019, the
 * official ASL recipe uses PyTorch's `OneCycleLR` with `pct_start` 0.2), cosine with linear warm-up,
 * and constant.
 *
 * OneCycle (PyTorch defaults, cosine annealing): from maxLr/divFactor up to maxLr over the first
 * `pctStart` of the steps, then down to maxLr/(divFactor·finalDivFactor).
 * Cosine: linear warm-up over `warmupSteps`, then lr = min + (max − min)·(1 + cos(π·progress))/2.
 */
import { fail } from '../core/errors';

export type ScheduleConfig =
  | { name: 'constant' }
  | { name: 'onecycle'; pctStart?: number; divFactor?: number; finalDivFactor?: number }
  | { name: 'cosine'; warmupSteps?: number; minLrRatio?: number };

export const SCHEDULE_NAMES = ['constant', 'onecycle', 'cosine'] as const;

function cosineBetween(from: number, to: number, progress: number): number {
  return to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress))))) / 2;
}

/** The learning rate at 0-based `step` of `totalSteps` for a peak (or constant) rate `maxLr`. */
export function learningRateAt(schedule: ScheduleConfig, maxLr: number, step: number, totalSteps: number): number {
  const fn = 'learningRateAt';
  if (!(maxLr > 0)) fail(fn, 'maxLr', `must be > 0, got ${maxLr}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) fail(fn, 'totalSteps', `must be a positive integer, got ${totalSteps}`);
  switch (schedule.name) {
    case 'constant':
      return maxLr;
    case 'onecycle': {
      const pct = schedule.pctStart ?? 0.3;
      const div = schedule.divFactor ?? 25;
      const finalDiv = schedule.finalDivFactor ?? 1e4;
      const initial = maxLr / div;
      const final = initial / finalDiv;
      const up = Math.max(1, Math.round(pct * totalSteps) - 1);
      const down = Math.max(1, totalSteps - 1 - up);
      return step <= up ? cosineBetween(initial, maxLr, step / up) : cosineBetween(maxLr, final, (step - up) / down);
    }
    case 'cosine': {
      const warm = schedule.warmupSteps ?? 0;
      const min = maxLr * (schedule.minLrRatio ?? 0);
      if (step < warm) return (maxLr * (step + 1)) / warm;
      return cosineBetween(maxLr, min, (step - warm) / Math.max(1, totalSteps - warm));
    }
    default:
      return fail(fn, 'schedule', `unknown schedule ${JSON.stringify(schedule)}; use one of ${SCHEDULE_NAMES.join(', ')}`);
  }
}
