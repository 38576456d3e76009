/**
 * Reading the missing-label experiment of chapter 7 (./experiments/plan.ts `missingLabels()`): the mAP
 * drop of each loss from clean training labels to the highest rate of hidden positives (absolute, in
 * mAP points, and relative, in % of the clean mAP, per seed), and a probe of what the hidden
 * positives receive from a trained model: the paper's claim (§2.3, §2.5 and Figure 3) is about the
 * *very hard* ones — hidden positives the network already gives a high probability, where ASL's
 * shifted negative gradient falls while cross-entropy's keeps growing.
 *
 * The probe reloads a model the comparison trained (its run folder under `gridRunDir`; `runGrid` with
 * the comparison's own grid reuses it, or retrains it where the folder is gone), predicts the training
 * split, finds the hidden positives from the generator's clean targets, selects the very hard ones
 * (p ≥ 0.8, or the top decile of the hidden positives when fewer than ten reach 0.8) and compares, at
 * the same predictions, each loss's negative-label gradient ∂L/∂z on them: per element, and as the
 * share of all the negative-label gradient of the batch (the scale-free quantity: Adam's steps do not
 * depend on a loss's overall scale).
 */
import * as path from 'node:path';
import {
  aslNegativeGradient,
  aslNegativeGradientDetached,
  buildZooModel,
  evaluateModel,
  loadCheckpointWeights,
  loadDatasetRef,
  type DatasetSplits,
  type LossParamValue,
  type MultiFashionSplits,
} from 'asl-workbook';
import { fail } from '../errors';
import { cachedRun } from '../run-cache';
import { gridRunDir, runGrid } from '../experiments/grid';
import { comparisonRunGrid, perSeed, type ComparisonResult } from '../experiments/comparison';
import type { MissingLabelsResult } from '../experiments/plan';
import { compare, type Comparison } from '../verdict';

// ---------------------------------------------------------------------------------------------------
// mAP drops

/** One seed of one loss: mAP with clean labels and at the highest rate, and the drop. */
export interface SeedDrop {
  seed: number;
  clean: number;
  noisy: number;
  /** clean − noisy, mAP points. */
  absolute: number;
  /** 100 · (clean − noisy) / clean, % of the clean mAP. */
  relative: number;
}

export interface LossDrops {
  arm: string;
  /** The lowest and the highest rate of the experiment. */
  rateLow: number;
  rateHigh: number;
  seeds: SeedDrop[];
}

function comparisonAt(result: MissingLabelsResult, rate: number): ComparisonResult {
  const c = result.comparisons.find((x) => x.rate === rate);
  if (!c) fail('missingLabels', 'rate', `no comparison at rate ${rate} (have ${result.rates.join(', ')})`);
  return c.result;
}

/** The rates of the experiment, lowest and highest. */
export function rateRange(result: MissingLabelsResult): { low: number; high: number } {
  if (result.rates.length < 2) fail('rateRange', 'result.rates', `needs at least two rates, got ${result.rates.join(', ')}`);
  return { low: Math.min(...result.rates), high: Math.max(...result.rates) };
}

/** The mAP of one loss at one rate, per seed (seed order of the plan). */
export function mapAtRate(result: MissingLabelsResult, rate: number, arm: string): number[] {
  return perSeed(comparisonAt(result, rate), arm);
}

export function missingLabelDrops(result: MissingLabelsResult, arm: string): LossDrops {
  const { low, high } = rateRange(result);
  const seeds = comparisonAt(result, low).plan.seeds;
  const clean = mapAtRate(result, low, arm);
  const noisy = mapAtRate(result, high, arm);
  return {
    arm,
    rateLow: low,
    rateHigh: high,
    seeds: seeds.map((seed, i) => ({ seed, clean: clean[i], noisy: noisy[i], absolute: clean[i] - noisy[i], relative: (100 * (clean[i] - noisy[i])) / clean[i] })),
  };
}

/**
 * The robustness claim as three paired comparisons over the seeds: `robust` has the higher mAP at the
 * highest rate; `baseline` loses more mAP points; `baseline` loses a larger fraction of its clean mAP.
 */
