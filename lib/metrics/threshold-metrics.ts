/**
 * Threshold metrics of multi-label papers: per-class (C) and overall (O) precision, recall and F1 —
 * CP, CR, CF1, OP, OR, OF1 — at a score threshold or among each sample's top-k labels.
 *
 * Per class c, with tp/fp/fn counted over the (known) labels:
 *   P_c = tp/(tp+fp), R_c = tp/(tp+fn), F1_c = 2·P_c·R_c/(P_c+R_c), all three set to 0 when tp_c = 0
 *   (the official ASL validate.py rule; it also covers classes without positives or predictions).
 *   CP = mean_c P_c, CR = mean_c R_c
 *   OP = Σtp/Σ(tp+fp), OR = Σtp/Σ(tp+fn), OF1 = 2·OP·OR/(OP+OR)   (0 when a denominator is 0)
 * "CF1" means two different things in the literature; both are returned, with distinct names:
 *   CF1 (alias CF1HarmonicOfMeans)
 *                       = 2·CP·CR/(CP+CR)   harmonic mean of CP and CR (ML-GCN and most papers' tables)
 *   CF1MeanOfClasses    = mean_c F1_c       mean of per-class F1 (the official ASL validate.py "CF1")
 * Summary numbers are in PERCENT (as papers print them); per-class values are fractions in [0, 1].
 *
 * Thresholding: a label is predicted when its probability is `> threshold` (default, as the official
 * validate.py and torchmetrics) or `>= threshold` (`comparison: '>='`, as ML-GCN and mmpretrain).
 * The comparison is made in FLOAT32, as the official code makes it: validate.py does
 * `torch.gt(output, args.thre)` on a float32 tensor, so PyTorch rounds the Python threshold to float32
 * before comparing. Both the threshold and each score are rounded to float32 (`Math.fround`) first:
 * a score of exactly float32(0.8) = 0.800000011920929 is NOT `> 0.8`, although it is greater than the
 * float64 number 0.8. (Scores from float32 tensors or Float32Arrays are unchanged by the rounding.)
 * Scores are probabilities by default and must lie in [0, 1]: anything else is rejected, since logits
 * passed as probabilities would be thresholded silently wrong. With `scoreType: 'logits'` the
 * probability σ(z) of the float32 logit is computed in float64, rounded to float32 and compared
 * (PyTorch's float32 sigmoid may differ from it by an ulp).
 * Top-k (`topK`): only each sample's k highest-scoring labels are eligible, ranked by their float32
 * scores (ties, including scores equal in float32, go to the lower class index) and, by default, they
 * must also pass the threshold (ML-GCN `overall_topk`).
 */
import { assertInRange, assertOneOf, describe } from '../core/validate';
import { fail } from '../core/errors';
import { checkOptionKeys, toMetricInputs, type BinaryMatrix, type DenseMatrix, type MetricInputs, type MetricMatrix } from './matrix';

/** What the scores are: probabilities in [0, 1] or logits (σ is applied before thresholding). */
export type ScoreType = 'probabilities' | 'logits';
/** How a probability is compared with the threshold. */
export type ThresholdComparison = '>' | '>=';

export const SCORE_TYPES: readonly ScoreType[] = ['probabilities', 'logits'];
export const THRESHOLD_COMPARISONS: readonly ThresholdComparison[] = ['>', '>='];

/** How scores become 0/1 predictions (shared by threshold and set metrics and the accumulator). */
export interface ThresholdOptions {
  /**
   * Probability threshold in [0, 1], compared in float32 (rounded with `Math.fround`, as `torch.gt` on
   * a float32 tensor does). Default 0.5 (the official validate.py uses `--thre 0.8`).
   */
  threshold?: number;
  /** `'>'` (default; official validate.py, torchmetrics) or `'>='` (ML-GCN, mmpretrain). */
  comparison?: ThresholdComparison;
  /**
   * `'probabilities'` (default: scores must be in [0, 1], anything else is an error) or `'logits'`
   * (any finite score; σ(z) is compared with the threshold).
   */
  scoreType?: ScoreType;
  /**
   * Predict only among each sample's `topK` highest scores (papers' "top-3" rows). Default: off
   * (every label is eligible).
   */
  topK?: number;
  /** With `topK`: the top-k labels must also pass the threshold (ML-GCN). Default true. */
  topKRequiresThreshold?: boolean;
  /** N×K 0/1 matrix of known labels; unknown (0) cells are not counted. Default: all known. */
  mask?: MetricMatrix;
}

