/**
 * `asl eval`: evaluates a run folder's best (or last) checkpoint on its validation (and test) split.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { parseTrainingArgs, stringFlag, numberFlag } from '../../train/cli-args';

const HELP = `asl eval: evaluate a trained run

Usage: asl eval <run folder> [--checkpoint best|last] [--batch-size N] [--json]

Rebuilds the run's model from DIR/config.json, loads DIR/checkpoints/<best|last>.ckpt, loads the
data from DIR/data.json and prints the validation (and test, when the dataset has one) mAP and loss.`;

export const command: CliCommand = {
  name: 'eval',
  summary: "evaluate a run folder's best or last checkpoint (mAP, loss)",
  help: HELP,
  async run(args) {
    const p = parseTrainingArgs(args, ['json']);
    const dir = p.positional[0] ?? stringFlag(p, 'run');
    if (!dir) throw new Error('give the run folder: asl eval <run folder>');
    const which = stringFlag(p, 'checkpoint') ?? 'best';
    const file = path.join(dir, 'checkpoints', `${which}.ckpt`);
    for (const f of ['config.json', 'data.json']) if (!fs.existsSync(path.join(dir, f))) throw new Error(`${path.join(dir, f)} not found (is ${dir} a run folder of asl train?)`);
    const { initBackend } = await import('../../backend/select');
    const { loadDatasetRef } = await import('../../train/data-ref');
    const { evaluateModel, loadCheckpointWeights } = await import('../../train/trainer');
    const { buildZooModel } = await import('../../train/models');
    await initBackend();
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const data = await loadDatasetRef(JSON.parse(fs.readFileSync(path.join(dir, 'data.json'), 'utf8')));
    const shape = data.train.inputShape;
    const spec = config.model ?? { zoo: shape.length === 3 ? 'reference-cnn' : 'text-mlp' };
    const model = buildZooModel(spec.zoo, { inputShape: shape, numClasses: data.train.classNames.length, seed: config.seed, hidden: spec.hidden, channels: spec.channels, dropout: spec.dropout });
    loadCheckpointWeights(model, file);
    const batchSize = numberFlag(p, 'batch-size') ?? 256;
    const out: Record<string, { mAP: number; loss: number; samples: number }> = {};
    for (const [name, split] of Object.entries({ val: data.val, test: data.test })) {
      if (!split) continue;
      const r = await evaluateModel(model, split, { batchSize });
      out[name] = { mAP: r.mAP, loss: r.loss, samples: split.size };
    }
    model.dispose();
    if (p.flags.has('json')) console.log(JSON.stringify({ run: dir, checkpoint: which, ...out }));
    else for (const [name, r] of Object.entries(out)) console.log(`${name}: mAP ${r.mAP.toFixed(2)}  BCE ${r.loss.toFixed(4)}  (${r.samples} samples, ${which} checkpoint)`);
    return 0;
  },
};