export function robustnessComparisons(result: MissingLabelsResult, robust: string, baseline: string): { atHighRate: Comparison; absoluteDrop: Comparison; relativeDrop: Comparison } {
  const { high } = rateRange(result);
  const r = missingLabelDrops(result, robust);
  const b = missingLabelDrops(result, baseline);
  return {
    atHighRate: compare(`${robust} > ${baseline}: mAP at rate ${high}`, mapAtRate(result, high, robust), mapAtRate(result, high, baseline)),
    absoluteDrop: compare(`drop(${baseline}) > drop(${robust}): mAP points lost, rate 0 → ${high}`, b.seeds.map((s) => s.absolute), r.seeds.map((s) => s.absolute)),
    relativeDrop: compare(`drop(${baseline}) > drop(${robust}): % of the clean mAP lost, rate 0 → ${high}`, b.seeds.map((s) => s.relative), r.seeds.map((s) => s.relative)),
  };
}

// ---------------------------------------------------------------------------------------------------
// The probe: pure parts

export interface Quartiles {
  count: number;
  q25: number;
  median: number;
  q75: number;
}

/** Linear-interpolation quantile of sorted values (NaN when empty). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function quartiles(values: readonly number[]): Quartiles {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, q25: quantileSorted(s, 0.25), median: quantileSorted(s, 0.5), q75: quantileSorted(s, 0.75) };
}

/** Indices of the hidden positives: clean target 1, training target 0. */
export function hiddenPositiveIndices(clean: ArrayLike<number>, noisy: ArrayLike<number>): number[] {
  if (clean.length !== noisy.length) fail('hiddenPositiveIndices', 'noisy', `must have the length of clean (${clean.length}), got ${noisy.length}`);
  const out: number[] = [];
  for (let i = 0; i < clean.length; i++) if (clean[i] === 1 && noisy[i] === 0) out.push(i);
  return out;
}

export interface VeryHardSelection {
  indices: number[];
  /** How they were chosen, in words. */
  rule: string;
  /** The smallest p of the selection. */
  minP: number;
}

/**
 * The very hard ones among `candidates`: those with p ≥ `threshold` (default 0.8) when at least
 * `minCount` (default 10) reach it, otherwise the top decile by p (at least one).
 */
export function selectVeryHard(scores: ArrayLike<number>, candidates: readonly number[], options: { threshold?: number; minCount?: number } = {}): VeryHardSelection {
  const threshold = options.threshold ?? 0.8;
  const minCount = options.minCount ?? 10;
  if (candidates.length === 0) return { indices: [], rule: 'no hidden positives', minP: NaN };
  const above = candidates.filter((i) => scores[i] >= threshold);
  if (above.length >= minCount) return { indices: above, rule: `p ≥ ${threshold}`, minP: Math.min(...above.map((i) => scores[i])) };
  const sorted = [...candidates].sort((a, b) => scores[b] - scores[a]);
  const top = sorted.slice(0, Math.max(1, Math.ceil(sorted.length / 10)));
  return { indices: top, rule: `top decile (only ${above.length} reach p ≥ ${threshold})`, minP: scores[top[top.length - 1]] };
}

/** A loss's gradient ∂L/∂z of one negative label as a function of p (summed loss: per element). */
export interface NegativeGradient {
  loss: string;
  gradient: (p: number) => number;
}

/** The negative-label gradients the probe compares: CE's, and ASL's as trained (detached weight) and as the paper's Eq. 8. */
export function probeGradients(gammaNeg: number, clip: number): NegativeGradient[] {
  return [
    { loss: 'CE', gradient: (p) => p },
    { loss: `ASL (γ−=${gammaNeg}, m=${clip}), as trained`, gradient: (p) => aslNegativeGradientDetached(p, gammaNeg, clip) },
    { loss: `ASL (γ−=${gammaNeg}, m=${clip}), Eq. 8`, gradient: (p) => aslNegativeGradient(p, gammaNeg, clip) },
  ];
}

export interface GradientOnSelection {
  loss: string;
  /** Mean and median ∂L/∂z over the selected labels. */
  perElementMean: number;
  perElementMedian: number;
  /** Σ over the selected labels / Σ over every negative label (training target 0) of ∂L/∂z. */
  share: number;
}

