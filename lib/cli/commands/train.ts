/**
 * `asl train`: trains one model and writes a run folder (config, data reference, metrics log,
 * checkpoints, final report). `--resume` continues a killed run from its last checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { DATA_HELP, datasetRefFromArgs, numberFlag, parseParams, parseTrainingArgs, stringFlag } from '../../train/cli-args';

const HELP = `asl train: train a multi-label model and write a run folder

Usage: asl train [options]

Model and loss:
  --model NAME          reference-cnn (default for images) | residual-cnn | reference-mlp | text-mlp (default for vectors)
  --loss NAME           any registered loss (default asl); --loss-params gammaNeg=4,gammaPos=0
Optimisation:
  --epochs N (default 3)   --batch-size N (64)   --lr X (1e-3)   --seed N (0)
  --optimizer adam|adamw|sgd (adam)   --weight-decay X (1e-4)   --schedule onecycle|cosine|constant (onecycle)
  --ema DECAY|off (0.997)   --augment
  --config FILE         a TrainConfig JSON (flags override it)
Run folder:
  --out DIR             run folder (default runs/train-<loss>-<time>)
  --resume              continue the run in --out from its last checkpoint
  --progress auto|bar|lines|none   (auto: a bar on a terminal, one line per epoch in CI/pipes)
  --json                print the final report as JSON
${DATA_HELP}

Writes DIR/config.json, DIR/data.json, DIR/metrics.jsonl, DIR/checkpoints/{last,best}.ckpt, DIR/report.json.`;

export const command: CliCommand = {
  name: 'train',
  summary: 'train a model (run folder with config, metrics, checkpoints, report; --resume)',
  help: HELP,
  async run(args) {
    const p = parseTrainingArgs(args, ['resume', 'json', 'augment']);
    const { initBackend, describeBackend } = await import('../../backend/select');
    const { trainModel } = await import('../../train/trainer');
    const { loadDatasetRef } = await import('../../train/data-ref');
    const resume = p.flags.has('resume');
    const given = stringFlag(p, 'out');
    if (resume && !given) throw new Error('--resume needs --out <run folder>');
    // Resuming starts from the run's own config, so the continued run is the same run.
    const saved = resume && given && fs.existsSync(path.join(given, 'config.json')) ? path.join(given, 'config.json') : undefined;
    const configFile = stringFlag(p, 'config') ?? saved;
    const base = configFile ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {};
    const lossName = stringFlag(p, 'loss') ?? ((base.loss as { name?: string } | undefined)?.name ?? 'asl');
    const out = given ?? path.join('runs', `train-${lossName}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    const dataRef = resume && fs.existsSync(path.join(out, 'data.json')) && !p.flags.has('data') ? JSON.parse(fs.readFileSync(path.join(out, 'data.json'), 'utf8')) : datasetRefFromArgs(p);
    const ema = stringFlag(p, 'ema');
    const config = {
      ...base,
      name: path.basename(out),
      loss: p.flags.has('loss') || p.flags.has('loss-params') || !base.loss ? { name: lossName, params: parseParams(stringFlag(p, 'loss-params')) } : base.loss,
      ...(p.flags.has('model') ? { model: { zoo: stringFlag(p, 'model') } } : {}),
      epochs: numberFlag(p, 'epochs') ?? (base.epochs as number | undefined) ?? 3,
      ...(p.flags.has('batch-size') ? { batchSize: numberFlag(p, 'batch-size') } : {}),
      ...(p.flags.has('lr') ? { lr: numberFlag(p, 'lr') } : {}),
      ...(p.flags.has('seed') ? { seed: numberFlag(p, 'seed') } : {}),
      ...(p.flags.has('optimizer') || p.flags.has('weight-decay')
        ? { optimizer: { name: stringFlag(p, 'optimizer') ?? 'adam', weightDecay: numberFlag(p, 'weight-decay') ?? 1e-4 } }
        : {}),
      ...(p.flags.has('schedule') ? { schedule: { name: stringFlag(p, 'schedule') } } : {}),
      ...(ema !== undefined ? { ema: ema === 'off' ? false : { decay: Number(ema) } } : {}),
      ...(p.flags.has('augment') ? { augment: true } : {}),
    };
    const choice = await initBackend();
    console.log(describeBackend(choice));
    const data = await loadDatasetRef(dataRef);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'data.json'), JSON.stringify(dataRef, null, 2));
    console.log(`training ${data.train.name} (${data.train.size} train, ${data.val.size} val, ${data.train.classNames.length} classes) → ${out}`);
    const result = await trainModel(config as never, { data, outDir: out, resume, progress: (stringFlag(p, 'progress') as never) ?? 'auto', keepModel: false });
    const summary = { outDir: out, best: result.best, epochs: result.history.records.length, seconds: result.seconds, backend: result.backend, resumedFromEpoch: result.resumedFromEpoch };
    if (p.flags.has('json')) console.log(JSON.stringify(summary));
    else console.log(`done: best mAP ${result.best.valMap.toFixed(2)} (epoch ${result.best.epoch + 1}, ${result.best.weights} weights) in ${result.seconds.toFixed(1)} s; report ${path.join(out, 'report.json')}`);
    return 0;
  },
};
