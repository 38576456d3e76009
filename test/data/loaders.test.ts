import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  VOC_CLASSES,
  loadArff,
  loadCoco,
  loadCocoSplits,
  loadVocSplits,
  loadNusWide,
  loadOpenImages,
  loadVoc,
  mekaLabelCount,
  parseArff,
  parseCocoInstances,
  parseNusWideCsv,
  parseOpenImagesClasses,
  parseOpenImagesLabels,
  parseVocAnnotation,
  parseVocClassFile,
  readVocLabels,
  vocTargets,
  decodeImageFile,
  datasetStatistics,
} from '../../lib/index';
import { setupBackend } from '../helpers';
import { FIXTURES, copyFixture, rejectsWith, row, tempFile, writeImage } from './fixtures';
import { parsePythonNameList } from '../../lib/data/nus-wide';

before(setupBackend);

describe('COCO instances', () => {
  const file = path.join(FIXTURES, 'coco', 'annotations', 'instances_val2014.json');
  const text = fs.readFileSync(file, 'utf8');

  test('classes follow increasing category id (ids with gaps), crowd annotations count, empty images dropped', () => {
    const c = parseCocoInstances(text, file);
    assert.deepEqual(c.categoryIds, [1, 18, 90]);
    assert.deepEqual(c.classNames, ['person', 'dog', 'toothbrush']);
    // image 74 has no annotation → dropped, as the official code does
    assert.deepEqual(c.images.map((i) => i.id), [42, 73, 90]);
    assert.equal(c.totalImages, 4);
    assert.equal(c.droppedEmpty, 1);
    assert.deepEqual(row(c.targets, 3, 0), [1, 1, 0]); // person twice (one crowd) + dog
    assert.deepEqual(row(c.targets, 3, 1), [0, 0, 1]);
    assert.deepEqual(row(c.targets, 3, 2), [1, 0, 1]);
  });

  test('keepEmpty keeps images without annotations as all-negative rows', () => {
    const c = parseCocoInstances(text, file, true);
    assert.deepEqual(c.images.map((i) => i.id), [42, 73, 74, 90]);
    assert.deepEqual(row(c.targets, 3, 2), [0, 0, 0]);
  });

  test('malformed input: bad JSON names file and line, unknown class id and unknown image id name the annotation', async () => {
    const broken = text.replace('{"id": 4, ', '{"id": 4,, ');
    assert.notEqual(broken, text);
    await rejectsWith(() => parseCocoInstances(broken, 'x.json'), /x\.json:14:14: bad JSON: Expected double-quoted property name/);
    const unknownClass = text.replace('"category_id": 18', '"category_id": 12');
    await rejectsWith(() => parseCocoInstances(unknownClass, 'x.json'), /annotation id 2 has unknown class id 12/);
    const unknownImage = text.replace('"image_id": 73', '"image_id": 7');
    await rejectsWith(() => parseCocoInstances(unknownImage, 'x.json'), /annotation id 4 refers to unknown image id 7/);
    await rejectsWith(() => parseCocoInstances('{"images": []}', 'x.json'), /missing 'annotations' array/);
    await rejectsWith(() => loadCoco({ annotations: '/no/such/instances_val2014.json' }), /missing file: \/no\/such/);
  });

  test('loadCoco decodes images squish-resized to S×S in [0, 1]; a missing image names its id', async () => {
    const root = copyFixture('coco');
    const ann = path.join(root, 'annotations', 'instances_val2014.json');
    await rejectsWith(() => loadCoco({ annotations: ann, imageSize: 8 }), /missing image for id 42: .*val2014\/COCO_val2014_000000000042\.jpg/);
    const colours: Record<number, [number, number, number]> = { 42: [255, 0, 0], 73: [0, 255, 0], 74: [0, 0, 255], 90: [255, 255, 255] };
    for (const [id, rgb] of Object.entries(colours)) {
      await writeImage(path.join(root, 'val2014', `COCO_val2014_${id.padStart(12, '0')}.jpg`), 20 + Number(id) % 7, 13, rgb);
    }
    const ds = await loadCoco({ annotations: ann, imageSize: 8, augmentation: 'none' });
    assert.equal(ds.size, 3);
    assert.deepEqual(ds.inputShape, [8, 8, 3]);
    const batches = [];
    for await (const b of ds.batches({ batchSize: 2 })) batches.push(b);
    assert.equal(batches.length, 2);
    assert.deepEqual(batches[0].x.shape, [2, 8, 8, 3]);
    const x = batches[0].x.dataSync();
    // image 42 is red: first pixel ≈ (1, 0, 0)
    assert.ok(x[0] > 0.95 && x[1] < 0.05 && x[2] < 0.05, `pixel ${x[0]},${x[1]},${x[2]}`);
    // image 73 is green
    const o = 8 * 8 * 3;
    assert.ok(x[o] < 0.05 && x[o + 1] > 0.95 && x[o + 2] < 0.05);
    assert.deepEqual(Array.from(batches[1].y.dataSync()), [1, 0, 1]);
    for (const b of batches) tf.dispose([b.x, b.y]);
    fs.rmSync(path.join(root, 'val2014', 'COCO_val2014_000000000090.jpg'));
    const unchecked = await loadCoco({ annotations: ann, imageSize: 8, checkImages: false });
    await rejectsWith(async () => {
      for await (const b of unchecked.batches({ batchSize: 3 })) tf.dispose([b.x, b.y]);
    }, /missing image for id 90/);
  });
});