/** Each loss's negative gradient on the selected labels, at the same predictions. */
export function gradientOnSelection(scores: ArrayLike<number>, noisy: ArrayLike<number>, selected: readonly number[], gradients: readonly NegativeGradient[]): GradientOnSelection[] {
  return gradients.map(({ loss, gradient }) => {
    let total = 0;
    for (let i = 0; i < scores.length; i++) if (noisy[i] === 0) total += gradient(scores[i]);
    const g = selected.map((i) => gradient(scores[i]));
    const sum = g.reduce((a, b) => a + b, 0);
    return { loss, perElementMean: g.length ? sum / g.length : NaN, perElementMedian: quantileSorted([...g].sort((a, b) => a - b), 0.5), share: total > 0 ? sum / total : NaN };
  });
}

/** Where a negative-label gradient peaks over p ∈ (0, 1) (grid of `points` values): beyond it the loss attenuates harder negatives. */
export function gradientPeak(g: NegativeGradient, points = 10000): { p: number; value: number } {
  let best = { p: NaN, value: -Infinity };
  for (let i = 1; i < points; i++) {
    const p = i / points;
    const v = g.gradient(p);
    if (v > best.value) best = { p, value: v };
  }
  return best;
}

/** Counts of `values` in `bins` equal bins over [0, 1]. */
export function histogram01(values: readonly number[], bins = 20): number[] {
  const h = new Array<number>(bins).fill(0);
  for (const v of values) h[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))] += 1;
  return h;
}

// ---------------------------------------------------------------------------------------------------
// The probe: one trained model

/** What one trained model's predictions on the training split say about the hidden positives. */
export interface HiddenPositiveProbe {
  arm: string;
  seed: number;
  rate: number;
  lr: number;
  /** Validation mAP the comparison recorded for this run, and that of the checkpoint reloaded now. */
  recordedMap: number;
  reloadedMap: number;
  hidden: Quartiles;
  trueNegatives: Quartiles;
  labelledPositives: Quartiles;
  /** Hidden positives per p bin (20 bins over [0, 1]). */
  hiddenHistogram: number[];
  selection: { rule: string; count: number; minP: number; medianP: number };
  /** Where ASL's negative gradient (as trained) peaks, and the fraction of the selection beyond the peak (where it falls). */
  aslPeak: { p: number; fractionBeyond: number };
  gradients: GradientOnSelection[];
}

function isMultiFashion(splits: DatasetSplits): splits is MultiFashionSplits {
  return 'info' in splits && typeof splits.info === 'object' && splits.info !== null && 'cleanTrainTargets' in splits.info;
}

function numberParam(params: Record<string, LossParamValue> | undefined, name: string, fallback: number): number {
  const v = params?.[name];
  return typeof v === 'number' ? v : fallback;
}

/**
 * Reloads the model the comparison at `rate` trained for `armLabel` and `seed`, predicts the training
 * split and probes the hidden positives (see the module comment). `aslArm` gives the γ− and m of the
 * ASL gradients compared (default: the ASL arm of the plan).
 */
