import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildZooModel, initBackend, loadArff, loadCoco, loadMultiFashion, loadNusWide, loadOpenImages, loadVoc, parseNusWideCsv, workbookRoot } from 'asl-workbook';
import {
  fileExcerpt,
  filesDigest,
  garmentTypes,
  helpExcerpt,
  labelCounts,
  labelMatrix,
  labelMatrixRows,
  layerRows,
  parameterCounts,
  photoCsvRow,
  runAsl,
  writePhotoFolder,
} from 'asl-workbook-book';

const fixtures = path.join(workbookRoot(), 'test', 'fixtures', 'data');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'asl-own-data-'));

describe('label matrices of the shipped sample files', () => {
  test('COCO: positives from annotations, the image without any dropped, no unknowns', async () => {
    const coco = await loadCoco({ annotations: path.join(fixtures, 'coco', 'annotations', 'instances_val2014.json'), checkImages: false });
    const m = await labelMatrix(coco);
    assert.deepEqual(m.classNames, ['person', 'dog', 'toothbrush']);
    assert.deepEqual(labelMatrixRows(m, coco.records.map((r) => r.id)), [
      { sample: '42', person: '1', dog: '1', toothbrush: '0' },
      { sample: '73', person: '0', dog: '0', toothbrush: '1' },
      { sample: '90', person: '1', dog: '0', toothbrush: '1' },
    ]);
    assert.deepEqual(labelCounts(m), { positives: 5, negatives: 4, unknown: 0 });
  });

  test('VOC: a class seen only as difficult is unknown, a class also seen normally is positive', async () => {
    const voc = await loadVoc({ root: path.join(fixtures, 'voc', 'VOC2007'), split: 'trainval', checkImages: false });
    const rows = labelMatrixRows(await labelMatrix(voc), voc.records.map((r) => r.id));
    assert.equal(rows[0].sample, '000005');
    assert.equal(rows[0].chair, '1');
    assert.equal(rows[0].diningtable, '?');
    assert.equal(rows[2].person, '1');
    assert.equal(rows[2].horse, '1');
    const used = labelMatrixRows(await labelMatrix(voc), voc.records.map((r) => r.id), { onlyUsed: true });
    assert.deepEqual(Object.keys(used[0]), ['sample', 'car', 'chair', 'diningtable', 'horse', 'person']);
  });

  test('fileExcerpt: a header with the file and the lines shown', () => {
    const file = path.join(fixtures, 'nus-wide', 'nus_wide_data.csv');
    assert.equal(fileExcerpt(file, { to: 2, root: fixtures }), `── nus-wide/nus_wide_data.csv (lines 1–2 of 6)\nfilepath,label,split_name\nimages/0001_2124494179.jpg,"['clouds', 'sky']",train`);
    assert.match(fileExcerpt(file), /^── nus_wide_data\.csv \(6 lines\)\n/);
    assert.throws(() => fileExcerpt(file, { from: 9 }), /past line 6/);
  });

  test('Open Images: verified labels known, every other class unknown, machine rows skipped', async () => {
    const oi = await loadOpenImages({
      labels: path.join(fixtures, 'open-images', 'train-annotations-human-imagelabels-boxable.csv'),
      classes: path.join(fixtures, 'open-images', 'class-descriptions-boxable.csv'),
      checkImages: false,
    });
    const m = await labelMatrix(oi);
    const rows = labelMatrixRows(m, oi.records.map((r) => r.id));
    assert.deepEqual(rows[0], { sample: '000002b66c9c498e', Tortoise: '?', Cat: '1', Dog: '0', Car: '1' });
    assert.deepEqual(rows[1], { sample: '000002b97e5471a0', Tortoise: '0', Cat: '?', Dog: '?', Car: '?' });
    assert.deepEqual(labelCounts(m), { positives: 3, negatives: 2, unknown: 7 });
  });

  test('ARFF: MULAN labels by XML, MEKA by -C n; a missing MEKA label is unknown (mask read through batches)', async () => {
    await initBackend({ backend: 'cpu' });
    const mulan = await loadArff({ file: path.join(fixtures, 'arff', 'mulan-tiny.arff'), xml: path.join(fixtures, 'arff', 'mulan-tiny.xml') });
    assert.deepEqual(labelMatrixRows(await labelMatrix(mulan)), [
      { sample: '0', amazed: '1', happy: '0', sad: '0' },
      { sample: '1', amazed: '0', happy: '1', sad: '1' },
      { sample: '2', amazed: '1', happy: '1', sad: '0' },
    ]);
    const meka = await loadArff({ file: path.join(fixtures, 'arff', 'meka-tiny.arff') });
    assert.equal(labelMatrixRows(await labelMatrix(meka))[3].Sunset, '?');
    assert.throws(() => labelMatrixRows({ classNames: ['a'], targets: [[1]], known: [[1]] }, ['x', 'y']), /ids/);
  });
});

