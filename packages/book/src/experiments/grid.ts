/**
 * A grid of training runs for the book, evaluated in depth and cached: runs on all cores (`runSweep`,
 * one worker per core), each run's best checkpoint evaluated on the validation split (per-class AP,
 * CF1/OF1, PR curves), its per-epoch history and trackers read from its run folder. Run folders live
 * under `<cacheDir>/book-runs/<key>/`, so an interrupted computation resumes where it stopped
 * (`runSweep` reuses finished runs), and the evaluated result is cached by `cachedRun` under the
 * core's code version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cacheDir,
  evaluateSweepRuns,
  expandGrid,
  historyFromJson,
  loadDatasetRef,
  runSweep,
  type DatasetRef,
  type EpochRecord,
  type SweepSpec,
  type SweepTracking,
} from 'asl-workbook';
import { canonicalJson, runCacheKey } from '../run-cache';

/** One evaluated run of a grid. AP values are fractions; summary metrics percent. */
export interface GridRun {
  /** The varied parameters (dotted path → value). */
  params: Record<string, unknown>;
  ok: boolean;
  error?: string;
  mAP: number;
  CF1: number;
  OF1: number;
  averagePrecision: number[];
  /** Best epoch (0-based) and the validation mAP per epoch (raw weights). */
  bestEpoch: number;
  valMap: number[];
  trainLoss: number[];
  seconds: number;
  prCurves?: Array<{ class: string; classIndex: number; precision: number[]; recall: number[]; averagePrecision: number }>;
  /** Tracker records (`track`), by tracker name. */
  tracks?: Record<string, unknown>;
  /** Single-label runs: top-1 accuracy and macro-F1 (%) of the best epoch (chosen by accuracy). */
  accuracy?: number;
  macroF1?: number;
}

export interface GridOptions {
  /** Decision threshold of CF1/OF1 (default 0.5). */
  threshold?: number;
  /** Classes whose PR curves are kept. */
  prClasses?: readonly number[];
  track?: SweepTracking;
  /** Worker threads (default: the cores). */
  workers?: number;
  /** Log a line per finished run. */
  log?: (line: string) => void;
}

/** The folder a grid's runs go to (`<cacheDir>/book-runs/<key of spec and data>`). */
export function gridRunDir(spec: SweepSpec, data: DatasetRef): string {
  return path.join(cacheDir(), 'book-runs', runCacheKey({ spec: JSON.parse(canonicalJson(spec)), data }));
}

/** Runs `spec` on `data` (or reuses its finished runs) and evaluates every run. */
export async function runGrid(spec: SweepSpec, data: DatasetRef, options: GridOptions = {}): Promise<GridRun[]> {
  const outDir = gridRunDir(spec, data);
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const sweep = await runSweep(spec, {
    data,
    outDir,
    workers: options.workers,
    track: options.track,
    onResult: (r, done, total) =>
      options.log?.(`  [${done}/${total}] ${Object.entries(r).filter(([k]) => !['run', 'ok', 'error', 'bestMap', 'bestEpoch', 'bestWeights', 'finalMap', 'finalMapEma', 'finalTrainLoss', 'seconds', 'reused', 'host', 'runDir', 'attempts'].includes(k)).map(([k, v]) => `${k}=${String(v)}`).join(' ')}: ${r.ok ? `mAP ${Number(r.bestMap).toFixed(2)}` : `FAILED ${r.error}`}${r.reused ? ' (reused)' : ` (${r.seconds.toFixed(0)} s)`}`),
  });
  const runs = expandGrid(spec);
  const failed = sweep.failures;
  if (failed.length) throw new Error(`${failed.length} run(s) failed: ${failed.map((f) => `run ${f.run}: ${f.error}`).join('; ')}`);
  const splits = await loadDatasetRef(data);
  const evaluated = await evaluateSweepRuns(spec, outDir, splits.val, { threshold: options.threshold ?? 0.5, prClasses: options.prClasses, prPoints: 120 });
  options.log?.(`  ${runs.length} runs evaluated (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return evaluated.map((e, i) => {
    const report = JSON.parse(fs.readFileSync(path.join(outDir, `run-${String(i).padStart(3, '0')}`, 'report.json'), 'utf8')) as {
      history?: unknown[];
      best?: { epoch: number; metric?: string };
      seconds?: number;
      callbacks?: Record<string, unknown>;
    };
    const history: EpochRecord[] = historyFromJson(report.history);
    const bestRecord = report.best?.metric === 'accuracy' ? history[report.best.epoch] : undefined;
    return {
      params: e.params,
      ok: true,
      mAP: e.mAP,
      CF1: e.CF1,
      OF1: e.OF1,
      averagePrecision: e.averagePrecision,
      bestEpoch: report.best?.epoch ?? -1,
      valMap: history.map((h) => h.valMap),
      trainLoss: history.map((h) => h.trainLoss),
      seconds: report.seconds ?? 0,
      ...(e.prCurves.length ? { prCurves: e.prCurves } : {}),
      ...(report.callbacks ? { tracks: report.callbacks } : {}),
      ...(bestRecord ? { accuracy: bestRecord.valAccuracy, macroF1: bestRecord.valMacroF1 } : {}),
    };
  });
}
