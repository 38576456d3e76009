/**
 * Average precision (AP) per class and mean average precision (mAP), in the exact conventions of
 * the official ASL code, scikit-learn and torchmetrics.
 *
 * For one class, with samples sorted by descending score, P positives and prec@i the precision
 * among the first i samples:
 *
 *   official (ASL `helper_functions.average_precision`, also ML-GCN, mmpretrain):
 *     AP = Σ_{ranks i holding a positive} prec@i / (P + 1e-8)
 *     Equal scores are NOT merged: they are ordered as numpy's stable `argsort()[::-1]` orders them,
 *     i.e. later-indexed samples first. The 1e-8 is kept, so a perfect ranking gives 0.99999999
 *     and a class without positives gives 0/(0 + 1e-8) = 0.
 *   sklearn (`average_precision_score`):
 *     AP = Σ_n (R_n − R_{n−1}) · P_n over the DISTINCT score thresholds, so tied scores form one step
 *     (precision taken after the whole tie group); no epsilon; a class without positives gives 0.
 *
 * Without ties both give the same number (up to the 1e-8). With ties (fp16 or rounded scores) they
 * differ by whole mAP points (landscape.md §3.1). Classes without positives count as AP 0 in the
 * official code and scikit-learn (`emptyClasses: 'zero'`) and are dropped from the mean by
 * torchmetrics (`emptyClasses: 'skip'`, AP NaN).
 *
 * Speed: per class, only the positives are sorted and each negative is placed among them
 * (`ap-kernel.ts`), one pass over the samples; scores that need 64-bit keys (float64 values that
 * are not float32 numbers) take a full radix sort of the column (`sort.ts`). Both are exact.
 */
import { assertOneOf } from '../core/validate';
import { fail } from '../core/errors';
import { describe } from '../core/validate';
import { checkOptionKeys, toMetricInputs, type MetricInputs, type MetricMatrix } from './matrix';
import { ApWorkspace, OFFICIAL_AP_EPSILON, narrowAveragePrecision } from './ap-kernel';
import { SortableColumn, toColumnMajor } from './sort';

/** How tied scores are ranked: see the module comment. */
export type ApTieConvention = 'official' | 'sklearn';
/** What a class without (known) positives contributes: AP 0 counted in the mean, or skipped (NaN). */
export type ApEmptyClassPolicy = 'zero' | 'skip';
/** How per-class APs become one number: see {@link MeanAveragePrecisionOptions.average}. */
export type ApAverage = 'macro' | 'micro' | 'weighted' | 'none';

export const AP_TIE_CONVENTIONS: readonly ApTieConvention[] = ['official', 'sklearn'];
export const AP_EMPTY_CLASS_POLICIES: readonly ApEmptyClassPolicy[] = ['zero', 'skip'];
export const AP_AVERAGES: readonly ApAverage[] = ['macro', 'micro', 'weighted', 'none'];

export { OFFICIAL_AP_EPSILON };

/** Options of {@link averagePrecisionPerClass}. */
export interface AveragePrecisionOptions {
  /**
   * `'official'` (default): the ASL repo's ranking, later-indexed samples first among equal scores,
   * precision at each positive's rank, denominator P + 1e-8. `'sklearn'`: tied scores form one step
   * (scikit-learn's `average_precision_score`), denominator P.
   */
  ties?: ApTieConvention;
  /**
   * A class with no positives (among its known labels): `'zero'` (default; official and
   * scikit-learn) counts it as AP 0; `'skip'` (torchmetrics) gives NaN and drops it from averages.
   */
  emptyClasses?: ApEmptyClassPolicy;
  /**
   * N×K 0/1 matrix of known labels (partially labelled data): cells with 0 are left out, as if the
   * sample were absent for that class. Default: all labels known.
   */
  mask?: MetricMatrix;
}

/** Options of {@link meanAveragePrecision}. */
export interface MeanAveragePrecisionOptions extends AveragePrecisionOptions {
  /**
   * `'macro'` (default; the "mAP" of multi-label papers and of the official code): unweighted mean of
   * the per-class APs. `'weighted'`: mean weighted by each class's positive count. `'micro'`: one AP
   * over all (known) cells flattened row-major into a single binary problem (in `'official'` mode
   * ties are ordered by that flat index). `'none'`: the per-class vector.
   */
  average?: ApAverage;
}