export interface ResolvedThresholdOptions {
  threshold: number;
  comparison: ThresholdComparison;
  scoreType: ScoreType;
  topK: number | undefined;
  topKRequiresThreshold: boolean;
}

/** Defaults of {@link ThresholdOptions}. */
export const THRESHOLD_DEFAULTS: Readonly<ResolvedThresholdOptions> = Object.freeze({
  threshold: 0.5,
  comparison: '>',
  scoreType: 'probabilities',
  topK: undefined,
  topKRequiresThreshold: true,
});

/** Checks and completes threshold options. */
export function resolveThresholdOptions(options: unknown, fn: string): ResolvedThresholdOptions & { mask?: MetricMatrix } {
  if (options === undefined) return { ...THRESHOLD_DEFAULTS };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, 'options', `must be an object, got ${describe(options)}`);
  }
  checkOptionKeys(options, ['threshold', 'comparison', 'scoreType', 'topK', 'topKRequiresThreshold', 'mask'], fn);
  const o = options as ThresholdOptions;
  const topK = o.topK;
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    fail(fn, 'topK', `must be a positive integer, got ${JSON.stringify(topK)}`);
  }
  if (o.topKRequiresThreshold !== undefined && typeof o.topKRequiresThreshold !== 'boolean') {
    fail(fn, 'topKRequiresThreshold', `must be a boolean, got ${describe(o.topKRequiresThreshold)}`);
  }
  return {
    threshold: o.threshold === undefined ? THRESHOLD_DEFAULTS.threshold : assertInRange(o.threshold, { min: 0, max: 1 }, 'threshold', fn),
    comparison:
      o.comparison === undefined ? THRESHOLD_DEFAULTS.comparison : assertOneOf(o.comparison, THRESHOLD_COMPARISONS, 'comparison', fn),
    scoreType: o.scoreType === undefined ? THRESHOLD_DEFAULTS.scoreType : assertOneOf(o.scoreType, SCORE_TYPES, 'scoreType', fn),
    topK,
    topKRequiresThreshold: o.topKRequiresThreshold ?? true,
    mask: o.mask,
  };
}

/**
 * Rejects scores outside [0, 1] unless they are declared logits: logits passed as probabilities
 * would otherwise be thresholded (e.g. every positive logit "passes" 0.8) without any sign of error.
 */
export function _checkProbabilityScores(scores: DenseMatrix, rule: Pick<ResolvedThresholdOptions, 'scoreType'>, fn: string): void {
  if (rule.scoreType === 'logits') return;
  const d = scores.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v >= 0 && v <= 1) continue;
    fail(
      fn,
      'scores',
      `must be probabilities in [0, 1], found ${v} at row ${Math.floor(i / scores.cols)}, column ${i % scores.cols} ` +
        `(for logits pass scoreType: 'logits')`,
    );
  }
}

/** Converts and checks the inputs of a thresholded metric: {@link toMetricInputs}, then scores in [0, 1] unless logits. */
export function _toThresholdInputs(
  scores: unknown,
  targets: unknown,
  mask: unknown,
  rule: Pick<ResolvedThresholdOptions, 'scoreType'>,
  fn: string,
): MetricInputs {
  const inputs = toMetricInputs(scores, targets, mask, fn);
  _checkProbabilityScores(inputs.scores, rule, fn);
  return inputs;
}

/**
 * 0/1 predictions of an N×K score matrix under threshold options, compared in float32 like the
 * official `torch.gt(output, thre)`: the threshold and the scores (or σ of the logits) are rounded
 * to float32 before the comparison; top-k ranks the float32 scores.
 */
