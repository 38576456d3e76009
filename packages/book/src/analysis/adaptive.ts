/**
 * Reading the adaptive-asymmetry experiment of chapter 6 (./experiments/plan.ts `adaptiveAsymmetry()`):
 * the controller γ− ← clamp(γ− + λ(Δp − Δp_target), 0, 8) run from a low and a high start with the
 * same seeds. Convergence is measured, per seed, by the distance between the final γ− of the two
 * starts (final = mean over the last part of the trace); when they have not met, the numbers that
 * explain why: how far each run travelled, how fast the two approached each other, how many updates
 * meeting would take at that pace, and the most any run could travel in the updates it had
 * (λ · updates · max|Δp − Δp_target|, with |Δp| ≤ 1). "On par" with the best static γ− is a paired
 * comparison per start.
 */
import type { AdaptiveResult, AdaptiveRun } from '../experiments/plan';
import { fail } from '../errors';
import { compare, notTestable, verdictOf, type Comparison, type Verdict } from '../verdict';

/** Mean of the last `fraction` of the finite values (at least one value). */
export function tailMean(values: readonly number[], fraction = 0.1): number {
  if (!(fraction > 0 && fraction <= 1)) fail('tailMean', 'fraction', `must be in (0, 1], got ${fraction}`);
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return NaN;
  const n = Math.max(1, Math.ceil(finite.length * fraction));
  const tail = finite.slice(finite.length - n);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The run of a start and a seed. */
export function adaptiveRun(result: Pick<AdaptiveResult, 'runs'>, start: number, seed: number): AdaptiveRun {
  const r = result.runs.find((x) => x.start === start && x.seed === seed);
  if (!r) fail('adaptiveRun', 'start', `no run from γ− = ${start} with seed ${seed}`);
  return r;
}

/** The starts and seeds of the experiment, ascending. */
export function adaptiveDesign(result: Pick<AdaptiveResult, 'runs'>): { starts: number[]; seeds: number[] } {
  const starts = [...new Set(result.runs.map((r) => r.start))].sort((a, b) => a - b);
  const seeds = [...new Set(result.runs.map((r) => r.seed))].sort((a, b) => a - b);
  if (starts.length !== 2) fail('adaptiveDesign', 'result.runs', `must have exactly two starts, got ${starts.join(', ') || 'none'}`);
  return { starts, seeds };
}

/** One start's run, summarised. */
export interface AdaptiveEnd {
  start: number;
  /** γ− at the end: mean over the last `tail` of the trace. */
  final: number;
  /** |final − start|. */
  travelled: number;
  /** Δp at the end (same tail mean). */
  finalDeltaP: number;
  mAP: number;
}

/** The two starts of one seed. */
export interface AdaptivePair {
  seed: number;
  low: AdaptiveEnd;
  high: AdaptiveEnd;
  initialGap: number;
  /** |final(high) − final(low)|. */
  finalGap: number;
  /** (initialGap − finalGap) / updates: how fast the two starts approached each other. */
  approachPerUpdate: number;
  /** finalGap / approachPerUpdate: further updates to meet at that pace (Infinity when not approaching). */
  updatesToMeet: number;
  /** The two starts ended within the tolerance. */
  met: boolean;
}

export interface AdaptiveConvergence {
  tolerance: number;
  /** Controller updates per run (one per training batch). */
  updates: number;
  lambda: number;
  target: number;
  /**
   * The most one run can move γ− in `updates` updates: λ · updates · (1 + |Δp_target|), since
   * |Δp| ≤ 1. Two runs can close a gap of at most twice that.
   */
  maxTravel: number;
  pairs: AdaptivePair[];
  /** Whether the two starts could meet at all: 2 · maxTravel ≥ their distance − tolerance. */
  canMeet: boolean;
  /** "The two starts end within the tolerance", by the verdict rule: tolerance − final gap > 2 SE over the seeds. */
  comparison: Comparison;
  /**
   * The claim's verdict: the comparison's, or "not testable here" when the starts could not meet in the
   * updates the runs had, whatever the data (λ or the number of updates too small for their distance).
   */
  verdict: Verdict;
}

export interface AdaptiveConvergenceOptions {
  /** Final γ− of the two starts closer than this counts as met (default 0.5). */
  tolerance?: number;
  /** Fraction of the trace averaged for the final values (default 0.1). */
  tail?: number;
  /** Controller updates per run (default: inferred from the trace, last recorded step + 1). */
  updates?: number;
}

function end(run: AdaptiveRun, tail: number): AdaptiveEnd {
  const final = tailMean(run.trace.map((t) => t.gammaNeg), tail);
  return { start: run.start, final, travelled: Math.abs(final - run.start), finalDeltaP: tailMean(run.trace.map((t) => t.deltaP), tail), mAP: run.mAP };
}

export function adaptiveConvergence(result: Pick<AdaptiveResult, 'runs' | 'lambda' | 'target'>, options: AdaptiveConvergenceOptions = {}): AdaptiveConvergence {
  const tolerance = options.tolerance ?? 0.5;
  const tail = options.tail ?? 0.1;
  if (!(tolerance > 0)) fail('adaptiveConvergence', 'options.tolerance', `must be > 0, got ${tolerance}`);
  const { starts, seeds } = adaptiveDesign(result);
  const lastStep = Math.max(...result.runs.flatMap((r) => r.trace.map((t) => t.step)));
  const updates = options.updates ?? lastStep + 1;
  if (!(Number.isInteger(updates) && updates > lastStep)) fail('adaptiveConvergence', 'options.updates', `must be an integer > the last recorded step ${lastStep}, got ${updates}`);
  const pairs = seeds.map((seed): AdaptivePair => {
    const low = end(adaptiveRun(result, starts[0], seed), tail);
    const high = end(adaptiveRun(result, starts[1], seed), tail);
    const initialGap = starts[1] - starts[0];
    const finalGap = Math.abs(high.final - low.final);
    const approachPerUpdate = (initialGap - finalGap) / updates;
    return {
      seed,
      low,
      high,
      initialGap,
      finalGap,
      approachPerUpdate,
      updatesToMeet: finalGap <= tolerance ? 0 : approachPerUpdate > 0 ? finalGap / approachPerUpdate : Infinity,
      met: finalGap <= tolerance,
    };
  });
  const comparison = compare(
    `|final γ− from ${starts[1]} − final γ− from ${starts[0]}| < ${tolerance}`,
    pairs.map(() => tolerance),
    pairs.map((p) => p.finalGap),
  );
  const maxTravel = result.lambda * updates * (1 + Math.abs(result.target));
  const distance = starts[1] - starts[0];
  const canMeet = 2 * maxTravel >= distance - tolerance;
  const verdict = canMeet
    ? verdictOf([comparison])
    : notTestable(
        `in ${updates} updates with λ = ${result.lambda} each start can move γ− by at most ${maxTravel.toFixed(2)}, so starts ${distance} apart cannot come within ${tolerance} of each other whatever the data; testing convergence needs λ · updates ≥ ${((distance - tolerance) / (2 * (1 + Math.abs(result.target)))).toFixed(2)}`,
      );
  return { tolerance, updates, lambda: result.lambda, target: result.target, maxTravel, pairs, canMeet, comparison, verdict };
}

/**
 * "Adaptive is on par with the best static γ−": one paired comparison per start, adaptive > best
 * static (mAP). `seeds` gives the seed of each entry of `staticBest.mAP` (the ablation's seeds).
 * Within noise is the paper's outcome; holds means better than the best static γ−; contradicts, worse.
 */
export function adaptiveVsStatic(result: Pick<AdaptiveResult, 'runs' | 'staticBest'>, seeds: readonly number[]): Comparison[] {
  if (seeds.length !== result.staticBest.mAP.length) fail('adaptiveVsStatic', 'seeds', `must name the seed of each of the ${result.staticBest.mAP.length} static mAPs, got ${seeds.length}`);
  const { starts } = adaptiveDesign(result);
  return starts.map((start) =>
    compare(
      `adaptive from γ− = ${start} > best static γ− = ${result.staticBest.gammaNeg} (mAP)`,
      seeds.map((seed) => adaptiveRun(result, start, seed).mAP),
      result.staticBest.mAP,
    ),
  );
}
