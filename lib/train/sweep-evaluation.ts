/**
 * Evaluating every run of a sweep in depth: `runSweep` returns one summary record per run (best
 * mAP, time); a loss comparison also needs per-class AP, the threshold metrics (CF1, OF1) and
 * precision-recall curves. {@link evaluateSweepRuns} rebuilds each run's zoo model, loads its best
 * checkpoint (the sweep's `outDir/run-NNN/checkpoints/best.ckpt`, raw or EMA weights, whichever
 * validated better) and evaluates it on a split with `multiLabelReport`. Mean ± std over seeds:
 * `leaderboard` (./leaderboard.ts) on the returned records. Results are plain JSON, so a
 * chapter can cache them with `cachedRun`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../core/errors';
import type { MultiLabelDataset } from '../data/types';
import { multiLabelReport } from '../metrics/report';
import { precisionRecallCurves } from '../metrics/pr-curve';
import { modelForConfig } from './model-for';
import { expandGrid, type SweepSpec } from './sweep';
import { evaluateModel } from './evaluate';
import { loadCheckpointWeights } from './train-state';
import { resolveTrainConfig } from './config';

/** One evaluated run. Summary metrics in percent, per-class AP as fractions. */
export interface EvaluatedRun {
  run: number;
  /** The varied parameters of the run (dotted path → value). */
  params: Record<string, unknown>;
  mAP: number;
  CF1: number;
  OF1: number;
  CP: number;
  CR: number;
  OP: number;
  OR: number;
  /** Per-class AP (fractions), in class order. */
  averagePrecision: number[];
  /** Known positives per class in the evaluated split. */
  positives: number[];
  /** Precision-recall curves of the requested classes (sampled to at most `prPoints` points). */
  prCurves: Array<{ class: string; classIndex: number; precision: number[]; recall: number[]; averagePrecision: number }>;
}

export interface EvaluateSweepRunsOptions {
  /** Decision threshold of CF1/OF1 on probabilities (default 0.5). */
  threshold?: number;
  /** Class indices whose PR curves are kept (default none). */
  prClasses?: readonly number[];
  /** Points kept per PR curve (evenly sampled, default 200). */
  prPoints?: number;
}

function samplePoints<T>(values: readonly T[], n: number): T[] {
  if (values.length <= n) return [...values];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(values[Math.round((i * (values.length - 1)) / (n - 1))]);
  return out;
}

/**
 * Evaluates the best checkpoint of every run of a finished sweep (`spec` as given to `runSweep`,
 * `outDir` the sweep's `outDir`) on `dataset` (e.g. the validation split). Runs without a
 * checkpoint (failed runs) are an error: evaluate only completed sweeps.
 */
export async function evaluateSweepRuns(
  spec: SweepSpec,
  outDir: string,
  dataset: MultiLabelDataset,
  options: EvaluateSweepRunsOptions = {},
): Promise<EvaluatedRun[]> {
  const fn = 'evaluateSweepRuns';
  const runs = expandGrid(spec);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1)) fail(fn, 'options.threshold', `must be in (0, 1), got ${threshold}`);
  const k = dataset.classNames.length;
  const out: EvaluatedRun[] = [];
  for (let i = 0; i < runs.length; i++) {
    const file = path.join(outDir, `run-${String(i).padStart(3, '0')}`, 'checkpoints', 'best.ckpt');
    if (!fs.existsSync(file)) fail(fn, 'outDir', `run ${i} has no best checkpoint at ${file} (did it fail?)`);
    const c = resolveTrainConfig(runs[i].config);
    const model = await modelForConfig(c, dataset.inputShape, k);
    try {
      loadCheckpointWeights(model, file);
      const e = await evaluateModel(model, dataset, { batchSize: 256 });
      const shape = [dataset.size, k];
      const scores = { values: e.scores, shape };
      const targets = { values: e.targets, shape };
      const report = multiLabelReport(scores, targets, { threshold, classNames: dataset.classNames });
      const curves = options.prClasses?.length ? precisionRecallCurves(scores, targets, { classes: options.prClasses, classNames: dataset.classNames }) : [];
      const n = options.prPoints ?? 200;
      out.push({
        run: i,
        params: runs[i].params,
        mAP: report.mAP,
        CF1: report.CF1,
        OF1: report.OF1,
        CP: report.CP,
        CR: report.CR,
        OP: report.OP,
        OR: report.OR,
        averagePrecision: [...report.averagePrecision],
        positives: [...report.positives],
        prCurves: curves.map((cv) => ({ class: cv.class, classIndex: cv.classIndex, precision: samplePoints(cv.precision, n), recall: samplePoints(cv.recall, n), averagePrecision: cv.averagePrecision })),
      });
    } finally {
      model.dispose();
    }
  }
  return out;
}
