/**
 * Precision-recall curves per class, as plain arrays for plotting, in scikit-learn's
 * `precision_recall_curve` layout: one point per distinct score threshold (tied scores form one
 * step), thresholds ascending, precision and recall one longer than thresholds and ending with the
 * point (recall 0, precision 1). A class without positives gets recall 1 at every threshold (as
 * scikit-learn). The step-wise area under each curve is scikit-learn's AP (`ties: 'sklearn'`).
 */
import { fail } from '../core/errors';
import { describe } from '../core/validate';
import { checkOptionKeys, toMetricInputs, type MetricMatrix } from './matrix';
import { SortableColumn } from './sort';

/** One class's precision-recall curve. */
export interface PrecisionRecallCurve {
  /** Class name (default `class <index>`). */
  class: string;
  classIndex: number;
  /** Known positives of the class. */
  positives: number;
  /** Precision at each threshold (ascending thresholds), then 1. */
  precision: number[];
  /** Recall at each threshold (ascending thresholds), then 0. */
  recall: number[];
  /** The distinct scores, ascending: a sample is predicted positive when its score is ≥ the threshold. */
  thresholds: number[];
  /** Σ (R_n − R_{n−1}) P_n of this curve (scikit-learn's AP), a fraction. */
  averagePrecision: number;
}

/** Options of {@link precisionRecallCurves}. */
export interface PrecisionRecallCurveOptions {
  /** Class indices to compute (default: all). */
  classes?: readonly number[];
  /** Names of all K classes (default `class 0`, `class 1`, …). */
  classNames?: readonly string[];
  /** N×K 0/1 matrix of known labels; unknown cells are left out. */
  mask?: MetricMatrix;
}

/**
 * Precision-recall curves of the chosen classes (default all) of an N×K score matrix.
 * @example
 * precisionRecallCurves([[0.1], [0.4], [0.35], [0.8]], [[0], [0], [1], [1]])[0]
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurves(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve[] {
  const fn = 'precisionRecallCurves';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, 'options', `must be an object, got ${describe(options)}`);
  }
  checkOptionKeys(options, ['classes', 'classNames', 'mask'], fn);
  const inputs = toMetricInputs(scores, targets, options.mask, fn);
  const { rows, cols } = inputs.scores;
  const classes = options.classes ?? Array.from({ length: cols }, (_, c) => c);
  if (!Array.isArray(classes)) fail(fn, 'classes', `must be an array of class indices, got ${describe(classes)}`);
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= cols) {
      fail(fn, 'classes', `must hold integers in [0, ${cols - 1}], got ${JSON.stringify(c)}`);
    }
  }
  const names = options.classNames;
  if (names !== undefined && (!Array.isArray(names) || names.length !== cols)) {
    fail(fn, 'classNames', `must name all ${cols} classes, got ${describe(names)}`);
  }
  const col = new SortableColumn();
  return classes.map((c) => {
    col.load(inputs.scores.data, inputs.targets.data, inputs.mask?.data, rows, cols, c);
    col.sort();
    const n = col.n;
    const labels = col.labels;
    // Descending walk over tie groups: one curve point per distinct score.
    const tps: number[] = [];
    const fps: number[] = [];
    const thr: number[] = [];
    let tp = 0;
    let fp = 0;
    let i = n - 1;
    while (i >= 0) {
      const top = i;
      do {
        if (labels[i] === 1) tp++;
        else fp++;
        i--;
      } while (i >= 0 && col.sameScore(i, top));
      tps.push(tp);
      fps.push(fp);
      thr.push(col.scoreAt(top));
    }
    const precision: number[] = [];
    const recall: number[] = [];
    const thresholds: number[] = [];
    for (let q = tps.length - 1; q >= 0; q--) {
      precision.push(tps[q] / (tps[q] + fps[q]));
      recall.push(tp === 0 ? 1 : tps[q] / tp);
      thresholds.push(thr[q]);
    }
    precision.push(1);
    recall.push(0);
    let ap = 0;
    for (let q = 0; q + 1 < recall.length; q++) ap += (recall[q] - recall[q + 1]) * precision[q];
    return {
      class: names ? names[c] : `class ${c}`,
      classIndex: c,
      positives: tp,
      precision,
      recall,
      thresholds,
      averagePrecision: tp === 0 ? 0 : ap,
    };
  });
}
