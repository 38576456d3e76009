/**
 * Chapter 8's analysis: single-label ASL (the official `ASLSingleLabel`) in closed form — its loss and
 * its gradient with respect to the logits, in float64 — and the top-1 accuracy and macro-F1 of the
 * single-label comparison's runs.
 *
 * The comparison (experiments/comparison.ts) records each run's mAP; for a single-label task the
 * trainer also evaluated top-1 accuracy and macro-F1 after every epoch (lib/train/evaluate.ts) and
 * chose the best epoch by accuracy. Those numbers live in each run folder's report.json;
 * {@link singleLabelRuns} finds the folder of every run of a comparison and reads them.
 *
 * The closed form, with ℓ = log softmax(z), p = e^ℓ, label y, C classes, smoothed targets
 * T'_y = 1 − ε + ε/C and T'_c = ε/C (c ≠ y):
 *
 *   L = −Σ_c T'_c g_c(ℓ_c),   g_y(ℓ) = (1 − e^ℓ)^γ+ · ℓ,   g_c(ℓ) = e^{γ−ℓ} · ℓ  (c ≠ y)
 *   ∂L/∂z_j = p_j · S − s_j,   s_c = T'_c g'_c(ℓ_c),   S = Σ_c s_c
 *   g'_y = (1 − p_y)^γ+ − γ+ p_y (1 − p_y)^{γ+ − 1} log p_y,   g'_c = p_c^γ− (1 + γ− log p_c)
 *
 * (∂ℓ_c/∂z_j = δ_cj − p_j.) Cross-entropy is s = T (S = 1), label smoothing s = T' (S = 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJson } from 'asl-workbook';
import { fail } from '../errors';
import { meanSd, type MeanSd } from './comparison-tables';
import { cachedRun } from '../run-cache';
import { comparisonRunGrid, type ComparisonResult, type ComparisonRun } from '../experiments/comparison';
import { gridRunDir } from '../experiments/grid';

/** The parameters of single-label ASL (official names; defaults γ+ = 0, γ− = 4, ε = 0.1). */
export interface SingleLabelParams {
  gammaPos?: number;
  gammaNeg?: number;
  /** Label smoothing ε. */
  eps?: number;
}

const resolve = (p: SingleLabelParams) => ({ gammaPos: p.gammaPos ?? 0, gammaNeg: p.gammaNeg ?? 4, eps: p.eps ?? 0.1 });

function checkSample(fn: string, values: readonly number[], label: number): void {
  if (!Array.isArray(values) || values.length < 2) fail(fn, 'logits', 'must hold at least two classes');
  if (!Number.isInteger(label) || label < 0 || label >= values.length) fail(fn, 'label', `must be a class index in [0, ${values.length - 1}], got ${label}`);
}

