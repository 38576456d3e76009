/**
 * The book's machinery, private to the repository (never published): profiles (`--quick` / full),
 * the run cache, claims and REPORT.md, saving tables, PNG export of figures through Chromium, and the
 * index page. The chapters import it in their hidden set-up cells; the library never does.
 */
export { bookProfile, byProfile } from './profile';
export type { BookProfile } from './profile';
export { cachedRun, codeVersion, canonicalJson, runCacheKey, runCacheDir } from './run-cache';
export type { CachedRunOptions } from './run-cache';
export { saveTable, tableToCsv } from './tables';
export { mapConcurrent } from './concurrent';
export { recordClaim, readClaims, reportMarkdown, claimBundle } from './report';
export type { ClaimRecord } from './report';
export { exportFigurePngs, findChromium, HEADLESS_CHROMIUM_ARGS, CHROMIUM_CANDIDATES } from './figure-export';
export type { PngExportResult } from './figure-export';
export { bookIndexHtml, notebookTitle, BOOK_STYLE } from './index-page';
export type { ChapterEntry } from './index-page';
export { compare, verdictOf, notTestable, exactCheck, comparisonText, MIN_SEEDS } from './verdict';
export type { Comparison, Verdict, VerdictStatus } from './verdict';
export { noiseText } from './report';
export { runGrid, gridRunDir, sharedRunDir } from './experiments/grid';
export type { GridRun, GridOptions } from './experiments/grid';
export { runComparison, perSeed, comparisonRunGrid } from './experiments/comparison';
export type { Arm, ComparisonPlan, ComparisonRun, ComparisonResult } from './experiments/comparison';
export { settings, pretrainedBackbone, FINE_TUNE_CUT, MAIN_ARMS } from './experiments/settings';
export type { Setting } from './experiments/settings';
export {
  scratchComparison,
  fineTuneComparison,
  debtagsComparison,
  smallComparison,
  ablation,
  adaptiveAsymmetry,
  missingLabels,
  missingLabelData,
  singleLabel,
  zooLeaderboard,
  backboneMeta,
  EXPERIMENTS,
  MISSING_LABEL_ARMS,
  ZOO_ARMS,
} from './experiments/plan';
export type { AblationCell, AblationResult, AdaptiveRun, AdaptiveResult, MissingLabelsResult } from './experiments/plan';
export {
  meanSd,
  formatMeanSd,
  formatPoints,
  formatDifference,
  armLabels,
  armSummaries,
  summaryRows,
  chosenRatesText,
  lrSearchRows,
  armComparison,
  orderingVerdict,
  acrossComparisons,
  perClassAp,
  gainByTercile,
  tercileContrast,
  prSteps,
  prCurvePanels,
  prCurveApRows,
  learningCurves,
} from './analysis/comparison-tables';
export type { MeanSd, ArmSummary, PerClassRow, TercileName, TercileRow, TercileOptions, PanelSeries, PanelData } from './analysis/comparison-tables';
export { pytorchReference, pytorchReferenceFile, referenceAtRateGapRows, referenceAtRateRows, referenceRows, referenceGapRows } from './analysis/pytorch-reference';
export type { PytorchReference } from './analysis/pytorch-reference';
export { gradientShareSeries, probabilitySeries, trackSeries, trackMean, windowMean, meanCurve, TRACK_WINDOWS } from './analysis/tracks';
export type { TrackedRun, GradientShareSeries, ProbabilitySeries, GradientShareQuantity, ProbabilityQuantity, TrackQuantity, TrackWindow } from './analysis/tracks';
export { softmaxProbabilities, smoothedTargets, singleLabelEffectiveTargets, singleLabelGradient, singleLabelLoss, trueClassCurve, comparisonRunFolder, readSingleLabelRun, singleLabelRuns, singleLabelSettingText, summariseSingleLabel } from './analysis/single-label';
export type { SingleLabelParams, SingleLabelRun, SingleLabelArmSummary } from './analysis/single-label';
export { ablationMatrix, axisPosition, gridOptimum, gridOptimumText, confirmedCell, combinationComparisons, focusingCurves } from './analysis/ablation';
export type { AblationMatrix, AxisPosition, GridOptimum, AblationRole, FocusingCurves } from './analysis/ablation';
export { tailMean, adaptiveRun, adaptiveDesign, adaptiveConvergence, adaptiveVsStatic } from './analysis/adaptive';
export type { AdaptiveEnd, AdaptivePair, AdaptiveConvergence, AdaptiveConvergenceOptions } from './analysis/adaptive';
export {
  rateRange,
  mapAtRate,
  missingLabelDrops,
  robustnessComparisons,
  quantileSorted,
  quartiles,
  hiddenPositiveIndices,
  selectVeryHard,
  probeGradients,
  gradientOnSelection,
  histogram01,
  gradientPeak,
  probeHiddenPositives,
  missingLabelProbes,
  probeComparisons,
} from './analysis/missing-labels';
export type { SeedDrop, LossDrops, Quartiles, VeryHardSelection, NegativeGradient, GradientOnSelection, HiddenPositiveProbe } from './analysis/missing-labels';
export { labelMatrix, labelMatrixRows, labelCounts, garmentTypes, photoCsvRow, writePhotoFolder, fileExcerpt, aslBin, runAsl, helpExcerpt, layerRows, parameterCounts, filesDigest } from './analysis/own-data';
export type { LabelMatrix, PhotoFolderSpec, PhotoFolder } from './analysis/own-data';