/** Defaults of the AP functions (the official ASL convention). */
export const AP_DEFAULTS: Readonly<Required<Omit<MeanAveragePrecisionOptions, 'mask'>>> = Object.freeze({
  ties: 'official',
  emptyClasses: 'zero',
  average: 'macro',
});

/** Checks and completes AP options (exported for the accumulator). */
export function resolveApOptions(options: unknown, fn: string): Required<Omit<MeanAveragePrecisionOptions, 'mask'>> & { mask?: MetricMatrix } {
  if (options === undefined) return { ...AP_DEFAULTS };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, 'options', `must be an object, got ${describe(options)}`);
  }
  checkOptionKeys(options, ['ties', 'emptyClasses', 'average', 'mask'], fn);
  const o = options as MeanAveragePrecisionOptions;
  return {
    ties: o.ties === undefined ? AP_DEFAULTS.ties : assertOneOf(o.ties, AP_TIE_CONVENTIONS, 'ties', fn),
    emptyClasses:
      o.emptyClasses === undefined
        ? AP_DEFAULTS.emptyClasses
        : assertOneOf(o.emptyClasses, AP_EMPTY_CLASS_POLICIES, 'emptyClasses', fn),
    average: o.average === undefined ? AP_DEFAULTS.average : assertOneOf(o.average, AP_AVERAGES, 'average', fn),
    mask: o.mask,
  };
}

/**
 * AP (a fraction; 0 when there is no positive) of the column loaded in `col`. With a workspace
 * and 32-bit keys it uses {@link narrowAveragePrecision} (sorts only the positives); otherwise it
 * radix-sorts the whole column and walks it — the reference formulation, also used in tests.
 */
export function _binaryAveragePrecision(
  col: SortableColumn,
  ties: ApTieConvention,
  ws?: ApWorkspace,
): { ap: number; positives: number } {
  const n = col.n;
  if (n === 0) return { ap: 0, positives: 0 };
  // 32-bit keys: place the negatives among the sorted positives (no full sort).
  if (ws !== undefined && !col.wide) return narrowAveragePrecision(col.lo, col.labels, n, ties === 'official', ws);
  col.sort();
  const labels = col.labels;
  let tp = 0;
  let sum = 0;
  if (ties === 'official') {
    // Walk the ascending order backwards: rank r = 1..n, later indices first among ties.
    for (let r = 1; r <= n; r++) {
      if (labels[n - r] === 1) {
        tp++;
        sum += tp / r;
      }
    }
    return { ap: sum / (tp + OFFICIAL_AP_EPSILON), positives: tp };
  }
  // sklearn: one step per distinct score; precision after the whole tie group.
  let i = n - 1;
  while (i >= 0) {
    const top = i;
    let p = 0;
    do {
      p += labels[i];
      i--;
    } while (i >= 0 && col.sameScore(i, top));
    tp += p;
    if (p > 0) sum += p * (tp / (n - 1 - i));
  }
  return { ap: tp === 0 ? 0 : sum / tp, positives: tp };
}

/** Per-class AP (fractions, NaN for skipped classes) and positive counts of checked inputs. */
export function _multilabelAveragePrecisionCompute(
  inputs: MetricInputs,
  ties: ApTieConvention,
  emptyClasses: ApEmptyClassPolicy,
): { ap: Float64Array; positives: Float64Array } {
  const { scores, targets, mask } = inputs;
  const { rows: n, cols: k } = scores;
  const ap = new Float64Array(k);
  const positives = new Float64Array(k);
  const col = new SortableColumn();
  col.ensure(n);
  const ws = new ApWorkspace();
  // One cache-blocked transpose, then every column is read contiguously.
  const s = k === 1 ? scores.data : toColumnMajor(scores.data, n, k);
  const t = k === 1 ? targets.data : toColumnMajor(targets.data, n, k);
  const m = mask === undefined ? undefined : k === 1 ? mask.data : toColumnMajor(mask.data, n, k);
  for (let c = 0; c < k; c++) {
    col.loadStrided(s, t, m, c * n, 1, n);
    const r = _binaryAveragePrecision(col, ties, ws);
    positives[c] = r.positives;
    ap[c] = r.positives === 0 && emptyClasses === 'skip' ? NaN : r.ap;
  }
  return { ap, positives };
}

