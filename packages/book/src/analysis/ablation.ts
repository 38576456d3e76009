/**
 * Reading the ablation of chapter 5 (./experiments/plan.ts `ablation()`): the γ− × m grid as a matrix
 * for a heat map, where its best cell lies (interior, or on an edge the grid should be widened past),
 * the focal-γ curve beside the asymmetric-focusing row (m = 0), and the paired comparisons of the
 * three cells confirmed over every seed: combined (γ− > 0, m > 0) against focusing only (m = 0) and
 * against shifting only (γ− = 0).
 */
import type { AblationCell, AblationResult } from '../experiments/plan';
import { fail } from '../errors';
import { compare, type Comparison } from '../verdict';

/** The grid as a matrix: `z[i][j]` = first-seed mAP at `gammaNegs[i]`, `clips[j]` (NaN where a cell is missing). */
export interface AblationMatrix {
  gammaNegs: number[];
  clips: number[];
  z: number[][];
}

export function ablationMatrix(result: Pick<AblationResult, 'gammaNegs' | 'clips' | 'grid'>): AblationMatrix {
  const cell = (g: number, m: number) => result.grid.find((c) => c.gammaNeg === g && c.clip === m);
  return {
    gammaNegs: [...result.gammaNegs],
    clips: [...result.clips],
    z: result.gammaNegs.map((g) => result.clips.map((m) => cell(g, m)?.mAP[0] ?? NaN)),
  };
}

/**
 * Where a best value sits among the values tried along one axis:
 * - `interior`: values were tried on both sides of it;
 * - `lower bound`: it is the smallest value tried and that value is the parameter's natural bound (0:
 *   the mechanism switched off) — nothing lies below it to try;
 * - `lower edge` / `upper edge`: the smallest (non-zero) or the largest value tried: the optimum may lie
 *   beyond, and the grid should be widened that way.
 */
export type AxisPosition = 'interior' | 'lower bound' | 'lower edge' | 'upper edge';

export function axisPosition(values: readonly number[], best: number, naturalLowerBound = 0): AxisPosition {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.includes(best)) fail('axisPosition', 'best', `${best} is not one of the values tried (${sorted.join(', ')})`);
  if (sorted.length === 1) return best === naturalLowerBound ? 'lower bound' : 'upper edge';
  if (best === sorted[sorted.length - 1]) return 'upper edge';
  if (best === sorted[0]) return best === naturalLowerBound ? 'lower bound' : 'lower edge';
  return 'interior';
}

/** The best cell of the grid (first seed) and where it lies. */
export interface GridOptimum {
  gammaNeg: number;
  clip: number;
  mAP: number;
  gammaNegPosition: AxisPosition;
  clipPosition: AxisPosition;
  /** Both coordinates have values tried on both sides. */
  interior: boolean;
  /** No coordinate sits on an edge the grid could be widened past (interior or at the natural bound 0). */
  bracketed: boolean;
}

export function gridOptimum(result: Pick<AblationResult, 'gammaNegs' | 'clips' | 'grid'>): GridOptimum {
  const cells = result.grid.filter((c) => Number.isFinite(c.mAP[0]));
  if (cells.length === 0) fail('gridOptimum', 'result.grid', 'has no finite cell');
  const best = cells.reduce((a, b) => (b.mAP[0] > a.mAP[0] ? b : a));
  const gammaNegPosition = axisPosition(result.gammaNegs, best.gammaNeg);
  const clipPosition = axisPosition(result.clips, best.clip);
  const open = (p: AxisPosition) => p === 'lower edge' || p === 'upper edge';
  return {
    gammaNeg: best.gammaNeg,
    clip: best.clip,
    mAP: best.mAP[0],
    gammaNegPosition,
    clipPosition,
    interior: gammaNegPosition === 'interior' && clipPosition === 'interior',
    bracketed: !open(gammaNegPosition) && !open(clipPosition),
  };
}