describe('Pascal VOC', () => {
  const root = path.join(FIXTURES, 'voc', 'VOC2007');

  test('class files: 1 / −1 / 0 with space-padded columns; malformed lines name file and line', async () => {
    assert.deepEqual(parseVocClassFile('000005  1\n000007 -1\n000009  0\n', 'f'), [
      { id: '000005', label: 1 },
      { id: '000007', label: -1 },
      { id: '000009', label: 0 },
    ]);
    await rejectsWith(() => parseVocClassFile('000005  1\n000007 2\n', 'cat_val.txt'), /cat_val\.txt:2: expected '<image id> <1\|-1\|0>'/);
  });

  test('ImageSets and Annotations give the same labels', () => {
    const a = readVocLabels(root, 'trainval', 'imagesets');
    const b = readVocLabels(root, 'trainval', 'annotations');
    assert.deepEqual(a.ids, ['000005', '000007', '000009']);
    assert.deepEqual(b.ids, a.ids);
    assert.deepEqual(Array.from(b.labels), Array.from(a.labels));
    const at = (id: number, name: string) => a.labels[id * 20 + VOC_CLASSES.indexOf(name)];
    assert.equal(at(0, 'chair'), 1);
    assert.equal(at(0, 'diningtable'), 0);
    assert.equal(at(1, 'car'), 1);
    assert.equal(at(2, 'person'), 1);
    assert.equal(at(2, 'horse'), 1);
    assert.equal(at(2, 'dog'), -1);
  });

  test('difficult-only labels: masked by default, negatives as in the ASL repo, or positives', () => {
    const { labels } = readVocLabels(root, 'trainval');
    const table = VOC_CLASSES.indexOf('diningtable');
    const ignore = vocTargets(labels, 'ignore');
    assert.equal(ignore.targets[table], 0);
    assert.equal(ignore.mask![table], 0);
    assert.equal(ignore.mask!.reduce((a, b) => a + b, 0), 59);
    const negative = vocTargets(labels, 'negative');
    assert.equal(negative.targets[table], 0);
    assert.equal(negative.mask, undefined);
    assert.equal(vocTargets(labels, 'positive').targets[table], 1);
  });

  test('annotation XML: a part name does not count as an object; malformed XML and unknown classes are errors', async () => {
    const objs = parseVocAnnotation(fs.readFileSync(path.join(root, 'Annotations', '000009.xml'), 'utf8'), '000009.xml');
    assert.deepEqual(objs.map((o) => o.name), ['horse', 'person', 'person']);
    assert.deepEqual(objs.map((o) => o.difficult), [false, false, true]);
    await rejectsWith(() => parseVocAnnotation('<annotation><object><name>cat</name></annotation>', 'a.xml'), /a\.xml:1:37: malformed XML: Expected closing tag 'object'/);
    const bad = copyFixture('voc');
    fs.rmSync(path.join(bad, 'VOC2007', 'ImageSets', 'Main', 'aeroplane_trainval.txt'));
    const xml = path.join(bad, 'VOC2007', 'Annotations', '000007.xml');
    fs.writeFileSync(xml, fs.readFileSync(xml, 'utf8').replace('<name>car</name>', '<name>spaceship</name>'));
    await rejectsWith(() => readVocLabels(path.join(bad, 'VOC2007'), 'trainval'), /000007\.xml: unknown class 'spaceship'/);
  });

  test('a class file missing an image and a missing class file are errors naming the file', async () => {
    const bad = copyFixture('voc');
    const main = path.join(bad, 'VOC2007', 'ImageSets', 'Main');
    fs.writeFileSync(path.join(main, 'cat_trainval.txt'), '000005 -1\n000007 -1\n');
    await rejectsWith(() => readVocLabels(path.join(bad, 'VOC2007'), 'trainval', 'imagesets'), /cat_trainval\.txt: 2 lines, expected 3/);
    fs.rmSync(path.join(main, 'cat_trainval.txt'));
    await rejectsWith(() => readVocLabels(path.join(bad, 'VOC2007'), 'trainval', 'imagesets'), /missing file: .*cat_trainval\.txt/);
  });

  test('loadVoc: images from JPEGImages, batches carry the known-label mask', async () => {
    const copy = copyFixture('voc');
    const dir = path.join(copy, 'VOC2007');
    await rejectsWith(() => loadVoc({ root: dir, imageSize: 4 }), /missing image for id 000005/);
    for (const id of ['000005', '000007', '000009']) await writeImage(path.join(dir, 'JPEGImages', `${id}.jpg`), 10, 7, [0, 0, 255]);
    const ds = await loadVoc({ root: dir, imageSize: 4 });
    assert.equal(ds.hasMask, true);
    for await (const b of ds.batches({ batchSize: 3 })) {
      assert.deepEqual(b.x.shape, [3, 4, 4, 3]);
      assert.equal(b.mask!.dataSync()[VOC_CLASSES.indexOf('diningtable')], 0);
      tf.dispose([b.x, b.y, b.mask!]);
    }
    const stats = await datasetStatistics(ds);
    assert.equal(stats.unknownLabels, 1);
    assert.equal(stats.labelCardinality, 4 / 3); // chair; car; horse + person
  });
});