/** Micro AP: all known cells, flattened row-major, as one binary problem (fraction; NaN if skipped). */
export function _microAveragePrecisionCompute(
  inputs: MetricInputs,
  ties: ApTieConvention,
  emptyClasses: ApEmptyClassPolicy,
): number {
  const { scores, targets, mask } = inputs;
  const col = new SortableColumn();
  col.loadStrided(scores.data, targets.data, mask?.data, 0, 1, scores.data.length);
  const r = _binaryAveragePrecision(col, ties, new ApWorkspace());
  return r.positives === 0 && emptyClasses === 'skip' ? NaN : r.ap;
}

/** Reduces per-class APs (fractions) by `macro` or `weighted` averaging; NaN entries are skipped. */
export function _reduceAveragePrecision(ap: ArrayLike<number>, positives: ArrayLike<number>, average: 'macro' | 'weighted'): number {
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < ap.length; c++) {
    if (Number.isNaN(ap[c])) continue;
    const w = average === 'macro' ? 1 : positives[c];
    sum += w * ap[c];
    weight += w;
  }
  if (weight === 0) {
    // No class left (all skipped → NaN), or weighted with no positive anywhere (scikit-learn returns 0).
    return average === 'weighted' && ap.length > 0 && !Array.prototype.some.call(ap, Number.isNaN) ? 0 : NaN;
  }
  return sum / weight;
}

/**
 * Average precision of each class (column) of an N×K score matrix, as fractions in [0, 1]
 * (NaN for a class skipped by `emptyClasses: 'skip'`). See the module comment for the conventions.
 *
 * @param scores N×K scores (probabilities or logits: AP depends only on the order), rows = samples.
 * @param targets N×K labels, exactly 0 or 1.
 * @param options `ties` (default `'official'`), `emptyClasses` (default `'zero'`), `mask`.
 * @example
 * averagePrecisionPerClass([[0.9], [0.8], [0.7], [0.6]], [[1], [0], [1], [0]]) // [0.8333333]: (1/1 + 2/3)/2
 */
export function averagePrecisionPerClass(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options?: AveragePrecisionOptions,
): number[] {
  const fn = 'averagePrecisionPerClass';
  const o = resolveApOptions(options, fn);
  const inputs = toMetricInputs(scores, targets, o.mask, fn);
  return Array.from(_multilabelAveragePrecisionCompute(inputs, o.ties, o.emptyClasses).ap);
}

/**
 * Mean average precision in PERCENT (0–100), as papers report it and as the official `mAP()` returns
 * it: `100 · mean_k AP_k` by default (`average: 'macro'`, `ties: 'official'`, `emptyClasses: 'zero'`),
 * so a perfect ranking gives 99.999999 in the official convention. With `average: 'none'` returns
 * the per-class APs in percent.
 *
 * @param scores N×K scores (probabilities or logits), rows = samples.
 * @param targets N×K labels, exactly 0 or 1.
 * @param options see {@link MeanAveragePrecisionOptions}.
 * @example
 * meanAveragePrecision([[0.9, 0.1], [0.8, 0.9]], [[1, 0], [0, 1]]) // 99.999999 (both classes perfect)
 */
export function meanAveragePrecision(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options?: MeanAveragePrecisionOptions & { average?: 'macro' | 'micro' | 'weighted' },
): number;
export function meanAveragePrecision(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options: MeanAveragePrecisionOptions & { average: 'none' },
): number[];
export function meanAveragePrecision(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options?: MeanAveragePrecisionOptions,
): number | number[];
export function meanAveragePrecision(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options?: MeanAveragePrecisionOptions,
): number | number[] {
  const fn = 'meanAveragePrecision';
  const o = resolveApOptions(options, fn);
  const inputs = toMetricInputs(scores, targets, o.mask, fn);
  if (o.average === 'micro') return 100 * _microAveragePrecisionCompute(inputs, o.ties, o.emptyClasses);
  const { ap, positives } = _multilabelAveragePrecisionCompute(inputs, o.ties, o.emptyClasses);
  if (o.average === 'none') return Array.from(ap, (v) => 100 * v);
  return 100 * _reduceAveragePrecision(ap, positives, o.average);
}
