/**
 * Pretrains the book's CNN (the zoo's `bn-cnn`, 64×64 RGB input) as the backbone the book fine-tunes
 * — the paper's setting, which fine-tunes ImageNet-pretrained networks on MS-COCO — and saves it to
 * data/pretrained/bn-cnn-fashion-mnist/ (model.json + weights.bin, ~250 kB, shipped in the repository).
 *
 * Data: the single-label Fashion-MNIST TRAINING set (60,000 items; Debian's dataset-fashion-mnist),
 * disjoint from the 10,000 test items MultiFashion is composed of. Each training image is a 64×64
 * canvas with one item drawn as MultiFashion draws them (a random colour of the 8, in one cell of the
 * 2×2 grid, 70–100 % of the cell); the label is the item's (colour, type) class, one of the same 80
 * classes as MultiFashion, trained as a single-label softmax task. Validation: canvases of the 10,000
 * Fashion-MNIST test items; both the 80-way accuracy and the accuracy of the type alone (the 10
 * Fashion-MNIST classes) are recorded in meta.json next to the weights.
 *
 *   npx tsx scripts/pretrain-backbone.ts [--epochs 4] [--train-size 60000] [--val-size 10000]
 *                                        [--batch-size 128] [--lr 2e-3] [--out DIR]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, loadMultiFashion, saveLayersModelToDisk, trainModel, evaluateModel } from 'asl-workbook';

const root = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '4' },
      'train-size': { type: 'string', default: '60000' },
      'val-size': { type: 'string', default: '10000' },
      'batch-size': { type: 'string', default: '128' },
      lr: { type: 'string', default: '2e-3' },
      seed: { type: 'string', default: '0' },
      out: { type: 'string', default: path.join(root, 'data', 'pretrained', 'bn-cnn-fashion-mnist') },
    },
    strict: true,
  });
  const num = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n < 0 || (k !== 'seed' && n === 0)) throw new Error(`--${k} must be a positive number, got ${values[k]}`);
    return n;
  };
  const started = Date.now();
  const backend = await initBackend();
  console.log(`backend ${backend.backend}`);
  const dataOptions = {
    source: 'system' as const,
    itemCountWeights: [1, 0, 0, 0],
    zipfExponent: 0,
    trainSize: num('train-size'),
    valSize: num('val-size'),
    canvasSize: 64,
    seed: num('seed'),
  };
  const data = await loadMultiFashion(dataOptions);
  console.log(`data: ${data.train.size} training canvases (Fashion-MNIST train items), ${data.val.size} validation (test items)`);
  const config = {
    name: 'bn-cnn-fashion-mnist',
    task: 'single-label' as const,
    loss: 'softmax-ce',
    model: { zoo: 'bn-cnn' as const },
    epochs: num('epochs'),
    batchSize: num('batch-size'),
    lr: num('lr'),
    seed: num('seed'),
    ema: false as const,
  };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-pretrain-'));
  const r = await trainModel(config, { data, outDir: runDir, progress: 'lines' });
  const model = r.model!;
  // The type alone: the 80 classes are colour × 10 + type.
  const e = await evaluateModel(model, data.val, { task: 'single-label' });
  let typeCorrect = 0;
  for (let i = 0; i < data.val.size; i++) {
    const row = e.scores.subarray(i * 80, (i + 1) * 80);
    const truth = e.targets.subarray(i * 80, (i + 1) * 80).indexOf(1);
    let best = 0;
    for (let j = 1; j < 80; j++) if (row[j] > row[best]) best = j;
    if (best % 10 === truth % 10) typeCorrect++;
  }
  fs.mkdirSync(values.out!, { recursive: true });
  await saveLayersModelToDisk(model, values.out!);
  const meta = {
    command: `npx tsx scripts/pretrain-backbone.ts --epochs ${config.epochs} --train-size ${dataOptions.trainSize} --val-size ${dataOptions.valSize} --batch-size ${config.batchSize} --lr ${config.lr} --seed ${config.seed}`,
    data: dataOptions,
    config,
    testAccuracy80: e.accuracy,
    testTypeAccuracy: (100 * typeCorrect) / data.val.size,
    history: r.history.records.map((h) => ({ epoch: h.epoch + 1, trainLoss: h.trainLoss, valAccuracy: h.valAccuracy })),
    parameters: model.countParams(),
    seconds: (Date.now() - started) / 1000,
    backend: backend.backend,
    date: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(values.out!, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  console.log(`saved ${values.out}: test accuracy ${e.accuracy.toFixed(2)} % (80 colour×type classes), type ${meta.testTypeAccuracy.toFixed(2)} % (10 Fashion-MNIST classes), ${meta.seconds.toFixed(0)} s`);
  fs.rmSync(runDir, { recursive: true, force: true });
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
