/**
 * Set metrics of thresholded predictions (scikit-learn's conventions), all fractions in [0, 1]:
 *   Hamming loss     wrong cells / known cells                       (sklearn `hamming_loss`)
 *   subset accuracy  rows whose known cells are all right / rows     (sklearn `accuracy_score`)
 *   micro F1         2Σtp / (2Σtp + Σfp + Σfn)                       (= OF1 / 100)
 *   macro F1         mean_c 2tp_c / (2tp_c + fp_c + fn_c), 0 when the denominator is 0
 *                    (sklearn `f1_score(average='macro')` with its default zero_division)
 * Macro F1 is NOT the harmonic-mean CF1 of ML-GCN-style papers; it equals the official ASL
 * validate.py CF1 (`CF1MeanOfClasses` / 100): both give a class with tp = 0 an F1 of 0, and
 * 2PR/(P+R) = 2tp/(2tp+fp+fn) otherwise. Micro F1 equals OF1 / 100.
 *
 * Predictions come from scores through the same {@link ThresholdOptions} as the threshold metrics
 * (default: probability > 0.5, compared in float32; scores outside [0, 1] need `scoreType: 'logits'`).
 * To score ready-made 0/1 predictions, pass them as the scores: with
 * the defaults 1 > 0.5 and 0 ≤ 0.5.
 */
import type { MetricInputs, MetricMatrix } from './matrix';
import {
  _confusionCounts,
  _predictLabels,
  _toThresholdInputs,
  resolveThresholdOptions,
  type ResolvedThresholdOptions,
  type ThresholdOptions,
} from './threshold-metrics';

/** The four set metrics. */
export interface SetMetrics {
  hammingLoss: number;
  subsetAccuracy: number;
  microF1: number;
  macroF1: number;
}

/** Set metrics of checked inputs. */
export function _setMetricsCompute(inputs: MetricInputs, rule: ResolvedThresholdOptions): SetMetrics {
  const { targets, mask } = inputs;
  const { rows, cols } = targets;
  const pred = _predictLabels(inputs.scores, rule);
  const t = targets.data;
  const m = mask?.data;
  let wrong = 0;
  let known = 0;
  let exact = 0;
  let rowsCounted = 0;
  for (let i = 0; i < rows; i++) {
    let rowWrong = 0;
    let rowKnown = 0;
    for (let j = i * cols, end = j + cols; j < end; j++) {
      if (m !== undefined && m[j] === 0) continue;
      rowKnown++;
      if (pred[j] !== t[j]) rowWrong++;
    }
    wrong += rowWrong;
    known += rowKnown;
    if (rowKnown > 0) {
      rowsCounted++;
      if (rowWrong === 0) exact++;
    }
  }
  const counts = _confusionCounts(pred, targets, mask);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let macro = 0;
  for (let c = 0; c < cols; c++) {
    tp += counts.tp[c];
    fp += counts.fp[c];
    fn += counts.fn[c];
    const d = 2 * counts.tp[c] + counts.fp[c] + counts.fn[c];
    macro += d === 0 ? 0 : (2 * counts.tp[c]) / d;
  }
  const microDen = 2 * tp + fp + fn;
  return {
    hammingLoss: known === 0 ? NaN : wrong / known,
    subsetAccuracy: rowsCounted === 0 ? NaN : exact / rowsCounted,
    microF1: microDen === 0 ? 0 : (2 * tp) / microDen,
    macroF1: macro / cols,
  };
}

function run(scores: MetricMatrix, targets: MetricMatrix, options: ThresholdOptions | undefined, fn: string): SetMetrics {
  const o = resolveThresholdOptions(options, fn);
  return _setMetricsCompute(_toThresholdInputs(scores, targets, o.mask, o, fn), o);
}

/** Hamming loss, subset accuracy, micro F1 and macro F1 at once (see the module comment). */
export function setMetrics(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): SetMetrics {
  return run(scores, targets, options, 'setMetrics');
}

/**
 * Hamming loss: the fraction of (known) label cells predicted wrongly.
 * @example
 * hammingLoss([[0.9, 0.6], [0.2, 0.1]], [[1, 0], [0, 0]]) // 0.25
 */
export function hammingLoss(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): number {
  return run(scores, targets, options, 'hammingLoss').hammingLoss;
}

/**
 * Subset accuracy (exact match): the fraction of samples whose predicted label set equals the true one.
 * @example
 * subsetAccuracy([[0.9, 0.6], [0.2, 0.1]], [[1, 0], [0, 0]]) // 0.5
 */
export function subsetAccuracy(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): number {
  return run(scores, targets, options, 'subsetAccuracy').subsetAccuracy;
}

/** Micro-averaged F1 over all (known) cells, a fraction (= OF1 / 100). */
export function microF1(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): number {
  return run(scores, targets, options, 'microF1').microF1;
}

/** Macro-averaged F1 (mean of per-class F1, 0 for a class with tp + fp + fn = 0), a fraction. */
export function macroF1(scores: MetricMatrix, targets: MetricMatrix, options?: ThresholdOptions): number {
  return run(scores, targets, options, 'macroF1').macroF1;
}
