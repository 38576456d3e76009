/**
 * A loss comparison as the book runs it: every loss ("arm") gets its own learning rate, chosen on the
 * validation split with the first seed from a grid that is extended (×2 or ÷2) while the best rate
 * sits at its edge, so the chosen rate is interior; the other seeds then run at that rate. Identical
 * data, model, recipe and seeds otherwise. Two arms train at a time (each grid on every core), so a
 * lone extension run never leaves a core idle. The result is plain JSON (cached by `cachedRun`).
 */
import { datasetStatistics, loadDatasetRef, type DatasetRef, type LossSpec, type SweepSpec, type SweepTracking, type TrainConfig } from 'asl-workbook';
import { mapConcurrent } from '../concurrent';
import { cachedRun } from '../run-cache';
import { fail } from '../errors';
import { runGrid, type GridRun } from './grid';

/** One loss of a comparison. */
export interface Arm {
  label: string;
  loss: LossSpec;
}

export interface ComparisonPlan {
  /** Names the comparison in the cache key and logs. */
  id: string;
  data: DatasetRef;
  /** The recipe: model, epochs, batch size, optimizer, schedule, EMA (no loss, lr or seed). */
  base: TrainConfig;
  arms: Arm[];
  seeds: number[];
  /** The initial learning-rate grid (searched with the first seed). */
  lrGrid: number[];
  /** At most this many extensions of the grid per side (default 3). */
  maxExtensions?: number;
  /** Fixed learning rates per arm label instead of a search (e.g. fine-tuning at the from-scratch rates). */
  lrFixed?: Record<string, number>;
  track?: SweepTracking;
  /** Decision threshold of CF1/OF1 (default 0.5). */
  threshold?: number;
  /** Keep PR curves of the most frequent, the median and the rarest class with ≥ 10 validation positives. */
  prCurves?: boolean;
  /** The validation metric the learning rate is chosen by (default mAP; single-label comparisons: accuracy). */
  selectBy?: 'mAP' | 'accuracy';
}

/** One evaluated run of a comparison. */
export interface ComparisonRun extends GridRun {
  arm: string;
  lr: number;
  seed: number;
}

export interface ComparisonResult {
  plan: ComparisonPlan;
  runs: ComparisonRun[];
  /** Every learning rate tried with the first seed: arm, rate, validation mAP (and accuracy for single-label runs). */
  lrSearch: Array<{ arm: string; lr: number; mAP: number; accuracy?: number }>;
  chosenLr: Record<string, number>;
  /** Whether each chosen rate is interior to the rates tried (false: the search stopped at its limit). */
  lrInterior: Record<string, boolean>;
  classNames: string[];
  trainPositives: number[];
  valPositives: number[];
  prClasses: number[];
  seconds: number;
}

const round = (x: number) => Number(x.toPrecision(3));

/** How many arms of a comparison train at the same time. */
const ARMS_AT_ONCE = 2;

/** One row of `lrSearch`: a rate tried with the first seed and what it scored. */
const searchRow = (arm: Arm, lr: number, r: GridRun): ComparisonResult['lrSearch'][number] => ({
  arm: arm.label,
  lr,
  mAP: r.mAP,
  ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
});

