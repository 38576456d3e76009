/**
 * One evaluation, all the numbers a multi-label paper reports: mAP, CP/CR/CF1/OP/OR/OF1 at a
 * threshold (and optionally at top-k), and the per-class table — with the conventions used written
 * on the result, so numbers are never compared across conventions by accident.
 */
import { fail } from '../core/errors';
import { describe } from '../core/validate';
import { JUPYTER_DISPLAY, escapeHtml, tableHtml, tableText, type MimeBundle } from '../core/rich';
import {
  _multilabelAveragePrecisionCompute,
  _reduceAveragePrecision,
  resolveApOptions,
  type ApEmptyClassPolicy,
  type ApTieConvention,
} from './average-precision';
import { checkOptionKeys, type MetricInputs, type MetricMatrix } from './matrix';
import { PerClassMetricsTable, defaultClassNames } from './per-class-table';
import {
  _confusionCounts,
  _predictLabels,
  _thresholdMetricsFromCounts,
  _toThresholdInputs,
  resolveThresholdOptions,
  type ClassConfusionCounts,
  type ResolvedThresholdOptions,
  type ThresholdMetrics,
  type ThresholdOptions,
} from './threshold-metrics';

/** Options of {@link multiLabelReport} and {@link MultiLabelMetricAccumulator}. */
export interface MultiLabelReportOptions extends Omit<ThresholdOptions, 'topK' | 'mask'> {
  /** AP tie convention (default `'official'`); see `meanAveragePrecision`. */
  ties?: ApTieConvention;
  /** Classes without positives: `'zero'` (default) or `'skip'`; see `meanAveragePrecision`. */
  emptyClasses?: ApEmptyClassPolicy;
  /** Also compute the threshold metrics among each sample's top-k labels (papers' top-3 rows). Default: off. */
  topK?: number;
  /** Names of the K classes, for the per-class table. Default `class 0`, `class 1`, … */
  classNames?: readonly string[];
}

/** The resolved conventions a report was computed with. */
export interface MultiLabelReportConventions {
  ties: ApTieConvention;
  emptyClasses: ApEmptyClassPolicy;
  threshold: number;
  comparison: '>' | '>=';
  scoreType: 'probabilities' | 'logits';
  topK: number | undefined;
}

/** The result of an evaluation. Summary numbers in percent, per-class numbers as fractions. */
export class MultiLabelReport {
  /** Number of samples evaluated. */
  readonly samples: number;
  /** Number of classes. */
  readonly classes: number;
  /** Macro mAP in percent (`NaN` when AP was not computed or every class was skipped). */
  readonly mAP: number;
  /** Per-class AP, fractions (NaN for skipped classes; empty when AP was not computed). */
  readonly averagePrecision: number[];
  /** Known positive labels per class. */
  readonly positives: number[];
  readonly CP: number;
  readonly CR: number;
  /** Harmonic mean of CP and CR (ML-GCN convention), percent. */
  readonly CF1: number;
  /** The same number as `CF1`, under a name that says which CF1 it is. */
  readonly CF1HarmonicOfMeans: number;
  /** Mean of per-class F1 (official ASL validate.py convention), percent. */
  readonly CF1MeanOfClasses: number;
  readonly OP: number;
  readonly OR: number;
  readonly OF1: number;
  /** Everything at the threshold (per-class P/R/F1 and counts). */
  readonly atThreshold: ThresholdMetrics;
  /** The same among each sample's top-k labels, when `topK` was given. */
  readonly atTopK: ThresholdMetrics | undefined;
  /** Per-class table: class, positives, AP, precision, recall, F1. */
  readonly perClass: PerClassMetricsTable;
  readonly classNames: readonly string[];
  readonly conventions: MultiLabelReportConventions;

  constructor(parts: {
    samples: number;
    classNames: readonly string[];
    averagePrecision: number[] | undefined;
    positives: number[];
    atThreshold: ThresholdMetrics;
    atTopK: ThresholdMetrics | undefined;
    conventions: MultiLabelReportConventions;
  }) {
    this.samples = parts.samples;
    this.classes = parts.classNames.length;
    this.classNames = parts.classNames;
    this.averagePrecision = parts.averagePrecision ?? [];
    this.positives = parts.positives;
    this.mAP = parts.averagePrecision ? 100 * _reduceAveragePrecision(parts.averagePrecision, parts.positives, 'macro') : NaN;
    const t = parts.atThreshold;
    this.atThreshold = t;
    this.atTopK = parts.atTopK;
    this.CP = t.CP;
    this.CR = t.CR;
    this.CF1 = t.CF1;
    this.CF1HarmonicOfMeans = t.CF1;
    this.CF1MeanOfClasses = t.CF1MeanOfClasses;
    this.OP = t.OP;
    this.OR = t.OR;
    this.OF1 = t.OF1;
    this.conventions = parts.conventions;
    this.perClass = new PerClassMetricsTable(
      parts.classNames.map((name, c) => ({
        class: name,
        positives: parts.positives[c],
        AP: parts.averagePrecision ? parts.averagePrecision[c] : NaN,
        precision: t.precision[c],
        recall: t.recall[c],
        F1: t.f1[c],
      })),
      `Per-class metrics (fractions; P/R/F1 at ${this.ruleText()})`,
    );
  }