export function _predictLabels(scores: DenseMatrix, o: ResolvedThresholdOptions): Uint8Array {
  const { data, rows, cols } = scores;
  const out = new Uint8Array(data.length);
  const strict = o.comparison === '>';
  const logits = o.scoreType === 'logits';
  const thr = Math.fround(o.threshold);
  for (let j = 0; j < data.length; j++) {
    const s = Math.fround(data[j]);
    const p = logits ? Math.fround(1 / (1 + Math.exp(-s))) : s;
    out[j] = (strict ? p > thr : p >= thr) ? 1 : 0;
  }
  if (o.topK !== undefined && o.topK < cols) {
    const k = o.topK;
    // Per row, the k best classes in one pass: a small buffer sorted by descending score; a later
    // class enters only with a strictly higher score, so ties keep the lower class index.
    const bestClass = new Int32Array(k);
    const bestScore = new Float32Array(k);
    const keep = new Uint8Array(k);
    for (let i = 0; i < rows; i++) {
      const base = i * cols;
      let filled = 0;
      for (let c = 0; c < cols; c++) {
        const v = Math.fround(data[base + c]);
        if (filled === k && !(v > bestScore[k - 1])) continue;
        let q = filled < k ? filled++ : k - 1;
        while (q > 0 && v > bestScore[q - 1]) {
          bestScore[q] = bestScore[q - 1];
          bestClass[q] = bestClass[q - 1];
          q--;
        }
        bestScore[q] = v;
        bestClass[q] = c;
      }
      if (o.topKRequiresThreshold) {
        // Keep the thresholded prediction only for the top k.
        for (let q = 0; q < k; q++) keep[q] = out[base + bestClass[q]];
        out.fill(0, base, base + cols);
        for (let q = 0; q < k; q++) out[base + bestClass[q]] = keep[q];
      } else {
        out.fill(0, base, base + cols);
        for (let q = 0; q < k; q++) out[base + bestClass[q]] = 1;
      }
    }
  } else if (o.topK !== undefined && !o.topKRequiresThreshold) {
    out.fill(1); // k ≥ K: every label is in the top k
  }
  return out;
}

/** Per-class confusion counts over the known cells. */
export interface ClassConfusionCounts {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  tn: Float64Array;
}

/** Adds the confusion counts of predictions vs targets (row-major N×K) into `into` (or new counts). */
export function _confusionCounts(
  predictions: Uint8Array,
  targets: BinaryMatrix,
  mask: BinaryMatrix | undefined,
  into?: ClassConfusionCounts,
): ClassConfusionCounts {
  const k = targets.cols;
  const out = into ?? { tp: new Float64Array(k), fp: new Float64Array(k), fn: new Float64Array(k), tn: new Float64Array(k) };
  const t = targets.data;
  const m = mask?.data;
  for (let j = 0, c = 0; j < t.length; j++, c = c + 1 === k ? 0 : c + 1) {
    if (m !== undefined && m[j] === 0) continue;
    const p = predictions[j];
    if (t[j] === 1) {
      if (p === 1) out.tp[c]++;
      else out.fn[c]++;
    } else if (p === 1) out.fp[c]++;
    else out.tn[c]++;
  }
  return out;
}

/** CP, CR, CF1 (both conventions), OP, OR, OF1 and the per-class values at a threshold or top-k. */
export interface ThresholdMetrics {
  /** Mean per-class precision, percent. */
  CP: number;
  /** Mean per-class recall, percent. */
  CR: number;
  /** Harmonic mean of CP and CR, percent (ML-GCN and most papers). */
  CF1: number;
  /** The same number as `CF1`, under a name that says which CF1 it is. */
  CF1HarmonicOfMeans: number;
  /** Mean of per-class F1, percent (the official ASL validate.py "CF1"). */
  CF1MeanOfClasses: number;
  /** Overall precision Σtp/Σ(tp+fp), percent. */
  OP: number;
  /** Overall recall Σtp/Σ(tp+fn), percent. */
  OR: number;
  /** Harmonic mean of OP and OR, percent (= micro F1). */
  OF1: number;
  /** Per-class precision, recall and F1 as fractions (0 when tp = 0). */
  precision: number[];
  recall: number[];
  f1: number[];
  /** Per-class confusion counts over the known labels. */
  counts: { tp: number[]; fp: number[]; fn: number[]; tn: number[] };
  /** The rule that made the predictions. */
  rule: ResolvedThresholdOptions;
}