/** Runs (or reads from the cache) a comparison; `log` prints progress. */
export async function runComparison(plan: ComparisonPlan, log: (line: string) => void = () => {}): Promise<ComparisonResult> {
  return cachedRun({ comparison: plan }, async () => {
    const started = Date.now();
    const splits = await loadDatasetRef(plan.data);
    const train = await datasetStatistics(splits.train);
    const val = await datasetStatistics(splits.val);
    const order = train.perClass.map((c, i) => ({ i, n: c.positives })).sort((a, b) => b.n - a.n).map((c) => c.i);
    const eligible = order.filter((i) => val.perClass[i].positives >= 10);
    const prClasses = plan.prCurves && eligible.length ? [eligible[0], eligible[Math.floor(eligible.length / 2)], eligible[eligible.length - 1]] : [];
    const [first, ...rest] = plan.seeds;
    const grid = (arm: Arm, lrs: number[], seeds: number[]) =>
      runGrid({ base: { ...plan.base, loss: arm.loss }, grid: { lr: lrs, seed: seeds } }, plan.data, { track: plan.track, threshold: plan.threshold, prClasses, log: (line) => log(`  ${plan.id} ${arm.label}:${line.replace(/^ */, ' ')}`) });
    const score = (r: GridRun) => {
      if ((plan.selectBy ?? 'mAP') === 'mAP') return r.mAP;
      if (r.accuracy === undefined) throw new Error(`${plan.id}: selectBy 'accuracy' needs single-label runs (task: 'single-label')`);
      return r.accuracy;
    };
    // Arms run two at a time (each grid on every core): a lone run of a grid extension or of the last
    // seeds would otherwise leave a core idle. When every arm has a fixed rate, nothing waits on a
    // search and all arms start at once, so no arm's last seed trains alone at the end. Results are
    // gathered in arm order.
    const allFixed = plan.arms.every((arm) => plan.lrFixed?.[arm.label] !== undefined);
    const perArm = await mapConcurrent(plan.arms, allFixed ? plan.arms.length : ARMS_AT_ONCE, async (arm) => {
      log(`${plan.id}: ${arm.label}`);
      const tried = new Map<number, ComparisonRun>();
      const tryRates = async (lrs: number[]) => {
        const fresh = lrs.map(round).filter((lr) => !tried.has(lr));
        if (!fresh.length) return;
        const out = await grid(arm, fresh, [first]);
        out.forEach((r, i) => tried.set(fresh[i], { ...r, arm: arm.label, lr: fresh[i], seed: first }));
      };
      const fixed = plan.lrFixed?.[arm.label];
      if (fixed !== undefined) {
        // No search: every seed at the fixed rate, in one grid (so they share the cores from the start).
        const lr = round(fixed);
        const out = await grid(arm, [lr], plan.seeds);
        const runs: ComparisonRun[] = out.map((r, i) => ({ ...r, arm: arm.label, lr, seed: plan.seeds[i] }));
        return { best: lr, interior: true, search: [searchRow(arm, lr, runs[0])], runs };
      }
      await tryRates(plan.lrGrid);
      for (let ext = 0; ext < (plan.maxExtensions ?? 3); ext++) {
        const rates = [...tried.keys()].sort((a, b) => a - b);
        const best = rates.reduce((a, b) => (score(tried.get(b)!) > score(tried.get(a)!) ? b : a));
        if (best === rates[rates.length - 1]) await tryRates([best * 2]);
        else if (best === rates[0]) await tryRates([best / 2]);
        else break;
      }
      const rates = [...tried.keys()].sort((a, b) => a - b);
      const best = rates.reduce((a, b) => (score(tried.get(b)!) > score(tried.get(a)!) ? b : a));
      const runs: ComparisonRun[] = [tried.get(best)!];
      if (rest.length) {
        const more = await grid(arm, [best], rest);
        more.forEach((r, i) => runs.push({ ...r, arm: arm.label, lr: best, seed: rest[i] }));
      }
      return {
        best,
        interior: best !== rates[0] && best !== rates[rates.length - 1],
        search: rates.map((lr) => searchRow(arm, lr, tried.get(lr)!)),
        runs,
      };
    });
    const runs: ComparisonRun[] = perArm.flatMap((a) => a.runs);
    const lrSearch: ComparisonResult['lrSearch'] = perArm.flatMap((a) => a.search);
    const chosenLr: Record<string, number> = Object.fromEntries(plan.arms.map((arm, i) => [arm.label, perArm[i].best]));
    const lrInterior: Record<string, boolean> = Object.fromEntries(plan.arms.map((arm, i) => [arm.label, perArm[i].interior]));
    return {
      plan,
      runs,
      lrSearch,
      chosenLr,
      lrInterior,
      classNames: [...splits.train.classNames],
      trainPositives: train.perClass.map((c) => c.positives),
      valPositives: val.perClass.map((c) => c.positives),
      prClasses,
      seconds: (Date.now() - started) / 1000,
    };
  });
}

/** The per-seed values of a metric for one arm, in seed order (for the verdict rule). */
export function perSeed(result: ComparisonResult, arm: string, metric: (r: ComparisonRun) => number = (r) => r.mAP): number[] {
  return result.plan.seeds.map((s) => {
    const run = result.runs.find((r) => r.arm === arm && r.seed === s);
    return run ? metric(run) : NaN;
  });
}

/**
 * The grid (spec and run index) in which `runComparison` trained an arm's run of `seed`: an arm with a
 * fixed rate runs every seed in one grid `{ lr: [rate], seed: seeds }`; a searched arm runs its first
 * seed in the initial grid of rates, or alone in an extension `{ lr: [rate], seed: [first] }`, and the
 * other seeds in `{ lr: [chosen], seed: rest }`. The book's analyses that reload a trained model
 * (missing labels' probe, single-label metrics) find its folder through this one function.
 */
export function comparisonRunGrid(plan: ComparisonPlan, arm: Arm, lr: number, seed: number): { spec: SweepSpec; index: number } {
  const fn = 'comparisonRunGrid';
  if (!plan.seeds.includes(seed)) fail(fn, 'seed', `${seed} is not a seed of the plan (${plan.seeds.join(', ')})`);
  const base = { ...plan.base, loss: arm.loss };
  const fixed = plan.lrFixed?.[arm.label];
  if (fixed !== undefined) return { spec: { base, grid: { lr: [round(fixed)], seed: plan.seeds } }, index: plan.seeds.indexOf(seed) };
  const [first, ...rest] = plan.seeds;
  if (seed !== first) return { spec: { base, grid: { lr: [lr], seed: rest } }, index: rest.indexOf(seed) };
  const initial = plan.lrGrid.map(round);
  const at = initial.indexOf(lr);
  return at >= 0 ? { spec: { base, grid: { lr: initial, seed: [first] } }, index: at } : { spec: { base, grid: { lr: [lr], seed: [first] } }, index: 0 };
}