describe('NUS-WIDE (ASL CSV)', () => {
  const csv = path.join(FIXTURES, 'nus-wide', 'nus_wide_data.csv');

  test('python list strings', () => {
    assert.deepEqual(parsePythonNameList("['clouds', 'sky']"), ['clouds', 'sky']);
    assert.deepEqual(parsePythonNameList('["a b"]'), ['a b']);
    assert.deepEqual(parsePythonNameList('[]'), []);
    assert.equal(parsePythonNameList('clouds, sky'), undefined);
  });

  test('classes are the sorted union of concepts; splits filter rows', async () => {
    const all = await loadNusWide({ csv, checkImages: false });
    assert.deepEqual(all.classNames, ['animal', 'clouds', 'dog', 'grass', 'sky', 'sunset', 'water']);
    assert.equal(all.size, 5);
    const val = await loadNusWide({ csv, split: 'val', checkImages: false, classNames: all.classNames });
    assert.equal(val.size, 2);
    assert.deepEqual(row(await val.targets(), 7, 0), [0, 0, 0, 0, 1, 1, 1]);
    assert.equal(val.records[0].file, path.join(FIXTURES, 'nus-wide', 'images', '0004_5678.jpg'));
  });

  test('malformed rows name file and line; unknown class with a fixed list; missing image', async () => {
    const bad = tempFile('nus.csv', "filepath,label,split_name\na.jpg,\"['sky']\",train\nb.jpg,sky,train\n");
    await rejectsWith(() => loadNusWide({ csv: bad, checkImages: false }), /nus\.csv:3: label column is not a list/);
    await rejectsWith(() => parseNusWideCsv('h,l,s\na.jpg,[]\n', 'n.csv'), /n\.csv:2: expected 3 columns/);
    await rejectsWith(() => loadNusWide({ csv, checkImages: false, classNames: ['sky'] }), /nus_wide_data\.csv:2: unknown class 'clouds'/);
    await rejectsWith(() => loadNusWide({ csv, split: 'val' }), /missing image for id images\/0004_5678\.jpg/);
    await rejectsWith(() => loadNusWide({ csv, split: 'test', checkImages: false }), /argument 'split' 'test' matches no row of .*nus_wide_data\.csv \(splits found: train, val\)/);
  });
});