const harmonic = (a: number, b: number): number => (a + b === 0 ? 0 : (2 * a * b) / (a + b));

/** The metrics of {@link ThresholdMetrics} from per-class counts. */
export function _thresholdMetricsFromCounts(counts: ClassConfusionCounts, rule: ResolvedThresholdOptions): ThresholdMetrics {
  const k = counts.tp.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  let sumTp = 0;
  let sumFp = 0;
  let sumFn = 0;
  for (let c = 0; c < k; c++) {
    const tp = counts.tp[c];
    const p = tp === 0 ? 0 : tp / (tp + counts.fp[c]);
    const r = tp === 0 ? 0 : tp / (tp + counts.fn[c]);
    precision.push(p);
    recall.push(r);
    f1.push(tp === 0 ? 0 : harmonic(p, r));
    sumTp += tp;
    sumFp += counts.fp[c];
    sumFn += counts.fn[c];
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const CP = 100 * mean(precision);
  const CR = 100 * mean(recall);
  const OP = sumTp === 0 ? 0 : (100 * sumTp) / (sumTp + sumFp);
  const OR = sumTp === 0 ? 0 : (100 * sumTp) / (sumTp + sumFn);
  return {
    CP,
    CR,
    CF1: harmonic(CP, CR),
    CF1HarmonicOfMeans: harmonic(CP, CR),
    CF1MeanOfClasses: 100 * mean(f1),
    OP,
    OR,
    OF1: harmonic(OP, OR),
    precision,
    recall,
    f1,
    counts: { tp: Array.from(counts.tp), fp: Array.from(counts.fp), fn: Array.from(counts.fn), tn: Array.from(counts.tn) },
    rule: { ...rule },
  };
}

/** Threshold metrics of checked inputs. */
export function _thresholdMetricsCompute(inputs: MetricInputs, rule: ResolvedThresholdOptions): ThresholdMetrics {
  const predictions = _predictLabels(inputs.scores, rule);
  return _thresholdMetricsFromCounts(_confusionCounts(predictions, inputs.targets, inputs.mask), rule);
}

/**
 * CP, CR, CF1 (harmonic of CP and CR), CF1MeanOfClasses (mean of per-class F1), OP, OR, OF1 in
 * percent, plus per-class precision/recall/F1 (fractions) and counts. See the module comment.
 *
 * @param scores N×K probabilities in [0, 1] (or logits with `scoreType: 'logits'`); compared in float32.
 * @param targets N×K labels, exactly 0 or 1.
 * @param options threshold (default 0.5), comparison (default `'>'`), scoreType, topK, mask.
 * @example
 * thresholdMetrics([[0.9, 0.2], [0.6, 0.7]], [[1, 0], [0, 1]]) // CP 75, CR 100, CF1 85.71, OP 66.67, OR 100
 */
export function thresholdMetrics(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): ThresholdMetrics {
  const fn = 'thresholdMetrics';
  const o = resolveThresholdOptions(options, fn);
  return _thresholdMetricsCompute(_toThresholdInputs(scores, targets, o.mask, o, fn), o);
}

/**
 * The same metrics among each sample's top-k labels (papers' "top-3" rows): `thresholdMetrics` with
 * `topK: k`. By default the top-k labels must also pass the threshold, as ML-GCN's `overall_topk`.
 */
export function topKThresholdMetrics(
  scores: MetricMatrix,
  targets: MetricMatrix,
  k: number,
  options?: Omit<ThresholdOptions, 'topK'>,
): ThresholdMetrics {
  const fn = 'topKThresholdMetrics';
  if (!(Number.isInteger(k) && k >= 1)) fail(fn, 'k', `must be a positive integer, got ${JSON.stringify(k)}`);
  const o = resolveThresholdOptions({ ...(options ?? {}), topK: k }, fn);
  return _thresholdMetricsCompute(_toThresholdInputs(scores, targets, o.mask, o, fn), o);
}
