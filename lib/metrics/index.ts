/**
 * Multi-label metrics with explicit conventions: mAP / AP (official ASL, scikit-learn, torchmetrics
 * conventions), CP/CR/CF1/OP/OR/OF1 at a threshold or top-k, ranking and set metrics, a streaming
 * accumulator, per-class tables and precision-recall curves.
 */
export {
  meanAveragePrecision,
  averagePrecisionPerClass,
  AP_DEFAULTS,
  AP_TIE_CONVENTIONS,
  AP_EMPTY_CLASS_POLICIES,
  AP_AVERAGES,
  OFFICIAL_AP_EPSILON,
} from './average-precision';
export type {
  AveragePrecisionOptions,
  MeanAveragePrecisionOptions,
  ApTieConvention,
  ApEmptyClassPolicy,
  ApAverage,
} from './average-precision';
export { thresholdMetrics, topKThresholdMetrics, THRESHOLD_DEFAULTS, SCORE_TYPES, THRESHOLD_COMPARISONS } from './threshold-metrics';
export type { ThresholdMetrics, ThresholdOptions, ScoreType, ThresholdComparison, ClassConfusionCounts } from './threshold-metrics';
export { MultiLabelReport, multiLabelReport } from './report';
export type { MultiLabelReportOptions, MultiLabelReportConventions } from './report';
export { MultiLabelMetricAccumulator } from './accumulator';
export type { MultiLabelMetricAccumulatorOptions } from './accumulator';
export { PerClassMetricsTable, PER_CLASS_COLUMNS } from './per-class-table';
export type { PerClassMetricsRow, PerClassDanfoFrame, PerClassArqueroTable } from './per-class-table';
export { toDenseMatrix } from './matrix';
export type { MetricMatrix } from './matrix';
export { rankingMetrics, labelRankingAveragePrecision, coverageError, rankingLoss, oneError } from './ranking-metrics';
export type { RankingMetrics, RankingMetricOptions } from './ranking-metrics';
export { setMetrics, hammingLoss, subsetAccuracy, microF1, macroF1 } from './set-metrics';
export type { SetMetrics } from './set-metrics';
export { precisionRecallCurves } from './pr-curve';
export type { PrecisionRecallCurve, PrecisionRecallCurveOptions } from './pr-curve';