/** softmax(z) in float64 (shifted by the maximum). */
export function softmaxProbabilities(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The smoothed targets T' = T(1 − ε) + ε/C of one sample. */
export function smoothedTargets(classes: number, label: number, eps: number): number[] {
  return Array.from({ length: classes }, (_, c) => (c === label ? 1 - eps : 0) + eps / classes);
}

/**
 * The effective targets s_c = T'_c g'_c(ℓ_c) of one sample, from its probabilities: the gradient is
 * ∂L/∂z = p·Σs − s. For a wrong class s_c = (ε/C) p_c^γ− (1 + γ− log p_c).
 */
export function singleLabelEffectiveTargets(probabilities: readonly number[], label: number, params: SingleLabelParams = {}): number[] {
  checkSample('singleLabelEffectiveTargets', probabilities, label);
  const { gammaPos, gammaNeg, eps } = resolve(params);
  const t = smoothedTargets(probabilities.length, label, eps);
  return probabilities.map((p, c) => {
    if (t[c] === 0) return 0;
    const logP = Math.log(p);
    const g = c === label ? (gammaPos === 0 ? 1 : (1 - p) ** gammaPos - gammaPos * p * (1 - p) ** (gammaPos - 1) * logP) : gammaNeg === 0 ? 1 : p ** gammaNeg * (1 + gammaNeg * logP);
    return t[c] * g;
  });
}

/** ∂L/∂z of one sample in closed form (float64): p_j·S − s_j. */
export function singleLabelGradient(logits: readonly number[], label: number, params: SingleLabelParams = {}): number[] {
  checkSample('singleLabelGradient', logits, label);
  const p = softmaxProbabilities(logits);
  const s = singleLabelEffectiveTargets(p, label, params);
  const total = s.reduce((a, b) => a + b, 0);
  return p.map((pj, j) => pj * total - s[j]);
}

/** The loss of one sample (float64), as the official ASLSingleLabel. */
export function singleLabelLoss(logits: readonly number[], label: number, params: SingleLabelParams = {}): number {
  checkSample('singleLabelLoss', logits, label);
  const { gammaPos, gammaNeg, eps } = resolve(params);
  const p = softmaxProbabilities(logits);
  const t = smoothedTargets(logits.length, label, eps);
  return -p.reduce((sum, pc, c) => sum + t[c] * (c === label ? (1 - pc) ** gammaPos : pc ** gammaNeg) * Math.log(pc), 0);
}

/**
 * One sample of `classes` classes whose true class has probability p and whose wrong classes share
 * 1 − p equally, for each p of `pGrid`: the loss and the push on the true class, −∂L/∂z_y.
 */
export function trueClassCurve(pGrid: readonly number[], classes: number, params: SingleLabelParams = {}): { loss: number[]; push: number[] } {
  if (!Number.isInteger(classes) || classes < 2) fail('trueClassCurve', 'classes', `must be an integer ≥ 2, got ${classes}`);
  const loss: number[] = [];
  const push: number[] = [];
  for (const p of pGrid) {
    if (!(p > 0 && p < 1)) fail('trueClassCurve', 'pGrid', `must hold probabilities in (0, 1), got ${p}`);
    // z_y = log(p (C − 1) / (1 − p)), the others 0  ⇒  softmax_y = p
    const z = Array.from({ length: classes }, (_, c) => (c === 0 ? Math.log((p * (classes - 1)) / (1 - p)) : 0));
    loss.push(singleLabelLoss(z, 0, params));
    push.push(-singleLabelGradient(z, 0, params)[0]);
  }
  return { loss, push };
}

// ---------------------------------------------------------------------------------------------------
// The runs of a single-label comparison: accuracy and macro-F1.

/** One run of a single-label comparison, with the metrics of its best epoch (chosen by accuracy). Percent. */
export interface SingleLabelRun {
  arm: string;
  seed: number;
  lr: number;
  /** Best epoch (0-based). */
  bestEpoch: number;
  accuracy: number;
  macroF1: number;
  /** Validation mAP of the best checkpoint (what the comparison chose learning rates by). */
  mAP: number;
  /** Per epoch. */
  valAccuracy: number[];
  valMacroF1: number[];
  trainLoss: number[];
}

/**
 * The run folder of one run of a comparison: the run of its grid (`comparisonRunGrid`: the sweep
 * runComparison trained it in) whose recorded learning rate and seed are the run's.
 */
export function comparisonRunFolder(result: ComparisonResult, run: Pick<ComparisonRun, 'arm' | 'lr' | 'seed'>): string {
  const fn = 'comparisonRunFolder';
  const { plan } = result;
  const arm = plan.arms.find((a) => a.label === run.arm);
  if (!arm) return fail(fn, 'run', `arm '${run.arm}' is not in the comparison '${plan.id}'`);
  const { spec } = comparisonRunGrid(plan, arm, run.lr, run.seed);
  const dir = gridRunDir(spec, plan.data);
  if (!fs.existsSync(dir)) return fail(fn, 'run', `the sweep folder of ${run.arm} (lr ${run.lr}, seed ${run.seed}) is missing: ${dir} (was the book's run folder deleted?)`);
  for (const name of fs.readdirSync(dir).filter((n) => /^run-\d+$/.test(n)).sort()) {
    const file = path.join(dir, name, 'report.json');
    if (!fs.existsSync(file)) continue;
    const config = (JSON.parse(fs.readFileSync(file, 'utf8')) as { config?: { lr?: number; seed?: number } }).config;
    if (config?.lr === run.lr && config?.seed === run.seed) return path.join(dir, name);
  }
  return fail(fn, 'run', `no run with lr ${run.lr} and seed ${run.seed} in ${dir}`);
}

/** Reads one run folder's report: the metrics of its best epoch and its per-epoch history. */
export function readSingleLabelRun(folder: string, run: Pick<ComparisonRun, 'arm' | 'lr' | 'seed' | 'mAP'>): SingleLabelRun {
  const fn = 'readSingleLabelRun';
  const report = JSON.parse(fs.readFileSync(path.join(folder, 'report.json'), 'utf8')) as { history?: unknown[]; best?: { epoch: number; metric: string } };
  const history = historyFromJson(report.history);
  if (!report.best || report.best.metric !== 'accuracy') fail(fn, 'folder', `${folder} is not a single-label run (its best epoch was chosen by ${report.best?.metric ?? 'nothing'})`);
  const best = history[report.best!.epoch];
  if (!best) return fail(fn, 'folder', `${folder}: best epoch ${report.best!.epoch} is not in the history`);
  return {
    arm: run.arm,
    seed: run.seed,
    lr: run.lr,
    bestEpoch: report.best!.epoch,
    accuracy: best.valAccuracy,
    macroF1: best.valMacroF1,
    mAP: run.mAP,
    valAccuracy: history.map((h) => h.valAccuracy),
    valMacroF1: history.map((h) => h.valMacroF1),
    trainLoss: history.map((h) => h.trainLoss),
  };
}

/** Accuracy and macro-F1 of every run of a single-label comparison (cached with the comparison). */
export function singleLabelRuns(result: ComparisonResult): Promise<SingleLabelRun[]> {
  if (result.plan.base.task !== 'single-label') fail('singleLabelRuns', 'result', `comparison '${result.plan.id}' is not a single-label task`);
  return cachedRun({ singleLabelRuns: result.plan }, async () => result.runs.map((r) => readSingleLabelRun(comparisonRunFolder(result, r), r)));
}

/** The setting of a single-label comparison in one line: data sizes, model, recipe, seeds. */
export function singleLabelSettingText(result: ComparisonResult): string {
  const { plan } = result;
  const options: Record<string, unknown> = plan.data.kind === 'multifashion' ? (plan.data.options ?? {}) : {};
  const count = (key: string) => {
    const v = options[key];
    return typeof v === 'number' ? v.toLocaleString('en') : '?';
  };
  const model = plan.base.model?.pretrained ? 'a pretrained backbone' : `${plan.base.model?.zoo ?? 'the default model'} from scratch`;
  return (
    `Fashion-MNIST (10 classes, 28×28), ${count('trainSize')} training / ${count('valSize')} validation images, ${model}, ` +
    `${plan.base.optimizer?.name ?? 'adam'}, ${plan.base.schedule?.name ?? 'onecycle'} learning rate chosen per loss, batch ${plan.base.batchSize ?? 64}, ` +
    `${plan.base.epochs ?? 10} epochs, seeds ${plan.seeds.join(', ')}`
  );
}

/** One arm over its seeds (percent). */
export interface SingleLabelArmSummary {
  arm: string;
  lr: number;
  /** Per seed, in the comparison's seed order (NaN where a seed has no run). */
  accuracy: number[];
  macroF1: number[];
  accuracyStats: MeanSd;
  macroF1Stats: MeanSd;
}

/** Per-seed values, mean and standard deviation of accuracy and macro-F1 per arm, in `arms` order. */
export function summariseSingleLabel(runs: readonly SingleLabelRun[], arms: readonly string[], seeds: readonly number[]): SingleLabelArmSummary[] {
  return arms.map((arm) => {
    const mine = runs.filter((r) => r.arm === arm);
    if (!mine.length) fail('summariseSingleLabel', 'arms', `no run of '${arm}'`);
    const pick = (m: (r: SingleLabelRun) => number) =>
      seeds.map((s) => {
        const r = mine.find((x) => x.seed === s);
        return r ? m(r) : NaN;
      });
    const accuracy = pick((r) => r.accuracy);
    const macroF1 = pick((r) => r.macroF1);
    return { arm, lr: mine[0].lr, accuracy, macroF1, accuracyStats: meanSd(accuracy), macroF1Stats: meanSd(macroF1) };
  });
}