  private ruleText(): string {
    const c = this.conventions;
    return `${c.scoreType === 'logits' ? 'σ(logit)' : 'probability'} ${c.comparison} ${c.threshold}`;
  }

  /** The summary as `{ metric, value, convention }` rows. */
  summaryRows(): Array<{ metric: string; value: number; convention: string }> {
    const c = this.conventions;
    const ap = `ties '${c.ties}', empty classes '${c.emptyClasses}'${c.ties === 'official' ? ', denominator P + 1e-8' : ''}`;
    const rule = this.ruleText();
    const rows = [
      { metric: 'mAP (%)', value: this.mAP, convention: `macro over ${this.classes} classes; ${ap}` },
      { metric: 'CP (%)', value: this.CP, convention: `mean per-class precision at ${rule}` },
      { metric: 'CR (%)', value: this.CR, convention: `mean per-class recall at ${rule}` },
      { metric: 'CF1 (%)', value: this.CF1, convention: 'harmonic mean of CP and CR (ML-GCN)' },
      { metric: 'CF1 mean of classes (%)', value: this.CF1MeanOfClasses, convention: 'mean per-class F1 (official validate.py)' },
      { metric: 'OP (%)', value: this.OP, convention: `overall precision at ${rule}` },
      { metric: 'OR (%)', value: this.OR, convention: `overall recall at ${rule}` },
      { metric: 'OF1 (%)', value: this.OF1, convention: 'harmonic mean of OP and OR' },
    ];
    const k = this.atTopK;
    if (k) {
      const tag = `top-${c.topK}`;
      rows.push(
        { metric: `CP ${tag} (%)`, value: k.CP, convention: `top-${c.topK} labels that also pass ${rule}` },
        { metric: `CR ${tag} (%)`, value: k.CR, convention: '' },
        { metric: `CF1 ${tag} (%)`, value: k.CF1, convention: 'harmonic mean of CP and CR' },
        { metric: `OP ${tag} (%)`, value: k.OP, convention: '' },
        { metric: `OR ${tag} (%)`, value: k.OR, convention: '' },
        { metric: `OF1 ${tag} (%)`, value: k.OF1, convention: '' },
      );
    }
    return rows;
  }

  toString(): string {
    return `MultiLabelReport: ${this.samples} samples × ${this.classes} classes\n` + tableText(this.summaryRows(), { digits: 6 });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const head = `<p><b>MultiLabelReport</b>: ${this.samples} samples × ${this.classes} classes</p>`;
    return {
      'text/plain': this.toString(),
      'text/html':
        head +
        tableHtml(this.summaryRows(), { digits: 6, caption: 'Summary (percent)' }) +
        `<details><summary>${escapeHtml(`Per-class metrics (${this.classes} classes)`)}</summary>` +
        (this.perClass[JUPYTER_DISPLAY]()['text/html'] as string) +
        '</details>',
    };
  }
}

const REPORT_OPTION_KEYS = [
  'ties',
  'emptyClasses',
  'threshold',
  'comparison',
  'scoreType',
  'topK',
  'topKRequiresThreshold',
  'classNames',
] as const;

