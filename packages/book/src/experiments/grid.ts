/**
 * A grid of training runs for the book, evaluated in depth and cached: runs on all cores (`runSweep`,
 * one worker per core), each run's best checkpoint evaluated on the validation split (per-class AP,
 * CF1/OF1, PR curves), its per-epoch history and trackers read from its run folder. A grid's folder is
 * `<cacheDir>/book-runs/<key of spec and data>/`; its `run-NNN` entries link to one folder per training
 * run, `<cacheDir>/book-runs/runs/<key of run configuration, data and code version>/`, so a run that
 * two experiments share (the small comparison's CE runs are also the zoo's and the missing-label
 * chapter's at rate 0) trains once, an interrupted computation resumes where it stopped (`runSweep`
 * reuses finished runs), and experiments running side by side never train the same run twice at once.
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
  type TrainConfig,
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

/** The folder of one training run, shared by every grid that contains it. */
export function sharedRunDir(config: TrainConfig, data: DatasetRef, track?: SweepTracking): string {
  return path.join(cacheDir(), 'book-runs', 'runs', runCacheKey({ run: JSON.parse(canonicalJson(config)), data, track: track ?? null }));
}

/** The folder `runSweep` gives run `i` of a grid (`<outDir>/run-NNN`). */
const runFolder = (outDir: string, i: number) => path.join(outDir, `run-${String(i).padStart(3, '0')}`);

/** Training runs being trained in this process, by shared folder (resolved when their sweep ends). */
const training = new Map<string, Promise<void>>();

/**
 * Links each `run-NNN` of the grid folder to its shared run folder (a grid folder from before the
 * sharing keeps its own folders), waits for runs another grid of this process is training, then marks
 * this grid's unfinished runs as being trained, in the same turn as the last check. Returns the
 * function that clears the marks once this grid's sweep has ended.
 */
async function claimRuns(runs: { config: TrainConfig }[], outDir: string, data: DatasetRef, track?: SweepTracking): Promise<() => void> {
  const shared = runs.map((r) => sharedRunDir(r.config, data, track));
  runs.forEach((_, i) => {
    const link = runFolder(outDir, i);
    fs.mkdirSync(shared[i], { recursive: true });
    if (!fs.existsSync(link)) {
      fs.rmSync(link, { force: true }); // a dangling link
      fs.symlinkSync(path.relative(outDir, shared[i]), link, 'dir');
    }
  });
  for (;;) {
    const busy = [...new Set(shared.filter((dir) => training.has(dir)))];
    if (!busy.length) break;
    await Promise.all(busy.map((dir) => training.get(dir)));
  }
  const mine = [...new Set(shared.filter((dir) => !fs.existsSync(path.join(dir, 'report.json'))))];
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  for (const dir of mine) training.set(dir, done);
  return () => {
    for (const dir of mine) if (training.get(dir) === done) training.delete(dir);
    release();
  };
}

/** Runs `spec` on `data` (or reuses its finished runs) and evaluates every run. */
export async function runGrid(spec: SweepSpec, data: DatasetRef, options: GridOptions = {}): Promise<GridRun[]> {
  const outDir = gridRunDir(spec, data);
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const runs = expandGrid(spec);
  const release = await claimRuns(runs, outDir, data, options.track);
  const sweep = await runSweep(spec, {
    data,
    outDir,
    workers: options.workers,
    track: options.track,
    onResult: (r, done, total) =>
      options.log?.(`  [${done}/${total}] ${Object.entries(r).filter(([k]) => !['run', 'ok', 'error', 'bestMap', 'bestEpoch', 'bestWeights', 'finalMap', 'finalMapEma', 'finalTrainLoss', 'seconds', 'reused', 'host', 'runDir', 'attempts'].includes(k)).map(([k, v]) => `${k}=${String(v)}`).join(' ')}: ${r.ok ? `mAP ${Number(r.bestMap).toFixed(2)}` : `FAILED ${r.error}`}${r.reused ? ' (reused)' : ` (${r.seconds.toFixed(0)} s)`}`),
  }).finally(release);
  const failed = sweep.failures;
  if (failed.length) throw new Error(`${failed.length} run(s) failed: ${failed.map((f) => `run ${f.run}: ${f.error}`).join('; ')}`);
  const splits = await loadDatasetRef(data);
  const evaluated = await evaluateSweepRuns(spec, outDir, splits.val, { threshold: options.threshold ?? 0.5, prClasses: options.prClasses, prPoints: 120 });
  options.log?.(`  ${runs.length} runs evaluated (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return evaluated.map((e, i) => {
    const report = JSON.parse(fs.readFileSync(path.join(runFolder(outDir, i), 'report.json'), 'utf8')) as {
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
