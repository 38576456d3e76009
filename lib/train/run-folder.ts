/**
 * A run folder: what a training run leaves on disk —
 *
 *   config.json          the resolved configuration (the loss as { name, params }, or marked in-process)
 *   data.json            how to load the data again (written by the command line and sweeps)
 *   metrics.jsonl        one JSON line per epoch
 *   checkpoints/last.ckpt  the whole training state after the last epoch (resume)
 *   checkpoints/best.ckpt  the weights of the best epoch
 *   report.json          the final summary
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile } from '../data/json-file';
import type { EpochRecord } from './events';

export class RunFolder {
  constructor(readonly dir: string) {}

  get configFile(): string {
    return path.join(this.dir, 'config.json');
  }
  get dataFile(): string {
    return path.join(this.dir, 'data.json');
  }
  get metricsFile(): string {
    return path.join(this.dir, 'metrics.jsonl');
  }
  get reportFile(): string {
    return path.join(this.dir, 'report.json');
  }
  get lastCheckpoint(): string {
    return path.join(this.dir, 'checkpoints', 'last.ckpt');
  }
  get bestCheckpoint(): string {
    return path.join(this.dir, 'checkpoints', 'best.ckpt');
  }

  /** Whether a resumable checkpoint exists. */
  hasCheckpoint(): boolean {
    return fs.existsSync(this.lastCheckpoint);
  }

  /** Creates the folder and records the configuration. */
  start(config: unknown): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.writeJson(this.configFile, config);
  }

  /** Rewrites the metrics log with exactly these records (a killed run may have logged epochs it never checkpointed). */
  resetMetrics(history: readonly EpochRecord[]): void {
    fs.writeFileSync(this.metricsFile, history.map((h) => JSON.stringify(h) + '\n').join(''));
  }

  appendMetrics(record: EpochRecord): void {
    fs.appendFileSync(this.metricsFile, JSON.stringify(record) + '\n');
  }

  writeReport(report: unknown): void {
    this.writeJson(this.reportFile, report);
  }

  writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  }

  /** Reads one of the folder's JSON files; errors name the file, line and column. */
  readJson(file: string, fn = 'RunFolder'): unknown {
    return readJsonFile(file, fn);
  }
}