/** Checks and completes report options (`extraKeys`: further option names the caller handles). */
export function resolveReportOptions(
  options: unknown,
  fn: string,
  extraKeys: readonly string[] = [],
): {
  ap: { ties: ApTieConvention; emptyClasses: ApEmptyClassPolicy };
  rule: ResolvedThresholdOptions;
  topK: number | undefined;
  classNames: readonly string[] | undefined;
} {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    fail(fn, 'options', `must be an object, got ${describe(options)}`);
  }
  const o = (options ?? {}) as MultiLabelReportOptions & { mask?: unknown };
  checkOptionKeys(o, [...REPORT_OPTION_KEYS, ...extraKeys], fn);
  const ap = resolveApOptions({ ties: o.ties, emptyClasses: o.emptyClasses }, fn);
  const rule = resolveThresholdOptions(
    { threshold: o.threshold, comparison: o.comparison, scoreType: o.scoreType, topKRequiresThreshold: o.topKRequiresThreshold },
    fn,
  );
  delete rule.mask;
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1)) {
    fail(fn, 'topK', `must be a positive integer, got ${JSON.stringify(o.topK)}`);
  }
  if (o.classNames !== undefined) {
    if (!Array.isArray(o.classNames) || o.classNames.some((n) => typeof n !== 'string')) {
      fail(fn, 'classNames', `must be an array of strings, got ${describe(o.classNames)}`);
    }
  }
  return { ap: { ties: ap.ties, emptyClasses: ap.emptyClasses }, rule, topK: o.topK, classNames: o.classNames };
}

/** Builds a report from checked inputs and (optionally pre-accumulated) threshold counts. */
export function _multiLabelReportCompute(
  inputs: MetricInputs | undefined,
  counts: { atThreshold: ClassConfusionCounts; atTopK: ClassConfusionCounts | undefined; positives: Float64Array; samples: number },
  resolved: ReturnType<typeof resolveReportOptions>,
  fn: string,
): MultiLabelReport {
  const k = counts.positives.length;
  const names = resolved.classNames ?? defaultClassNames(k);
  if (names.length !== k) fail(fn, 'classNames', `must name all ${k} classes, got ${names.length} names`);
  const ap = inputs ? _multilabelAveragePrecisionCompute(inputs, resolved.ap.ties, resolved.ap.emptyClasses).ap : undefined;
  const rule = resolved.rule;
  return new MultiLabelReport({
    samples: counts.samples,
    classNames: names,
    averagePrecision: ap ? Array.from(ap) : undefined,
    positives: Array.from(counts.positives),
    atThreshold: _thresholdMetricsFromCounts(counts.atThreshold, { ...rule, topK: undefined }),
    atTopK: counts.atTopK ? _thresholdMetricsFromCounts(counts.atTopK, { ...rule, topK: resolved.topK }) : undefined,
    conventions: { ...resolved.ap, threshold: rule.threshold, comparison: rule.comparison, scoreType: rule.scoreType, topK: resolved.topK },
  });
}

/** Threshold (and top-k) confusion counts and positives of one batch, added into `into`. */
export function _accumulateCounts(
  inputs: MetricInputs,
  resolved: ReturnType<typeof resolveReportOptions>,
  into?: { atThreshold: ClassConfusionCounts; atTopK: ClassConfusionCounts | undefined; positives: Float64Array; samples: number },
): { atThreshold: ClassConfusionCounts; atTopK: ClassConfusionCounts | undefined; positives: Float64Array; samples: number } {
  const rule = { ...resolved.rule, topK: undefined };
  const atThreshold = _confusionCounts(_predictLabels(inputs.scores, rule), inputs.targets, inputs.mask, into?.atThreshold);
  const atTopK =
    resolved.topK === undefined
      ? undefined
      : _confusionCounts(
          _predictLabels(inputs.scores, { ...resolved.rule, topK: resolved.topK }),
          inputs.targets,
          inputs.mask,
          into?.atTopK,
        );
  const positives = into?.positives ?? new Float64Array(inputs.targets.cols);
  positives.fill(0);
  for (let c = 0; c < positives.length; c++) positives[c] = atThreshold.tp[c] + atThreshold.fn[c];
  return { atThreshold, atTopK, positives, samples: (into?.samples ?? 0) + inputs.scores.rows };
}

/**
 * Evaluates N×K scores against targets: mAP (percent), per-class AP, CP/CR/CF1/CF1MeanOfClasses/
 * OP/OR/OF1 (percent) at a threshold and optionally at top-k, and the per-class table. The result
 * shows itself in notebooks. For batch-by-batch evaluation use {@link MultiLabelMetricAccumulator}.
 */
export function multiLabelReport(
  scores: MetricMatrix,
  targets: MetricMatrix,
  options?: MultiLabelReportOptions & { mask?: MetricMatrix },
): MultiLabelReport {
  const fn = 'multiLabelReport';
  const resolved = resolveReportOptions(options, fn, ['mask']);
  const inputs = _toThresholdInputs(scores, targets, options?.mask, resolved.rule, fn);
  return _multiLabelReportCompute(inputs, _accumulateCounts(inputs, resolved), resolved, fn);
}
