/**
 * Analyses of a loss comparison (./experiments/comparison.ts) that the chapters show: mean ± sd
 * tables, the learning-rate search as one row per loss, the paper's ordering as a verdict, the
 * fine-tuned vs from-scratch comparison paired by seed, per-class AP and its gains by training
 * frequency tercile (computed, so a chapter's takeaway comes from the numbers), and precision-recall
 * curves as step lines for small multiples. Plain data in, plain data out (no display code here).
 */
import { fail } from '../errors';
import { perSeed, type ComparisonResult, type ComparisonRun } from '../experiments/comparison';
import { compare, verdictOf, type Comparison, type Verdict } from '../verdict';

/** Mean and sample standard deviation (n − 1; NaN for one value) of a list of numbers. */
export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, n: 0 };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

/** `12.34 ± 0.56` (the ± part only when there is a finite sd). */
export function formatMeanSd(m: MeanSd, digits = 2): string {
  if (!Number.isFinite(m.mean)) return '–';
  return Number.isFinite(m.sd) ? `${m.mean.toFixed(digits)} ± ${m.sd.toFixed(digits)}` : m.mean.toFixed(digits);
}

/** A signed number of points: `+2.61` / `−0.40`. */
export function formatPoints(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '–';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

/** A difference ± its standard error, `+2.61 ± 0.40`, followed by the verdict rule's status unless `withStatus` is false: `+2.61 ± 0.40 (holds)`. */
export function formatDifference(c: Comparison, withStatus = true): string {
  return `${formatPoints(c.diff)} ± ${c.se.toFixed(2)}${withStatus ? ` (${c.status})` : ''}`;
}

/** The arms' labels, in the plan's order. */
export function armLabels(result: ComparisonResult): string[] {
  return result.plan.arms.map((a) => a.label);
}

function checkArm(result: ComparisonResult, arm: string): void {
  if (!armLabels(result).includes(arm)) fail('comparison tables', 'arm', `"${arm}" is not an arm of ${result.plan.id} (arms: ${armLabels(result).join(', ')})`);
}

/** The runs of one arm, in seed order (seeds without a run are left out). */
function armRuns(result: ComparisonResult, arm: string): ComparisonRun[] {
  checkArm(result, arm);
  return result.plan.seeds.map((s) => result.runs.find((r) => r.arm === arm && r.seed === s)).filter((r): r is ComparisonRun => r !== undefined);
}

/** One loss of a comparison, summarised over its seeds. */
export interface ArmSummary {
  arm: string;
  lr: number;
  /** Whether the learning rate is interior to the rates tried (always true for a fixed rate). */
  lrInterior: boolean;
  mAP: MeanSd;
  CF1: MeanSd;
  OF1: MeanSd;
}

export function armSummaries(result: ComparisonResult): ArmSummary[] {
  return armLabels(result).map((arm) => {
    const runs = armRuns(result, arm);
    return {
      arm,
      lr: result.chosenLr[arm],
      lrInterior: result.lrInterior[arm],
      mAP: meanSd(runs.map((r) => r.mAP)),
      CF1: meanSd(runs.map((r) => r.CF1)),
      OF1: meanSd(runs.map((r) => r.OF1)),
    };
  });
}

/** The main table: one row per loss, mean ± sd over seeds (percent). */
export function summaryRows(result: ComparisonResult, setting: string, digits = 2): Array<Record<string, string | number>> {
  return armSummaries(result).map((s) => ({
    setting,
    loss: s.arm,
    'learning rate': s.lr,
    seeds: s.mAP.n,
    'mAP (%)': formatMeanSd(s.mAP, digits),
    'CF1 (%)': formatMeanSd(s.CF1, digits),
    'OF1 (%)': formatMeanSd(s.OF1, digits),
  }));
}

/** The learning rates as text: `CE 0.008, focal (γ=2) 0.004 (at the edge), …`. */
export function chosenRatesText(result: ComparisonResult): string {
  return armLabels(result)
    .map((arm) => `${arm} ${result.chosenLr[arm]}${result.lrInterior[arm] ? '' : ' (at the edge of the rates tried)'}`)
    .join(', ');
}

/**
 * The learning-rate search: one row per loss, one column per rate tried by any loss (validation mAP
 * of the first seed; empty where that loss did not try the rate), the chosen rate and whether it is
 * interior.
 */
export function lrSearchRows(result: ComparisonResult, setting?: string): Array<Record<string, string | number>> {
  const rates = [...new Set(result.lrSearch.map((x) => x.lr))].sort((a, b) => a - b);
  return armLabels(result).map((arm) => {
    const row: Record<string, string | number> = setting === undefined ? { loss: arm } : { setting, loss: arm };
    for (const lr of rates) {
      const hit = result.lrSearch.find((x) => x.arm === arm && x.lr === lr);
      row[`lr ${lr}`] = hit ? hit.mAP.toFixed(2) : '';
    }
    row.chosen = result.chosenLr[arm];
    row.interior = result.lrInterior[arm] ? 'yes' : 'no';
    return row;
  });
}

/** "a > b" on the per-seed mAP (or another metric) of two arms of one comparison, paired by seed. */
export function armComparison(result: ComparisonResult, better: string, worse: string, metric: (r: ComparisonRun) => number = (r) => r.mAP, name = 'mAP'): Comparison {
  return compare(`${better} > ${worse} (${name})`, perSeed(result, better, metric), perSeed(result, worse, metric));
}

/**
 * The paper's ordering `arms[0] < arms[1] < …` (e.g. CE < focal < ASL): one comparison per
 * consecutive pair; the verdict holds only when every pair holds.
 */
export function orderingVerdict(result: ComparisonResult, arms: readonly string[] = armLabels(result)): Verdict {
  if (arms.length < 2) fail('orderingVerdict', 'arms', 'needs at least two arms');
  const comparisons = arms.slice(1).map((arm, i) => armComparison(result, arm, arms[i]));
  return verdictOf(comparisons);
}

/**
 * The same loss in two comparisons run with the same seeds (e.g. fine-tuned vs from scratch):
 * "a > b" paired by seed, one comparison per loss; the verdict holds when it holds for every loss.
 */
export function acrossComparisons(a: ComparisonResult, aName: string, b: ComparisonResult, bName: string, arms: readonly string[] = armLabels(a)): Verdict {
  const seedsA = a.plan.seeds.join(',');
  if (seedsA !== b.plan.seeds.join(',')) fail('acrossComparisons', 'b', `pairs by seed: the seeds differ (${seedsA} vs ${b.plan.seeds.join(',')})`);
  return verdictOf(arms.map((arm) => compare(`${arm}: ${aName} > ${bName} (mAP)`, perSeed(a, arm), perSeed(b, arm))));
}

/** One class: its frequencies and its AP (percent, mean over seeds) under each loss. */
export interface PerClassRow {
  classIndex: number;
  className: string;
  trainPositives: number;
  valPositives: number;
  /** Mean AP over seeds, percent, by arm label. */
  ap: Record<string, number>;
}

export function perClassAp(result: ComparisonResult): PerClassRow[] {
  const byArm = Object.fromEntries(armLabels(result).map((arm) => [arm, armRuns(result, arm)]));
  return result.classNames.map((className, c) => ({
    classIndex: c,
    className,
    trainPositives: result.trainPositives[c],
    valPositives: result.valPositives[c],
    ap: Object.fromEntries(Object.entries(byArm).map(([arm, runs]) => [arm, (100 * runs.reduce((s, r) => s + r.averagePrecision[c], 0)) / runs.length])),
  }));
}

export type TercileName = 'rare' | 'middle' | 'frequent';

/** The gain of one loss over another, averaged over the classes of one training-frequency tercile. */
export interface TercileRow {
  tercile: TercileName;
  classes: number;
  /** Smallest and largest number of training positives of the tercile's classes. */
  trainPositives: [number, number];
  /** Mean AP (percent) of the tercile's classes, by arm. */
  meanAp: Record<string, number>;
  /** Mean over the tercile's classes of AP(other) − AP(base), points. */
  gain: number;
  /** The same gain for each seed (paired runs), for the verdict rule. */
  gainPerSeed: number[];
  /** Classes of the tercile where the other loss has the higher mean AP. */
  wins: number;
}

export interface TercileOptions {
  /** Classes with fewer validation positives are left out (their AP is undefined, 0 by convention). Default 1. */
  minValPositives?: number;
}

/**
 * Gains of `other` over `base` by training-frequency tercile: the classes with validation positives,
 * ordered by training positives (ties by class index), cut into three near-equal parts.
 */
export function gainByTercile(result: ComparisonResult, base: string, other: string, options: TercileOptions = {}): TercileRow[] {
  const min = options.minValPositives ?? 1;
  checkArm(result, base);
  checkArm(result, other);
  const baseRuns = result.plan.seeds.map((s) => result.runs.find((r) => r.arm === base && r.seed === s));
  const otherRuns = result.plan.seeds.map((s) => result.runs.find((r) => r.arm === other && r.seed === s));
  const classes = perClassAp(result)
    .filter((c) => c.valPositives >= min)
    .sort((a, b) => a.trainPositives - b.trainPositives || a.classIndex - b.classIndex);
  if (classes.length < 3) fail('gainByTercile', 'result', `needs at least 3 classes with ≥ ${min} validation positives, found ${classes.length}`);
  const names: TercileName[] = ['rare', 'middle', 'frequent'];
  const cut = [0, Math.round(classes.length / 3), Math.round((2 * classes.length) / 3), classes.length];
  return names.map((tercile, t) => {
    const part = classes.slice(cut[t], cut[t + 1]);
    const mean = (f: (c: PerClassRow) => number) => part.reduce((s, c) => s + f(c), 0) / part.length;
    const gainPerSeed = result.plan.seeds.map((_, i) => {
      const b = baseRuns[i];
      const o = otherRuns[i];
      return b && o ? (100 * part.reduce((s, c) => s + o.averagePrecision[c.classIndex] - b.averagePrecision[c.classIndex], 0)) / part.length : NaN;
    });
    return {
      tercile,
      classes: part.length,
      trainPositives: [part[0].trainPositives, part[part.length - 1].trainPositives],
      meanAp: Object.fromEntries(armLabels(result).map((arm) => [arm, mean((c) => c.ap[arm])])),
      gain: mean((c) => c.ap[other] - c.ap[base]),
      gainPerSeed,
      wins: part.filter((c) => c.ap[other] > c.ap[base]).length,
    };
  });
}

/** The tercile with the largest mean gain and the one with the smallest, with their difference as a paired comparison over seeds. */
export function tercileContrast(rows: readonly TercileRow[]): { most: TercileRow; least: TercileRow; comparison: Comparison } {
  if (rows.length === 0) fail('tercileContrast', 'rows', 'must not be empty');
  const most = rows.reduce((a, b) => (b.gain > a.gain ? b : a));
  const least = rows.reduce((a, b) => (b.gain < a.gain ? b : a));
  return { most, least, comparison: compare(`gain in the ${most.tercile} tercile > gain in the ${least.tercile} tercile`, most.gainPerSeed, least.gainPerSeed) };
}

/** A line for a small-multiples panel (structurally a `LineSeries` of the notebook package). */
export interface PanelSeries {
  name: string;
  x: number[];
  y: number[];
}

/** A panel: its title and lines (structurally a `Panel` of the notebook package). */
export interface PanelData {
  title: string;
  series: PanelSeries[];
}

/**
 * A precision-recall curve as explicit steps (scikit-learn's `steps-post` drawing): the precision of
 * each point is held until the next point's recall, so a plain line chart draws the step curve.
 */
export function prSteps(recall: readonly number[], precision: readonly number[]): { x: number[]; y: number[] } {
  if (recall.length !== precision.length) fail('prSteps', 'precision', `must have one value per recall (${recall.length}), got ${precision.length}`);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < recall.length; i++) {
    if (i > 0) {
      x.push(recall[i]);
      y.push(precision[i - 1]);
    }
    x.push(recall[i]);
    y.push(precision[i]);
  }
  return { x, y };
}

