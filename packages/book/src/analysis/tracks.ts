/**
 * Reading what the trackers recorded inside the runs of a comparison (chapters 2 and 3). A sweep with
 * `track: { probabilities: N, gradientShare: N }` stores, every N training steps, the batch's
 *
 * - `gradient-share-tracker` records (lib/train/gradient-share-tracker.ts): Σ|dL/dz| over the
 *   positive and over the negative labels of the batch, and their counts;
 * - `probability-tracker` records (lib/train/callbacks.ts): the mean σ(z) over the positive labels
 *   (p̄⁺) and over the negative labels (p̄⁻).
 *
 * This module turns them into series (one value per tracked step), window means (the start, the first
 * or last epoch, the whole run) and seed-averaged curves. Probabilities follow the paper's Figure 4:
 * p_t⁺ = p̄⁺ (how sure the network is of its positives), p_t⁻ = 1 − p̄⁻ (of its negatives), and the
 * probability gap Δp = p_t⁻ − p_t⁺, the library's sign (the adaptive-asymmetry controller's): positive
 * when the negatives are the more confident side.
 */
import type { GradientShareRecord, ProbabilityRecord } from 'asl-workbook';
import { fail } from '../errors';

/** A run with tracker records (a `ComparisonRun` or `GridRun`). */
export interface TrackedRun {
  tracks?: Record<string, unknown>;
  arm?: string;
  seed?: number;
}

/** The gradient split of one run, one entry per tracked step. */
export interface GradientShareSeries {
  /** Global training step (0-based) and its epoch. */
  steps: number[];
  epochs: number[];
  /** Σ|dL/dz| over positives / (over positives + over negatives). */
  positiveShare: number[];
  /** 1 − positiveShare. */
  negativeShare: number[];
  /** Mean |dL/dz| per positive label and per negative label. */
  perPositive: number[];
  perNegative: number[];
  /**
   * perPositive / perNegative: how many times a negative's gradient one positive's weighs. The shares
   * balance (½ each) when it equals the batch's negatives : positives ratio.
   */
  perLabelRatio: number[];
  /** negatives / positives in the tracked batch. */
  negPosRatio: number[];
  /** Positive and negative labels in the tracked batch. */
  positives: number[];
  negatives: number[];
}

/** The mean probabilities of one run, one entry per tracked step. */
export interface ProbabilitySeries {
  steps: number[];
  epochs: number[];
  /** p̄⁺ and p̄⁻: mean σ(z) over the batch's positive and negative labels. */
  meanPositive: number[];
  meanNegative: number[];
  /** p_t⁺ = p̄⁺ and p_t⁻ = 1 − p̄⁻ (the paper's Figure 4). */
  ptPositive: number[];
  ptNegative: number[];
  /** Δp = p_t⁻ − p_t⁺. */
  deltaP: number[];
}

export type GradientShareQuantity = 'positiveShare' | 'negativeShare' | 'perPositive' | 'perNegative' | 'perLabelRatio' | 'negPosRatio';
export type ProbabilityQuantity = 'meanPositive' | 'meanNegative' | 'ptPositive' | 'ptNegative' | 'deltaP';
export type TrackQuantity = GradientShareQuantity | ProbabilityQuantity;

/**
 * Which tracked steps a statistic averages: `start` the first tracked step (before any update),
 * `first epoch` / `last epoch` the tracked steps of the first / last epoch, `all` every tracked step.
 */
export type TrackWindow = 'start' | 'first epoch' | 'last epoch' | 'all';

export const TRACK_WINDOWS: readonly TrackWindow[] = ['start', 'first epoch', 'last epoch', 'all'];

const GRADIENT_QUANTITIES: readonly string[] = ['positiveShare', 'negativeShare', 'perPositive', 'perNegative', 'perLabelRatio', 'negPosRatio'];
const PROBABILITY_QUANTITIES: readonly string[] = ['meanPositive', 'meanNegative', 'ptPositive', 'ptNegative', 'deltaP'];

const runName = (run: TrackedRun) => (run.arm !== undefined || run.seed !== undefined ? ` (${run.arm ?? 'run'}, seed ${run.seed ?? '?'})` : '');

function records<T>(fn: string, run: TrackedRun, tracker: string, option: string): T[] {
  const r = run?.tracks?.[tracker];
  if (!Array.isArray(r) || r.length === 0) {
    fail(fn, 'run', `has no '${tracker}' records${runName(run)}: run the comparison with track: { ${option}: N }`);
  }
  return r as T[];
}

const num = (x: unknown) => (typeof x === 'number' ? x : NaN);

