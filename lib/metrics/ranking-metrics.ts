/**
 * Label-ranking metrics: how each SAMPLE ranks its labels (scikit-learn's conventions, which count
 * ties pessimistically). Rows are ranked independently; with a `mask` only a row's known labels take
 * part, and rows with no known label are left out of the mean.
 *
 * For a row with relevant (true) set T, irrelevant set F, scores s, and rank(j) = |{k : s_k ≥ s_j}|:
 *   label ranking average precision  LRAP = mean_{j∈T} |{k∈T : s_k ≥ s_j}| / rank(j)
 *                                    (a row with no true label or only true labels scores 1)
 *   coverage error                   max_{j∈T} rank(j)   (0 for a row with no true label)
 *   ranking loss                     |{(j,k) ∈ T×F : s_j ≤ s_k}| / (|T|·|F|)   (ties count as errors;
 *                                    0 for a row with no true or no false label)
 *   one-error                        1 if the top-scored label is not true (ties → lowest class index,
 *                                    as `argmax`), else 0
 * Each is averaged over rows (sklearn `label_ranking_average_precision_score`, `coverage_error`,
 * `label_ranking_loss`; one-error as in Zhang & Zhou's multi-label survey). Scores may be
 * probabilities or logits: only the order within a row matters.
 */
import { fail } from '../core/errors';
import { describe } from '../core/validate';
import { checkOptionKeys, toMetricInputs, type MetricInputs, type MetricMatrix } from './matrix';

/** Options of the ranking metrics. */
export interface RankingMetricOptions {
  /** N×K 0/1 matrix of known labels; unknown labels take no part in a row's ranking. */
  mask?: MetricMatrix;
}

/** All four ranking metrics at once (one sort per row). */
export interface RankingMetrics {
  labelRankingAveragePrecision: number;
  coverageError: number;
  rankingLoss: number;
  oneError: number;
  /** Rows that took part (rows with at least one known label). */
  rows: number;
}

function checkOptions(options: unknown, fn: string): MetricMatrix | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, 'options', `must be an object, got ${describe(options)}`);
  }
  checkOptionKeys(options, ['mask'], fn);
  return (options as RankingMetricOptions).mask;
}

/**
 * The four ranking metrics of checked inputs. Per row: the known scores and the true labels'
 * scores are sorted (native typed-array sorts, no comparator); walking the true scores from the
 * highest down with a pointer into all scores gives |{k : s_k ≥ s_j}| and |{k ∈ T : s_k ≥ s_j}|.
 */
export function _rankingMetricsCompute(inputs: MetricInputs): RankingMetrics {
  const { scores, targets, mask } = inputs;
  const { rows, cols } = scores;
  const s = scores.data;
  const t = targets.data;
  const m = mask?.data;
  const all = new Float64Array(cols);
  const pos = new Float64Array(cols);
  let lrap = 0;
  let coverage = 0;
  let loss = 0;
  let oneError = 0;
  let counted = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let n = 0;
    let nTrue = 0;
    let top = -1;
    for (let c = 0; c < cols; c++) {
      const j = base + c;
      if (m !== undefined && m[j] === 0) continue;
      const v = s[j];
      all[n++] = v;
      if (t[j] === 1) pos[nTrue++] = v;
      if (top < 0 || v > s[top]) top = j;
    }
    if (n === 0) continue;
    counted++;
    oneError += t[top] === 1 ? 0 : 1;
    const nFalse = n - nTrue;
    if (nTrue === 0) {
      lrap += 1;
      continue;
    }
    const allSorted = all.subarray(0, n).sort();
    const posSorted = pos.subarray(0, nTrue).sort();
    // Descending walk over the true scores; `ge` = number of all scores ≥ the current one.
    let ge = 0;
    let rowPrecision = 0;
    let rowPairs = 0;
    let q = nTrue - 1;
    let lowestRank = 0;
    while (q >= 0) {
      const v = posSorted[q];
      let group = 0;
      while (q >= 0 && posSorted[q] === v) {
        group++;
        q--;
      }
      const trueGe = nTrue - 1 - q; // true scores ≥ v
      // all scores ≥ v: move the pointer down past every score ≥ v
      let lo = n - ge;
      while (lo > 0 && allSorted[lo - 1] >= v) lo--;
      ge = n - lo;
      rowPrecision += (group * trueGe) / ge;
      rowPairs += group * (ge - trueGe);
      lowestRank = ge;
    }
    lrap += nFalse === 0 ? 1 : rowPrecision / nTrue;
    coverage += lowestRank;
    if (nFalse > 0) loss += rowPairs / (nTrue * nFalse);
  }
  const d = counted === 0 ? NaN : counted;
  return {
    labelRankingAveragePrecision: lrap / d,
    coverageError: coverage / d,
    rankingLoss: loss / d,
    oneError: oneError / d,
    rows: counted,
  };
}

/** LRAP, coverage error, ranking loss and one-error in one pass (see the module comment). */
export function rankingMetrics(scores: MetricMatrix, targets: MetricMatrix, options?: RankingMetricOptions): RankingMetrics {
  const fn = 'rankingMetrics';
  return _rankingMetricsCompute(toMetricInputs(scores, targets, checkOptions(options, fn), fn));
}

/**
 * Label ranking average precision (scikit-learn `label_ranking_average_precision_score`), in [0, 1].
 * @example
 * labelRankingAveragePrecision([[0.75, 0.5, 1], [1, 0.2, 0.1]], [[1, 0, 0], [0, 0, 1]]) // 0.41666…
 */
export function labelRankingAveragePrecision(scores: MetricMatrix, targets: MetricMatrix, options?: RankingMetricOptions): number {
  const fn = 'labelRankingAveragePrecision';
  return _rankingMetricsCompute(toMetricInputs(scores, targets, checkOptions(options, fn), fn)).labelRankingAveragePrecision;
}

/**
 * Coverage error (scikit-learn `coverage_error`): mean rank of each row's lowest-scored true label.
 * @example
 * coverageError([[0.75, 0.5, 1], [1, 0.2, 0.1]], [[1, 0, 0], [0, 0, 1]]) // 2.5
 */
export function coverageError(scores: MetricMatrix, targets: MetricMatrix, options?: RankingMetricOptions): number {
  const fn = 'coverageError';
  return _rankingMetricsCompute(toMetricInputs(scores, targets, checkOptions(options, fn), fn)).coverageError;
}

/**
 * Ranking loss (scikit-learn `label_ranking_loss`): mean fraction of (true, false) label pairs
 * ordered wrongly, ties counting as wrong.
 * @example
 * rankingLoss([[0.75, 0.5, 1], [1, 0.2, 0.1]], [[1, 0, 0], [0, 0, 1]]) // 0.75
 */
export function rankingLoss(scores: MetricMatrix, targets: MetricMatrix, options?: RankingMetricOptions): number {
  const fn = 'rankingLoss';
  return _rankingMetricsCompute(toMetricInputs(scores, targets, checkOptions(options, fn), fn)).rankingLoss;
}

/**
 * One-error: the fraction of samples whose top-scored label is not a true label.
 * @example
 * oneError([[0.75, 0.5, 1], [1, 0.2, 0.1]], [[1, 0, 0], [0, 0, 1]]) // 1
 */
export function oneError(scores: MetricMatrix, targets: MetricMatrix, options?: RankingMetricOptions): number {
  const fn = 'oneError';
  return _rankingMetricsCompute(toMetricInputs(scores, targets, checkOptions(options, fn), fn)).oneError;
}