const PR_ROLES = ['most frequent', 'median', 'rarest'] as const;

/**
 * The kept precision-recall curves of one seed (default the first) as panels: one panel per class
 * (the most frequent, the median and the rarest with ≥ 10 validation positives), one line per loss;
 * {@link prCurveApRows} gives their frequencies and APs.
 */
export function prCurvePanels(result: ComparisonResult, seed: number = result.plan.seeds[0]): PanelData[] {
  return result.prClasses.map((classIndex, k) => ({
    title: `${PR_ROLES[k] ?? 'class'}: ${result.classNames[classIndex]}`,
    series: armLabels(result).flatMap((arm) => {
      const run = result.runs.find((r) => r.arm === arm && r.seed === seed);
      const curve = run?.prCurves?.find((c) => c.classIndex === classIndex);
      return curve ? [{ name: arm, ...prSteps(curve.recall, curve.precision) }] : [];
    }),
  }));
}

/** The APs (percent) behind {@link prCurvePanels}: one row per class, one column per loss. */
export function prCurveApRows(result: ComparisonResult, seed: number = result.plan.seeds[0]): Array<Record<string, string | number>> {
  return result.prClasses.map((classIndex, k) => {
    const row: Record<string, string | number> = {
      class: `${PR_ROLES[k] ?? 'class'}: ${result.classNames[classIndex]}`,
      'train positives': result.trainPositives[classIndex],
      'val positives': result.valPositives[classIndex],
    };
    for (const arm of armLabels(result)) {
      const curve = result.runs.find((r) => r.arm === arm && r.seed === seed)?.prCurves?.find((c) => c.classIndex === classIndex);
      row[`AP ${arm}`] = curve ? Number((100 * curve.averagePrecision).toFixed(2)) : NaN;
    }
    return row;
  });
}

/** Validation mAP per epoch, mean over seeds, one line per loss (for learning-curve panels). */
export function learningCurves(result: ComparisonResult): PanelSeries[] {
  return armLabels(result).map((arm) => {
    const runs = armRuns(result, arm);
    const epochs = Math.min(...runs.map((r) => r.valMap.length));
    const x = Array.from({ length: epochs }, (_, e) => e + 1);
    return { name: arm, x, y: x.map((_, e) => runs.reduce((s, r) => s + r.valMap[e], 0) / runs.length) };
  });
}
