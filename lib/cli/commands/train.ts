/**
 * `asl train`: trains one model and writes a run folder (config, data reference, metrics log,
 * checkpoints, final report). `--resume` continues a killed run from its last checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../args';
import type { CliCommand } from '../command';
import { CONFIG_OPTIONS, DATA_OPTIONS, configFromArgs, datasetRefFromArgs, readConfigFile, toUsage } from '../training-options';

export const command: CliCommand = {
  name: 'train',
  summary: 'train a model (run folder with config, metrics, checkpoints, report; --resume)',
  usage: 'asl train [options]',
  options: {
    ...CONFIG_OPTIONS,
    out: { type: 'string', kind: 'path', value: 'DIR', description: 'run folder (default runs/train-<loss>-<time>)' },
    resume: { type: 'boolean', description: 'continue the run in --out from its last checkpoint (an error when there is none)' },
    'resume-if-present': { type: 'boolean', description: 'continue when --out has a checkpoint, else start fresh' },
    progress: { type: 'string', choices: ['auto', 'bar', 'lines', 'none'], description: 'progress display (auto: a bar on a terminal, a line per epoch in CI/pipes)' },
    json: { type: 'boolean', description: 'print the final summary as JSON' },
    ...DATA_OPTIONS,
  },
  details: 'Writes DIR/config.json, DIR/data.json, DIR/metrics.jsonl, DIR/checkpoints/{last,best}.ckpt, DIR/report.json.\nA run that diverges (non-finite loss or weights) stops with exit code 1 and says at which epoch and step.',
  async run(p) {
    const resume = p.flag('resume') || p.flag('resume-if-present');
    if (p.flag('resume') && p.flag('resume-if-present')) throw new UsageError('give --resume or --resume-if-present, not both');
    const given = p.string('out');
    if (resume && !given) throw new UsageError('--resume needs --out <run folder>');
    if (p.flag('resume') && given && !fs.existsSync(path.join(given, 'checkpoints', 'last.ckpt'))) {
      throw new UsageError(`--resume: ${given} has no checkpoint to resume (${path.join(given, 'checkpoints', 'last.ckpt')} is missing); use --resume-if-present to start fresh when there is none`);
    }
    // Resuming starts from the run's own config, so the continued run is the same run.
    const saved = resume && given && fs.existsSync(path.join(given, 'config.json')) ? path.join(given, 'config.json') : undefined;
    const configFile = p.string('config') ?? saved;
    const base = configFile ? readConfigFile(configFile, 'asl train') : {};
    const config = configFromArgs(p, base, 'asl train');
    const lossName = typeof config.loss === 'string' ? config.loss : config.loss.name;
    const out = given ?? path.join('runs', `train-${lossName}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const dataFile = path.join(out, 'data.json');
    const dataGiven = Object.keys(DATA_OPTIONS).some((k) => p.has(k));
    const dataRef = resume && fs.existsSync(dataFile) && !dataGiven ? toUsage(() => readJsonFileOf(dataFile)) : datasetRefFromArgs(p);
    const { initBackend, describeBackend } = await import('../../backend/select');
    const { trainModel } = await import('../../train/fit');
    const { loadDatasetRef } = await import('../../data/dataset-ref');
    console.log(describeBackend(await initBackend()));
    const data = await loadDatasetRef(dataRef);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(dataFile, JSON.stringify(dataRef, null, 2) + '\n');
    console.log(`training ${data.train.name} (${data.train.size} train, ${data.val.size} val, ${data.train.classNames.length} classes) → ${out}`);
    const progress = (p.string('progress') ?? 'auto') as 'auto' | 'bar' | 'lines' | 'none';
    const result = await trainModel({ ...config, name: path.basename(out) }, { data, outDir: out, resume: p.flag('resume') ? true : p.flag('resume-if-present') ? 'if-present' : false, progress, keepModel: false });
    const summary = { outDir: out, best: result.best, epochs: result.history.records.length, seconds: result.seconds, backend: result.backend, resumedFromEpoch: result.resumedFromEpoch };
    if (p.flag('json')) console.log(JSON.stringify(summary));
    else console.log(`done: ${result.summary()}; report ${path.join(out, 'report.json')}`);
    return 0;
  },
};

function readJsonFileOf(file: string): import('../../data/dataset-ref').DatasetRef {
  const { readJsonFile } = require('../../data/json-file') as typeof import('../../data/json-file');
  return readJsonFile(file, 'asl train') as import('../../data/dataset-ref').DatasetRef;
}
