/**
 * `asl eval`: evaluates a run folder's best (or last) checkpoint on its validation (and test) split.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../args';
import type { CliCommand } from '../command';
import { readConfigFile, toUsage } from '../training-options';

export const command: CliCommand = {
  name: 'eval',
  summary: "evaluate a run folder's best or last checkpoint (mAP, loss)",
  usage: 'asl eval <run folder> [options]',
  positionals: 1,
  options: {
    checkpoint: { type: 'string', choices: ['best', 'last'], description: 'which checkpoint (default best)' },
    'batch-size': { type: 'string', kind: 'positive-int', value: 'N', description: 'evaluation batch size (default 256)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details:
    "Rebuilds the run's model from DIR/config.json, loads DIR/checkpoints/<best|last>.ckpt (checksum and\nfinite weights verified), loads the data from DIR/data.json and prints the validation (and test, when\nthe dataset has one) mAP, the run's loss and BCE.",
  async run(p) {
    const dir = p.positionals[0];
    if (!dir) throw new UsageError("give the run folder: asl eval <run folder>");
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder (give a run folder of asl train)`);
    const which = p.string('checkpoint') ?? 'best';
    const file = path.join(dir, 'checkpoints', `${which}.ckpt`);
    for (const f of ['config.json', 'data.json']) if (!fs.existsSync(path.join(dir, f))) throw new UsageError(`${path.join(dir, f)} not found (is ${dir} a run folder of asl train?)`);
    const { resolveTrainConfig } = await import('../../train/config');
    const config = toUsage(() => resolveTrainConfig(readConfigFile(path.join(dir, 'config.json'), 'asl eval'), 'asl eval', path.join(dir, 'config.json')));
    const { initBackend } = await import('../../backend/select');
    const { loadDatasetRef } = await import('../../data/dataset-ref');
    const { readJsonFile } = await import('../../data/json-file');
    const { evaluateModel } = await import('../../train/evaluate');
    const { loadCheckpointWeights } = await import('../../train/train-state');
    const { modelForConfig } = await import('../../train/model-for');
    await initBackend();
    const data = await loadDatasetRef(readJsonFile(path.join(dir, 'data.json'), 'asl eval') as never);
    const model = await modelForConfig(config, data.train.inputShape, data.train.classNames.length);
    try {
      loadCheckpointWeights(model, file);
      const batchSize = p.number('batch-size') ?? 256;
      const out: Record<string, { mAP: number; loss: number; bce: number; accuracy?: number; samples: number }> = {};
      for (const [name, split] of Object.entries({ val: data.val, test: data.test })) {
        if (!split) continue;
        const r = await evaluateModel(model, split, { batchSize, loss: config.loss, task: config.task });
        out[name] = { mAP: r.mAP, loss: r.loss, bce: r.bce, ...(config.task === 'single-label' ? { accuracy: r.accuracy } : {}), samples: split.size };
      }
      if (p.flag('json')) console.log(JSON.stringify({ run: dir, checkpoint: which, ...out }));
      else {
        for (const [name, r] of Object.entries(out)) {
          const acc = r.accuracy !== undefined ? `  accuracy ${r.accuracy.toFixed(2)}` : '';
          console.log(`${name}: mAP ${r.mAP.toFixed(2)}${acc}  loss ${r.loss.toFixed(4)}  BCE ${r.bce.toFixed(4)}  (${r.samples} samples, ${which} checkpoint)`);
        }
      }
    } finally {
      model.dispose();
    }
    return 0;
  },
};