describe('a folder of your own photos', () => {
  test('garment types and CSV rows', () => {
    const row = new Array(80).fill(0);
    row[11] = 1; // green Trouser
    row[31] = 1; // another colour's Trouser
    row[8] = 1; // red Bag
    assert.deepEqual(garmentTypes(row), ['Trouser', 'Bag']);
    const line = photoCsvRow('images/a.png', ['T-shirt/top', 'Ankle boot'], 'train');
    assert.equal(line, `images/a.png,"['T-shirt/top', 'Ankle boot']",train`);
    const parsed = parseNusWideCsv(`filepath,label,split_name\n${line}\n`);
    assert.deepEqual(parsed[0].concepts, ['T-shirt/top', 'Ankle boot']);
    assert.throws(() => photoCsvRow('a.png', ["it's"], 'train'), /quote or comma/);
  });

  test('writes PNGs and labels.csv that loadNusWide reads back exactly (pixels and labels); rebuilt only when the spec changes', async () => {
    const dir = path.join(tmp(), 'my-photos');
    try {
      const spec = { trainSize: 6, valSize: 3, canvasSize: 16, seed: 4 };
      const folder = await writePhotoFolder(dir, spec);
      assert.deepEqual([folder.train, folder.val, folder.classNames.length], [6, 3, 10]);
      const csv = path.join(dir, folder.csv);
      const val = await loadNusWide({ csv, split: 'val', imageSize: 16 });
      const source = await loadMultiFashion({ source: 'shipped', canvasSize: 16, trainSize: 6, valSize: 3, seed: 4 });
      const sourceTargets = await source.val.targets();
      const loaded = await labelMatrix(val);
      for (let i = 0; i < 3; i++) {
        const names = loaded.classNames.filter((_, c) => loaded.targets[i][c] === 1).sort();
        assert.deepEqual(names, garmentTypes(sourceTargets.subarray(i * 80, (i + 1) * 80)).sort());
      }
      const batch = await val.take([1]);
      const pixels = Array.from(batch.x.dataSync(), (v) => Math.round(v * 255));
      batch.x.dispose();
      batch.y.dispose();
      assert.deepEqual(pixels, Array.from(source.val.samplePixels(1)));
      const before = fs.statSync(path.join(dir, 'images', 'train-0000.png')).mtimeMs;
      await writePhotoFolder(dir, spec);
      assert.equal(fs.statSync(path.join(dir, 'images', 'train-0000.png')).mtimeMs, before);
      assert.equal((await writePhotoFolder(dir, { ...spec, trainSize: 4 })).train, 4);
      assert.equal(fs.existsSync(path.join(dir, 'images', 'train-0005.png')), false);
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});

describe('the command line and backbones', () => {
  test('helpExcerpt keeps the lines of the flags asked for, with their continuation lines', () => {
    const help = [
      'Usage: asl train [options]',
      '',
      'Options:',
      '  --config FILE                   a TrainConfig JSON file',
      '  --model reference-cnn|bn-cnn',
      '                                  zoo model',
      '  --epochs N                      epochs',
    ].join('\n');
    assert.equal(helpExcerpt(help, ['--model', '--config']), [help.split('\n')[3], help.split('\n')[4], help.split('\n')[5]].join('\n'));
    assert.throws(() => helpExcerpt(help, ['--pretrained']), /not in the help text: --pretrained/);
  });

  test('runAsl runs the command in a folder (asl data stats on the COCO sample)', () => {
    const out = runAsl(['data', 'stats', 'coco', path.join('coco', 'annotations', 'instances_val2014.json')], fixtures);
    assert.match(out, /samples\s+3/);
    assert.match(out, /classes\s+3/);
  });

  test('layer rows and parameter counts of a model; a digest that follows file contents', async () => {
    await initBackend({ backend: 'cpu' });
    const model = buildZooModel('text-mlp', { inputShape: [4], numClasses: 3, seed: 0, hidden: [5] });
    try {
      const rows = layerRows(model);
      assert.equal(rows[rows.length - 1]['output shape'], '[N, 3]');
      assert.equal(rows.reduce((a, r) => a + r.parameters, 0), model.countParams());
      assert.deepEqual(parameterCounts(model), { trainable: model.countParams(), total: model.countParams() });
      model.layers[model.layers.length - 1].trainable = false;
      assert.equal(parameterCounts(model).trainable, model.countParams() - (5 * 3 + 3));
      assert.equal(layerRows(model)[rows.length - 1].trains, 'no');
    } finally {
      model.dispose();
    }
    const dir = tmp();
    try {
      const f = path.join(dir, 'w.bin');
      fs.writeFileSync(f, 'a');
      const a = filesDigest([f]);
      fs.writeFileSync(f, 'b');
      assert.notEqual(filesDigest([f]), a);
      assert.throws(() => filesDigest([path.join(dir, 'missing')]), /does not exist/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