export async function probeHiddenPositives(
  result: MissingLabelsResult,
  rate: number,
  armLabel: string,
  seed: number,
  options: { aslArm?: string; threshold?: number; minCount?: number; log?: (line: string) => void } = {},
): Promise<HiddenPositiveProbe> {
  const fn = 'probeHiddenPositives';
  const comparison = comparisonAt(result, rate);
  const plan = comparison.plan;
  const arm = plan.arms.find((a) => a.label === armLabel);
  if (!arm) fail(fn, 'armLabel', `no arm '${armLabel}' (have ${plan.arms.map((a) => a.label).join(', ')})`);
  const asl = plan.arms.find((a) => (options.aslArm ? a.label === options.aslArm : a.loss.name === 'asl'));
  if (!asl) fail(fn, 'options.aslArm', 'no ASL arm in the plan');
  const recorded = comparison.runs.find((r) => r.arm === armLabel && r.seed === seed);
  if (!recorded) fail(fn, 'seed', `no run of '${armLabel}' with seed ${seed} at rate ${rate}`);
  const model = plan.base.model;
  if (!model || model.pretrained) fail(fn, 'result', 'the probe rebuilds zoo models trained from scratch only');

  const { spec, index } = comparisonRunGrid(plan, arm, recorded.lr, seed);
  const runs = await runGrid(spec, plan.data, { log: options.log });
  const file = path.join(gridRunDir(spec, plan.data), `run-${String(index).padStart(3, '0')}`, 'checkpoints', 'best.ckpt');

  const splits = await loadDatasetRef(plan.data);
  if (!isMultiFashion(splits)) fail(fn, 'result', 'the probe needs MultiFashion (its clean training targets)');
  const net = buildZooModel(model.zoo, { inputShape: splits.train.inputShape, numClasses: splits.train.classNames.length, seed, hidden: model.hidden, channels: model.channels, dropout: model.dropout });
  let scores: Float32Array;
  let noisy: Float32Array;
  try {
    loadCheckpointWeights(net, file);
    const e = await evaluateModel(net, splits.train, { batchSize: 256 });
    scores = e.scores;
    noisy = e.targets;
  } finally {
    net.dispose();
  }
  const clean = splits.info.cleanTrainTargets;
  const hidden = hiddenPositiveIndices(clean, noisy);
  const pOf = (pred: (i: number) => boolean) => {
    const out: number[] = [];
    for (let i = 0; i < scores.length; i++) if (pred(i)) out.push(scores[i]);
    return out;
  };
  const hiddenP = hidden.map((i) => scores[i]);
  const selection = selectVeryHard(scores, hidden, { threshold: options.threshold, minCount: options.minCount });
  const compared = probeGradients(numberParam(asl.loss.params, 'gammaNeg', 4), numberParam(asl.loss.params, 'clip', 0.05));
  const gradients = gradientOnSelection(scores, noisy, selection.indices, compared);
  const peak = gradientPeak(compared[1]);
  const beyond = selection.indices.filter((i) => scores[i] > peak.p).length;
  return {
    arm: armLabel,
    seed,
    rate,
    lr: recorded.lr,
    recordedMap: recorded.mAP,
    reloadedMap: runs[index].mAP,
    hidden: quartiles(hiddenP),
    trueNegatives: quartiles(pOf((i) => clean[i] === 0)),
    labelledPositives: quartiles(pOf((i) => noisy[i] === 1)),
    hiddenHistogram: histogram01(hiddenP),
    selection: { rule: selection.rule, count: selection.indices.length, minP: selection.minP, medianP: quartiles(selection.indices.map((i) => scores[i])).median },
    aslPeak: { p: peak.p, fractionBeyond: selection.indices.length ? beyond / selection.indices.length : NaN },
    gradients,
  };
}

/**
 * The probes of every seed of each of `arms` at `rate` (default: the highest), cached (by the
 * comparison's plan and learning rates, the code version and the selection rule), in arm then seed order.
 */
export function missingLabelProbes(
  result: MissingLabelsResult,
  arms: readonly string[],
  options: { rate?: number; threshold?: number; minCount?: number; log?: (line: string) => void } = {},
): Promise<HiddenPositiveProbe[]> {
  const rate = options.rate ?? rateRange(result).high;
  const c = comparisonAt(result, rate);
  const key = { missingLabelProbe: { version: 1, rate, plan: c.plan, chosenLr: c.chosenLr, arms, threshold: options.threshold ?? 0.8, minCount: options.minCount ?? 10 } };
  return cachedRun(key, async () => {
    const out: HiddenPositiveProbe[] = [];
    for (const arm of arms) for (const seed of c.plan.seeds) out.push(await probeHiddenPositives(result, rate, arm, seed, options));
    return out;
  });
}

/**
 * The gradient claim over seeds, from the probes of one loss's models (one per seed, same order):
 * CE's negative gradient on the very hard hidden positives exceeds ASL's (as trained), per element and
 * as a share (in %) of all the negative-label gradient.
 */
export function probeComparisons(probes: readonly HiddenPositiveProbe[]): { perElement: Comparison; share: Comparison } {
  if (probes.length === 0) fail('probeComparisons', 'probes', 'must not be empty');
  const get = (p: HiddenPositiveProbe, i: number) => p.gradients[i];
  const ce = probes.map((p) => get(p, 0));
  const asl = probes.map((p) => get(p, 1));
  return {
    perElement: compare(`${ce[0].loss} > ${asl[0].loss}: mean ∂L/∂z per very hard hidden positive`, ce.map((g) => g.perElementMean), asl.map((g) => g.perElementMean)),
    share: compare(`${ce[0].loss} > ${asl[0].loss}: share (%) of the negative-label gradient on the very hard hidden positives`, ce.map((g) => 100 * g.share), asl.map((g) => 100 * g.share)),
  };
}
