/**
 * The training engine: `trainModel` (the fit loop) with its configuration, events and callbacks,
 * evaluation, checkpoints, sweeps (on all cores, or on a BullMQ job queue for workers on many
 * machines), leaderboards, the model zoo, optimizers, schedules, EMA and pretrained backbones.
 */
export { trainModel, TrainingDivergedError } from './fit';
export type { TrainOptions } from './fit';
export { resolveTrainConfig, TRAIN_DEFAULTS } from './config';
export type { TrainConfig, ResolvedTrainConfig, ZooModelSpec } from './config';
export { evaluateModel, NonFiniteOutputError } from './evaluate';
export type { Evaluation, EvaluateOptions, TrainingTask } from './evaluate';
export { TrainingHistory, TrainingResult } from './history';
export { setTrainingEnvironment } from './events';
export type { TrainingCallback, BatchEndInfo, EpochRecord, TrainBeginInfo, TrainingEnvironment } from './events';
export { ProbabilityTracker, AdaptiveAsymmetryCallback, meanProbabilities } from './callbacks';
export type { ProbabilityRecord } from './callbacks';
export { createTrainingProgress, epochSummaryLine, formatSeconds, ProgressClock } from './progress';
export type { ProgressMode } from './progress';
export { RunFolder } from './run-folder';
export { loadCheckpointWeights } from './train-state';
export type { BestEpoch } from './train-state';
export { readCheckpoint, writeCheckpoint } from './checkpoint';
export type { CheckpointContents } from './checkpoint';
export { runSweep, expandGrid, SweepResult, historyFromJson } from './sweep';
export type { SweepSpec, SweepOptions, SweepRecord } from './sweep';
export type { SweepTracking } from './sweep-grid';
export type { EpochProgress } from './sweep-thread';
export { submitSweep, sweepStatus, sweepResults, queueSweepId } from './queue/submit';
export type { GatheredSweep } from './queue/submit';
export { startQueueWorker } from './queue/worker';
export { codeVersion } from './queue/ids';
export { redactQueueUrl, QUEUE_PASSWORD_ENV } from './queue/url';
export type { QueueSweepOptions, SweepProgress, SweepStatus, QueueRunStatus, QueueRunState, SubmittedSweep, QueueWorkerOptions, QueueWorkerHandle, RunJobResult } from './queue/types';
export { evaluateSweepRuns } from './sweep-evaluation';
export type { EvaluatedRun, EvaluateSweepRunsOptions } from './sweep-evaluation';
export { leaderboard } from './leaderboard';
export type { LeaderboardRow } from './leaderboard';
export { buildZooModel, bnCnn, ZOO_MODEL_NAMES } from './models';
export type { ZooModelName, ZooModelOptions } from './models';
export { OPTIMIZER_NAMES } from './optimizer';
export type { OptimizerConfig, OptimizerName } from './optimizer';
export { learningRateAt, SCHEDULE_NAMES } from './schedule';
export type { ScheduleConfig } from './schedule';
export type { EmaConfig } from './ema';
export { measureTrainingThroughput } from './benchmark';
export type { BenchmarkModel, TrainingThroughput } from './benchmark';
export { loadLayersModelFromDisk, saveLayersModelToDisk, withMultiLabelHead } from './pretrained';
export type { MultiLabelHeadOptions } from './pretrained';
export { stepSeededDropout } from './layers';
export type { StepSeededDropoutArgs } from './layers';