describe('Open Images image-level labels', () => {
  const dir = path.join(FIXTURES, 'open-images');
  const classesText = fs.readFileSync(path.join(dir, 'class-descriptions-boxable.csv'), 'utf8');
  const labelsText = fs.readFileSync(path.join(dir, 'train-annotations-human-imagelabels-boxable.csv'), 'utf8');

  test('confidence 1 = positive, 0 = verified negative, absent = unknown; machine rows skipped by default', () => {
    const classes = parseOpenImagesClasses(classesText);
    assert.deepEqual(classes.map((c) => c.name), ['Tortoise', 'Cat', 'Dog', 'Car']);
    const l = parseOpenImagesLabels(labelsText, classes);
    assert.deepEqual(l.imageIds, ['000002b66c9c498e', '000002b97e5471a0', '000002c707c9895e']);
    assert.deepEqual(row(l.targets, 4, 0), [0, 1, 0, 1]);
    assert.deepEqual(row(l.mask, 4, 0), [0, 1, 1, 1]);
    assert.deepEqual(row(l.targets, 4, 1), [0, 0, 0, 0]);
    assert.deepEqual(row(l.mask, 4, 1), [1, 0, 0, 0]);
    assert.deepEqual(row(l.mask, 4, 2), [0, 0, 1, 0]);
    const m = parseOpenImagesLabels(labelsText, classes, 'x', 0.5);
    assert.deepEqual(row(m.targets, 4, 1), [0, 1, 0, 0]);
    assert.deepEqual(row(m.mask, 4, 2), [0, 0, 1, 1]);
  });

  test('a LabelName,DisplayName header is skipped', () => {
    assert.deepEqual(parseOpenImagesClasses('LabelName,DisplayName\n/m/01,A\n').map((c) => c.mid), ['/m/01']);
  });

  test('malformed rows name file and line', async () => {
    const classes = parseOpenImagesClasses(classesText);
    await rejectsWith(() => parseOpenImagesLabels('ImageID,Source,LabelName,Confidence\na,verification,/m/zzz,1\n', classes, 'l.csv'), /l\.csv:2: unknown class id \/m\/zzz/);
    await rejectsWith(() => parseOpenImagesLabels('ImageID,Source,LabelName,Confidence\na,verification,/m/01yrx,yes\n', classes, 'l.csv'), /l\.csv:2: Confidence must be a number/);
    await rejectsWith(() => parseOpenImagesLabels('ImageID,Source,LabelName,Confidence\na,verification,/m/01yrx,0.5\n', classes, 'l.csv'), /l\.csv:2: a human-verified label must have Confidence 0 or 1/);
    await rejectsWith(() => parseOpenImagesLabels('ImageID,LabelName,Confidence\n', classes, 'l.csv'), /l\.csv:1: header has no 'Source' column/);
    await rejectsWith(() => parseOpenImagesLabels('ImageID,Source,LabelName,Confidence\n"a,b,c,1\n', classes, 'l.csv'), /l\.csv:2: unterminated quoted field/);
  });

  test('loadOpenImages: images <ImageID>.jpg, mask in batches', async () => {
    const copy = copyFixture('open-images');
    const labels = path.join(copy, 'train-annotations-human-imagelabels-boxable.csv');
    const classes = path.join(copy, 'class-descriptions-boxable.csv');
    await rejectsWith(() => loadOpenImages({ labels, classes, imageSize: 4 }), /missing image for id 000002b66c9c498e/);
    for (const id of ['000002b66c9c498e', '000002b97e5471a0', '000002c707c9895e']) await writeImage(path.join(copy, `${id}.jpg`), 9, 9, [10, 200, 30]);
    const ds = await loadOpenImages({ labels, classes, imageSize: 4 });
    for await (const b of ds.batches({ batchSize: 8 })) {
      assert.deepEqual(Array.from(b.mask!.dataSync()), [0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0]);
      tf.dispose([b.x, b.y, b.mask!]);
    }
  });
});