/** The sentence that says where the best cell lies (for the chapter's printed output). */
export function gridOptimumText(o: GridOptimum): string {
  const axis = (name: string, value: number, p: AxisPosition) =>
    p === 'interior'
      ? `${name} = ${value} is interior (values tried on both sides)`
      : p === 'lower bound'
        ? `${name} = ${value} is the parameter's lower bound (the mechanism off)`
        : `${name} = ${value} is the ${p === 'upper edge' ? 'largest' : 'smallest'} value tried — the optimum may lie beyond it`;
  const verdict = o.interior
    ? 'the best cell is interior in both directions'
    : o.bracketed
      ? 'the best cell is bracketed (interior, or at the lower bound 0, in each direction)'
      : 'the best cell is on an edge of the grid: a wider grid is needed to locate the optimum';
  return `best cell γ− = ${o.gammaNeg}, m = ${o.clip} (${o.mAP.toFixed(2)} mAP): ${axis('γ−', o.gammaNeg, o.gammaNegPosition)}; ${axis('m', o.clip, o.clipPosition)} → ${verdict}.`;
}

export type AblationRole = AblationResult['confirmed'][number]['role'];

/** The confirmed cell of a role (its parameters and per-seed mAPs, seed order of `result.seeds`). */
export function confirmedCell(result: Pick<AblationResult, 'confirmed'>, role: AblationRole): AblationCell {
  const c = result.confirmed.find((x) => x.role === role);
  if (!c) fail('confirmedCell', 'role', `no confirmed cell '${role}' (have ${result.confirmed.map((x) => x.role).join(', ')})`);
  return c;
}

/**
 * The paper's combination claim as two paired comparisons over the seeds: combined > focusing only and
 * combined > shifting only (mAP). `skipFirst` leaves out the first seed, on which the three cells were
 * selected (with fewer than three seeds left the rule reports "not testable here").
 */
export function combinationComparisons(result: Pick<AblationResult, 'confirmed'>, options: { skipFirst?: boolean } = {}): Comparison[] {
  const from = options.skipFirst ? 1 : 0;
  const combined = confirmedCell(result, 'combined');
  const label = (c: AblationCell) => `γ−=${c.gammaNeg}, m=${c.clip}`;
  return (['focusing only', 'shifting only'] as const).map((role) => {
    const other = confirmedCell(result, role);
    return compare(
      `combined (${label(combined)}) > ${role} (${label(other)}) (mAP)${options.skipFirst ? ', selection seed left out' : ''}`,
      combined.mAP.slice(from),
      other.mAP.slice(from),
    );
  });
}

/** Figure 5 (left): the focal loss over γ and asymmetric focusing over γ− (m = 0), first seed. */
export interface FocusingCurves {
  focal: { gamma: number[]; mAP: number[] };
  asymmetric: { gammaNeg: number[]; mAP: number[] };
  bestFocal: { gamma: number; mAP: number };
  bestAsymmetric: { gammaNeg: number; mAP: number };
}

export function focusingCurves(result: Pick<AblationResult, 'focal' | 'gammaNegs' | 'grid'>): FocusingCurves {
  if (result.focal.length === 0) fail('focusingCurves', 'result.focal', 'is empty');
  const focal = [...result.focal].sort((a, b) => a.gamma - b.gamma);
  const row = [...result.gammaNegs].sort((a, b) => a - b).map((g) => ({ g, v: result.grid.find((c) => c.gammaNeg === g && c.clip === 0)?.mAP[0] ?? NaN }));
  const bestFocal = focal.reduce((a, b) => (b.mAP > a.mAP ? b : a));
  const finiteRow = row.filter((r) => Number.isFinite(r.v));
  if (finiteRow.length === 0) fail('focusingCurves', 'result.grid', 'has no m = 0 cell');
  const bestRow = finiteRow.reduce((a, b) => (b.v > a.v ? b : a));
  return {
    focal: { gamma: focal.map((f) => f.gamma), mAP: focal.map((f) => f.mAP) },
    asymmetric: { gammaNeg: row.map((r) => r.g), mAP: row.map((r) => r.v) },
    bestFocal: { gamma: bestFocal.gamma, mAP: bestFocal.mAP },
    bestAsymmetric: { gammaNeg: bestRow.g, mAP: bestRow.v },
  };
}