/** The gradient split of a run's `gradient-share-tracker` records. */
export function gradientShareSeries(run: TrackedRun): GradientShareSeries {
  const recs = records<GradientShareRecord>('gradientShareSeries', run, 'gradient-share-tracker', 'gradientShare');
  const total = (r: GradientShareRecord) => num(r.positive) + num(r.negative);
  const perPositive = recs.map((r) => (r.positives > 0 ? num(r.positive) / r.positives : NaN));
  const perNegative = recs.map((r) => (r.negatives > 0 ? num(r.negative) / r.negatives : NaN));
  return {
    steps: recs.map((r) => r.step),
    epochs: recs.map((r) => r.epoch),
    positiveShare: recs.map((r) => (total(r) > 0 ? num(r.positive) / total(r) : NaN)),
    negativeShare: recs.map((r) => (total(r) > 0 ? num(r.negative) / total(r) : NaN)),
    perPositive,
    perNegative,
    perLabelRatio: perPositive.map((p, i) => (perNegative[i] > 0 ? p / perNegative[i] : NaN)),
    negPosRatio: recs.map((r) => (r.positives > 0 ? r.negatives / r.positives : NaN)),
    positives: recs.map((r) => r.positives),
    negatives: recs.map((r) => r.negatives),
  };
}

/** The probabilities of a run's `probability-tracker` records. */
export function probabilitySeries(run: TrackedRun): ProbabilitySeries {
  const recs = records<ProbabilityRecord>('probabilitySeries', run, 'probability-tracker', 'probabilities');
  const pos = recs.map((r) => num(r.meanPositive));
  const neg = recs.map((r) => num(r.meanNegative));
  return {
    steps: recs.map((r) => r.step),
    epochs: recs.map((r) => r.epoch),
    meanPositive: pos,
    meanNegative: neg,
    ptPositive: pos,
    ptNegative: neg.map((p) => 1 - p),
    deltaP: neg.map((p, i) => 1 - p - pos[i]),
  };
}

/** One quantity of a run along training: the tracked steps, their epochs and the values. */
export function trackSeries(run: TrackedRun, quantity: TrackQuantity): { steps: number[]; epochs: number[]; values: number[] } {
  if (GRADIENT_QUANTITIES.includes(quantity)) {
    const s = gradientShareSeries(run);
    return { steps: s.steps, epochs: s.epochs, values: s[quantity as GradientShareQuantity] };
  }
  if (PROBABILITY_QUANTITIES.includes(quantity)) {
    const s = probabilitySeries(run);
    return { steps: s.steps, epochs: s.epochs, values: s[quantity as ProbabilityQuantity] };
  }
  return fail('trackSeries', 'quantity', `must be one of ${[...GRADIENT_QUANTITIES, ...PROBABILITY_QUANTITIES].join(', ')}, got ${JSON.stringify(quantity)}`);
}

const finiteMean = (v: readonly number[]) => {
  const f = v.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

/** The mean of `values` (finite ones) over the tracked steps of `window` (see {@link TrackWindow}). */
export function windowMean(values: readonly number[], epochs: readonly number[], window: TrackWindow): number {
  const fn = 'windowMean';
  if (values.length !== epochs.length) fail(fn, 'epochs', `must have one epoch per value (${values.length}), got ${epochs.length}`);
  if (!TRACK_WINDOWS.includes(window)) fail(fn, 'window', `must be one of ${TRACK_WINDOWS.join(', ')}, got ${JSON.stringify(window)}`);
  if (values.length === 0) return NaN;
  switch (window) {
    case 'start':
      return values[0];
    case 'all':
      return finiteMean(values);
    case 'first epoch': {
      const e = Math.min(...epochs);
      return finiteMean(values.filter((_, i) => epochs[i] === e));
    }
    case 'last epoch': {
      const e = Math.max(...epochs);
      return finiteMean(values.filter((_, i) => epochs[i] === e));
    }
  }
}

/** A quantity of a run averaged over a window of its tracked steps. */
export function trackMean(run: TrackedRun, quantity: TrackQuantity, window: TrackWindow = 'all'): number {
  const s = trackSeries(run, quantity);
  return windowMean(s.values, s.epochs, window);
}

/**
 * The mean curve over several runs (e.g. the seeds of one loss) at the steps every run tracked, with
 * the standard deviation over runs (0 for a single run).
 */
export function meanCurve(runs: readonly TrackedRun[], quantity: TrackQuantity): { steps: number[]; mean: number[]; sd: number[] } {
  if (!Array.isArray(runs) || runs.length === 0) fail('meanCurve', 'runs', 'must be a non-empty array of tracked runs');
  const series = runs.map((r) => trackSeries(r, quantity));
  const maps = series.map((s) => new Map(s.steps.map((step, i) => [step, s.values[i]])));
  const steps = series[0].steps.filter((step) => maps.every((m) => m.has(step)));
  const mean: number[] = [];
  const sd: number[] = [];
  for (const step of steps) {
    const v = maps.map((m) => m.get(step)!).filter(Number.isFinite);
    const m = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    mean.push(m);
    sd.push(v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1)) : 0);
  }
  return { steps, mean, sd };
}