describe('MEKA / MULAN ARFF', () => {
  test('MEKA -C n: first n attributes are labels; ? labels are unknown; nominal features by index', async () => {
    const ds = await loadArff({ file: path.join(FIXTURES, 'arff', 'meka-tiny.arff') });
    assert.deepEqual(ds.classNames, ['Beach', 'Sunset', 'Urban']);
    assert.deepEqual(ds.featureNames, ['brightness', 'colour', 'edges']);
    assert.equal(ds.size, 4);
    assert.equal(ds.hasMask, true);
    assert.deepEqual(Array.from(await ds.targets()), [1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
    for await (const b of ds.batches({ batchSize: 4 })) {
      assert.deepEqual(Array.from(b.x.dataSync()), [0.5, 2, 2, 0.25, 0, -1, 0, 1, 3.5, 1, 2, 0]);
      assert.deepEqual(Array.from(b.mask!.dataSync()), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);
      tf.dispose([b.x, b.y, b.mask!]);
    }
  });

  test('negative -C takes the last |n| attributes', () => {
    assert.equal(mekaLabelCount("scene: -C -6 -split 0.5"), -6);
    assert.equal(mekaLabelCount('plain'), undefined);
  });

  test('MULAN XML labels anywhere; sparse rows', async () => {
    const ds = await loadArff({ file: path.join(FIXTURES, 'arff', 'mulan-tiny.arff'), xml: path.join(FIXTURES, 'arff', 'mulan-tiny.xml') });
    assert.deepEqual(ds.classNames, ['amazed', 'happy', 'sad']);
    assert.deepEqual(Array.from(await ds.targets()), [1, 0, 0, 0, 1, 1, 1, 1, 0]);
    for await (const b of ds.batches({ batchSize: 3 })) {
      assert.deepEqual(Array.from(b.x.dataSync()), [0.5, 3, 0, 0, 0, 0, -2, 0, 7]);
      tf.dispose([b.x, b.y]);
    }
  });

  test('malformed ARFF names file and line', async () => {
    const base = "@relation 't: -C 1'\n@attribute a {0,1}\n@attribute b numeric\n@data\n";
    await rejectsWith(() => parseArff(`${base}1,2,3\n`, 'x.arff'), /x\.arff:5: 3 values, expected 2 attributes/);
    await rejectsWith(() => parseArff(`${base}{5 1}\n`, 'x.arff'), /x\.arff:5: sparse index 5/);
    await rejectsWith(() => parseArff("@relation r\n@attribute s string\n@data\n", 'x.arff'), /x\.arff:2: unsupported attribute type 'string'/);
    await rejectsWith(() => loadArff({ file: tempFile('b.arff', `${base}2,1\n`) }), /b\.arff:5: label 'a' must be 0, 1 or \?, got '2'/);
    await rejectsWith(() => loadArff({ file: tempFile('c.arff', `${base}1,abc\n`) }), /c\.arff:5: attribute 'b' must be numeric/);
    await rejectsWith(() => loadArff({ file: tempFile('d.arff', base.replace(': -C 1', '') + '1,2\n') }), /no label count/);
    await rejectsWith(
      () => loadArff({ file: path.join(FIXTURES, 'arff', 'mulan-tiny.arff'), xml: tempFile('l.xml', '<labels><label name="joy"/></labels>') }),
      /label 'joy' from the XML is not an attribute/,
    );
  });
});

test('decodeImageFile: grey and RGBA inputs become 3-channel RGB', async () => {
  const dir = path.dirname(tempFile('x', ''));
  const rgba = path.join(dir, 'a.png');
  await writeImage(rgba, 5, 3, [255, 0, 0]);
  const v = await decodeImageFile(rgba, 2);
  assert.equal(v.length, 12);
  assert.ok(Math.abs(v[0] - 1) < 1e-6 && v[1] === 0 && v[2] === 0);
});

test('loadCocoSplits and loadVocSplits open the standard file layouts', async () => {
  const coco = copyFixture('coco');
  const ann = path.join(coco, 'annotations');
  fs.copyFileSync(path.join(ann, 'instances_val2014.json'), path.join(ann, 'instances_train2014.json'));
  const c = await loadCocoSplits({ root: coco, checkImages: false });
  assert.equal(c.train.size, 3);
  assert.equal(c.train.records[0].file, path.join(coco, 'train2014', 'COCO_val2014_000000000042.jpg'));
  assert.equal(c.val.records[0].file, path.join(coco, 'val2014', 'COCO_val2014_000000000042.jpg'));
  await rejectsWith(() => loadCocoSplits({ root: coco, year: 2017 }), /missing file: .*instances_train2017\.json/);
  const voc = copyFixture('voc');
  const main = path.join(voc, 'VOC2007', 'ImageSets', 'Main');
  for (const f of fs.readdirSync(main)) if (f.endsWith('_trainval.txt')) fs.copyFileSync(path.join(main, f), path.join(main, f.replace('trainval', 'test')));
  const v = await loadVocSplits({ root: path.join(voc, 'VOC2007'), checkImages: false });
  assert.equal(v.train.size, 3);
  assert.equal(v.val.name, 'voc/VOC2007/test');
});

test('a file that is not an image is reported as unreadable with its id', async () => {
  const file = tempFile('broken.jpg', 'not a jpeg');
  await rejectsWith(() => decodeImageFile(file, 4, 'img-7'), /unreadable image for id img-7: .*broken\.jpg/);
});
