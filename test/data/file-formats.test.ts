/**
 * The file formats read by real parsers (issue 15, "real parsers for real formats"): VOC and MULAN
 * XML through an XML parser, JSON with a byte-order mark and line:column errors, CSV through
 * csv-parse with explicit header handling, empty datasets rejected, and every file error naming
 * its path (missing files, folders given as files, bytes that are not UTF-8).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AslInputError } from '../../lib/core/errors';
import {
  VOC_CLASSES,
  loadArff,
  loadCoco,
  loadCocoSplits,
  loadNusWide,
  loadOpenImages,
  loadVoc,
  parseArff,
  parseCocoInstances,
  parseCsv,
  parseJsonText,
  parseMulanLabelsXml,
  parseNusWideCsv,
  parseOpenImagesClasses,
  parseOpenImagesLabels,
  parseVocAnnotation,
  parseVocClassFile,
  readIdxFile,
  readVocLabels,
} from '../../lib/data/index';
import { readTextFile } from '../../lib/data/files';
import { readJsonFile } from '../../lib/data/json-file';
import { FIXTURES, copyFixture, rejectsWith, row, tempDir, tempFile } from './fixtures';
import { readDebtagsSnapshot } from '../../lib/data/debtags';
import { parsePythonNameList } from '../../lib/data/nus-wide';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BOM = '\ufeff';

describe('VOC annotation XML through an XML parser', () => {
  const xml = (objects: string) => `<?xml version="1.0"?>\n<annotation>\n  <filename>000001.jpg</filename>\n${objects}\n</annotation>\n`;

  test('a commented-out object counts nothing', () => {
    const text = xml('  <!-- <object><name>cat</name></object> -->\n  <object><name>dog</name><difficult>0</difficult></object>');
    assert.deepEqual(parseVocAnnotation(text, 'a.xml'), [{ name: 'dog', difficult: false }]);
    assert.deepEqual(parseVocAnnotation(xml('<!-- <object><name>cat</name></object> -->'), 'a.xml'), []);
  });

  test('CDATA names, entities and numeric character references are text; parts are not objects', () => {
    const text = xml(
      [
        '<object><name><![CDATA[cat]]></name><difficult>1</difficult></object>',
        '<object><name>\n    d&#111;g\n  </name><part><name>head</name></part></object>',
        '<object><name>&#x70;erson</name><pose>Left &amp; up</pose></object>',
      ].join('\n'),
    );
    assert.deepEqual(parseVocAnnotation(text, 'a.xml'), [
      { name: 'cat', difficult: true },
      { name: 'dog', difficult: false },
      { name: 'person', difficult: false },
    ]);
    const doctype = '<!DOCTYPE annotation [<!ENTITY animal "horse">]>\n<annotation><object><name>&animal;</name></object></annotation>';
    assert.deepEqual(parseVocAnnotation(doctype, 'a.xml'), [{ name: 'horse', difficult: false }]);
    assert.deepEqual(parseVocAnnotation(BOM + xml('<object><name>bus</name></object>'), 'a.xml'), [{ name: 'bus', difficult: false }]);
  });

  test('malformed XML names the file, line and column; structural errors name the line', async () => {
    await rejectsWith(() => parseVocAnnotation(xml('  <object><name>cat</name>'), 'v/1.xml'), /parseVocAnnotation: v\/1\.xml:5:1: malformed XML: Expected closing tag 'object' \(opened in line 4/);
    await rejectsWith(() => parseVocAnnotation('<annotation><object><name>cat</name></object></annotation> trailing', 'b.xml'), /b\.xml:1:\d+: malformed XML/);
    await rejectsWith(() => parseVocAnnotation('', 'e.xml'), /e\.xml:1: malformed XML: Start tag expected/);
    await rejectsWith(() => parseVocAnnotation('<labels/>', 'c.xml'), /c\.xml: not a VOC annotation \(root element <labels>/);
    await rejectsWith(() => parseVocAnnotation(xml('<object>\n<pose>x</pose></object>'), 'd.xml'), /d\.xml:4: an <object> needs one <name>, found 0/);
    const crlf = xml('<object><name>cat</name></object>\n<object>\n<pose>x</pose></object>').replace(/\n/g, '\r\n');
    await rejectsWith(() => parseVocAnnotation(crlf, 'd.xml'), /d\.xml:5: an <object> needs one <name>, found 0/);
    await rejectsWith(() => parseVocAnnotation(xml('<object><name>cat</name><name>dog</name></object>'), 'd.xml'), /needs one <name>, found 2/);
    await rejectsWith(() => parseVocAnnotation(xml('<object><name><b>cat</b></name></object>'), 'd.xml'), /d\.xml:4: <name> must hold text only, found <b>/);
    await rejectsWith(() => parseVocAnnotation(xml('<object><name> </name></object>'), 'd.xml'), /d\.xml:4: empty <name>/);
    await rejectsWith(() => parseVocAnnotation(xml('<object><name>cat</name><difficult>yes</difficult></object>'), 'd.xml'), /<difficult> must be 0 or 1, got 'yes'/);
  });

  test('readVocLabels from annotations: the comment case labels nothing, through the files', () => {
    const dir = copyFixture('voc');
    const root = path.join(dir, 'VOC2007');
    const main = path.join(root, 'ImageSets', 'Main');
    for (const f of fs.readdirSync(main)) fs.rmSync(path.join(main, f));
    fs.writeFileSync(path.join(main, 'trainval.txt'), '000005\n000007\n');
    const ann = path.join(root, 'Annotations');
    fs.writeFileSync(path.join(ann, '000005.xml'), xml('<!-- <object><name>cat</name></object> -->\n<object><name>dog</name></object>'));
    fs.writeFileSync(path.join(ann, '000007.xml'), xml('<object><name><![CDATA[cat]]></name></object>'));
    const { ids, labels } = readVocLabels(root, 'trainval', 'annotations');
    assert.deepEqual(ids, ['000005', '000007']);
    const at = (r: number, name: string) => labels[r * 20 + VOC_CLASSES.indexOf(name)];
    assert.equal(at(0, 'cat'), -1);
    assert.equal(at(0, 'dog'), 1);
    assert.equal(at(1, 'cat'), 1);
    assert.equal(labels.filter((v) => v === 1).length, 2);
  });

  test('a split with no image ids, or with no object at all, is an error naming the file', async () => {
    const dir = copyFixture('voc');
    const root = path.join(dir, 'VOC2007');
    const main = path.join(root, 'ImageSets', 'Main');
    for (const c of VOC_CLASSES) fs.writeFileSync(path.join(main, `${c}_empty.txt`), '\n');
    await rejectsWith(() => readVocLabels(root, 'empty'), new RegExp(`${escape(path.join(main, 'aeroplane_empty.txt'))}: no image ids, so split 'empty' has no samples`));
    fs.writeFileSync(path.join(main, 'none.txt'), '  \n');
    await rejectsWith(() => readVocLabels(root, 'none', 'annotations'), /none\.txt: no image ids, so split 'none' has no samples/);
    fs.writeFileSync(path.join(main, 'twice.txt'), '000005\n000005\n');
    await rejectsWith(() => readVocLabels(root, 'twice', 'annotations'), /twice\.txt: image id 000005 is listed twice/);
    for (const c of VOC_CLASSES) fs.writeFileSync(path.join(main, `${c}_neg.txt`), '000005 -1\n000007 -1\n');
    await rejectsWith(() => readVocLabels(root, 'neg'), /none of the 2 images has an object, so there are no positive labels/);
    await rejectsWith(() => loadVoc({ root, split: 'empty', checkImages: false }), /aeroplane_empty\.txt: no image ids/);
  });

  test('class files: a repeated image id is an error naming both lines', async () => {
    await rejectsWith(() => parseVocClassFile('000005 1\n000007 -1\n000005 -1\n', 'cat_val.txt'), /cat_val\.txt:3: image id 000005 again \(first on line 1\)/);
  });
});

describe('MULAN labels XML through an XML parser', () => {
  test('comments are ignored, entities decoded, hierarchies flattened in document order', () => {
    const text = `<?xml version="1.0" encoding="utf-8"?>
<labels xmlns="http://mulan.sourceforge.net/labels">
  <!-- <label name="ghost"/> -->
  <label name="rock &amp; roll"><label name="punk"/></label>
  <label name='&#x6A;azz'/>
</labels>`;
    assert.deepEqual(parseMulanLabelsXml(text, 'l.xml'), ['rock & roll', 'punk', 'jazz']);
  });

  test('malformed XML, a label without a name and a repeated name are errors naming the file and line', async () => {
    await rejectsWith(() => parseMulanLabelsXml('<labels><label name="a"></labels>', 'l.xml'), /l\.xml:1:\d+: malformed XML/);
    await rejectsWith(() => parseMulanLabelsXml('<labels>\n<label/></labels>', 'l.xml'), /l\.xml:2: a <label> without a name/);
    await rejectsWith(() => parseMulanLabelsXml('<labels>\n<label name="a"/>\n<label name="a"/></labels>', 'l.xml'), /l\.xml:3: label 'a' listed twice \(first on line 2\)/);
    await rejectsWith(() => parseMulanLabelsXml('<labels><!-- <label name="a"/> --></labels>', 'l.xml'), /l\.xml: no <label name="…"> entries/);
  });
});

describe('JSON files', () => {
  const coco = path.join(FIXTURES, 'coco', 'annotations', 'instances_val2014.json');
  const text = fs.readFileSync(coco, 'utf8');

  test('a UTF-8 byte-order mark is accepted (text and file)', async () => {
    assert.deepEqual(parseCocoInstances(BOM + text, 'x.json').categoryIds, [1, 18, 90]);
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'annotations'));
    const file = path.join(dir, 'annotations', 'instances_val2014.json');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const ds = await loadCoco({ annotations: file, checkImages: false });
    assert.equal(ds.size, 3);
    assert.deepEqual(ds.classNames, ['person', 'dog', 'toothbrush']);
    assert.deepEqual(readJsonFile(file, 'f'), JSON.parse(text));
  });

  test('syntax errors name the file, line and column, also where the engine gives no position', async () => {
    await rejectsWith(() => parseJsonText('{\n  "a": 1,\n  "b": tru\n}', 'c.json', 'f'), /^f: c\.json:3:11: bad JSON: Unexpected token/);
    await rejectsWith(() => parseJsonText('{"a": [1, 2', 'c.json', 'f'), /c\.json:1:12: bad JSON: .*ends too early|c\.json:1:12: bad JSON/);
    await rejectsWith(() => parseJsonText(`${BOM}{"a" 1}`, 'c.json', 'f'), /c\.json:1:6: bad JSON: Expected ':'/);
    const truncated = tempFile('config.json', '{"epochs": 3, "name": "run');
    await rejectsWith(() => readJsonFile(truncated, 'readConfig'), new RegExp(`^readConfig: ${escape(truncated)}:1:\\d+: bad JSON`));
  });

  test('COCO: no images, no categories, no annotations are errors, not an empty dataset', async () => {
    const base = { images: [{ id: 1, file_name: 'a.jpg' }], annotations: [{ id: 1, image_id: 1, category_id: 1 }], categories: [{ id: 1, name: 'cat' }] };
    const j = (o: object) => JSON.stringify({ ...base, ...o });
    await rejectsWith(() => parseCocoInstances(j({ images: [], annotations: [] }), 'e.json'), /e\.json: 'images' is empty, so there are no samples/);
    await rejectsWith(() => parseCocoInstances(j({ categories: [], annotations: [] }), 'e.json'), /e\.json: 'categories' is empty, so there are no classes/);
    await rejectsWith(() => parseCocoInstances(j({ annotations: [] }), 'e.json'), /e\.json: 'annotations' is empty, so no image has a label/);
    await rejectsWith(() => parseCocoInstances(j({ annotations: [] }), 'e.json', true), /'annotations' is empty/);
    await rejectsWith(() => parseCocoInstances(j({ categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'cat' }] }), 'e.json'), /two categories are named 'cat'/);
    await rejectsWith(() => parseCocoInstances(j({ images: [{ id: 1, file_name: '' }] }), 'e.json'), /images\[0\] needs an integer 'id' and a non-empty string 'file_name'/);
    const file = tempFile('instances_val2014.json', j({ images: [], annotations: [] }));
    await rejectsWith(() => loadCoco({ annotations: file }), new RegExp(`loadCoco|parseCocoInstances`), new RegExp(`${escape(file)}: 'images' is empty`));
  });
});

describe('CSV through csv-parse', () => {
  test('BOM, quoting, mixed line endings; records keep their first line', () => {
    const r = parseCsv(`${BOM}a,b\r\n"x, y","say ""hi"""\n"multi\r\nline",z\r\r\nlast,1`);
    assert.deepEqual(r.map((x) => x.fields), [['a', 'b'], ['x, y', 'say "hi"'], ['multi\r\nline', 'z'], ['last', '1']]);
    assert.deepEqual(r.map((x) => x.line), [1, 2, 3, 6]);
  });

  test('syntax errors name the file and the line of the record at fault', async () => {
    await rejectsWith(() => parseCsv('a,b\n1,2\n\n"open,3\n4,5\n', 'f.csv'), /parseCsv: f\.csv:4: unterminated quoted field/);
    await rejectsWith(() => parseCsv('a,b\n"x"y,2\n', 'f.csv'), /f\.csv:2: a closing quote must be followed by a comma/);
    await rejectsWith(() => parseCsv('a,b\r\n1,2\r\nx"y,2\r\n', 'f.csv'), /f\.csv:3: a quote inside an unquoted field/);
  });

  test('NUS-WIDE: a file without a header keeps its first row; the header can be stated', () => {
    const body = 'a.jpg,"[\'sky\', \'clouds\']",train\nb.jpg,[],val\n';
    const rows = parseNusWideCsv(body, 'n.csv');
    assert.deepEqual(rows.map((r) => [r.line, r.image, r.concepts, r.split]), [[1, 'a.jpg', ['sky', 'clouds'], 'train'], [2, 'b.jpg', [], 'val']]);
    assert.deepEqual(parseNusWideCsv(`filepath,label,split_name\n${body}`, 'n.csv').map((r) => r.line), [2, 3]);
    assert.deepEqual(parseNusWideCsv(`${BOM}image,labels,split\r\n${body}`, 'n.csv').map((r) => r.image), ['a.jpg', 'b.jpg']);
    assert.deepEqual(parseNusWideCsv(body, 'n.csv', { header: true }).map((r) => r.image), ['b.jpg']);
    assert.deepEqual(parseNusWideCsv(body, 'n.csv', { header: false }).length, 2);
  });

  test('NUS-WIDE: a malformed first data row is reported, not dropped as a header', async () => {
    await rejectsWith(() => parseNusWideCsv('a.jpg,sky,train\nb.jpg,[],val\n', 'n.csv'), /n\.csv:1: label column is not a list/);
    await rejectsWith(() => parseNusWideCsv('filepath,label,split\n', 'n.csv'), /n\.csv: no data rows \(only a header/);
    await rejectsWith(() => parseNusWideCsv('h,l,s\na.jpg,"[\'sky\']",train\n', 'n.csv', { header: 'yes' as never }), /argument 'header' must be true, false or 'auto'/);
    await rejectsWith(() => loadNusWide({ csv: tempFile('n.csv', 'h,l,s\na.jpg,[],train\n'), checkImages: false }), /n\.csv: no row has a concept, so there are no classes/);
    await rejectsWith(() => loadNusWide({ csv: tempFile('n.csv', 'a.jpg,"[\'x\']",t\n'), classNames: ['x', 'x'], checkImages: false }), /argument 'classNames' names 'x' twice/);
  });

  test('NUS-WIDE label lists: quoted names may hold commas, escapes and the other quote', () => {
    assert.deepEqual(parsePythonNameList(`['a, b', "it's", 'c\\'d', 'e\\\\f', '\\x41\\u00e9']`), ['a, b', "it's", "c'd", 'e\\f', 'Aé']);
    assert.deepEqual(parsePythonNameList("['x',]"), ['x']);
    for (const bad of ["['a' 'b']", "['a", "[a]", "['a'] x", "[,]", "['\\x4']"]) assert.equal(parsePythonNameList(bad), undefined, bad);
  });

  test('Open Images: header only, or only machine rows, is an error; a BOM is accepted', async () => {
    const classes = parseOpenImagesClasses(`${BOM}MID,DisplayName\n/m/01,Cat\n`);
    assert.deepEqual(classes, [{ mid: '/m/01', name: 'Cat' }]);
    const head = 'ImageID,Source,LabelName,Confidence\n';
    await rejectsWith(() => parseOpenImagesLabels(head, classes, 'l.csv'), /l\.csv: no label rows after the header/);
    await rejectsWith(() => parseOpenImagesLabels(`${head}i1,machine,/m/01,0.9\n`, classes, 'l.csv'), /l\.csv: all 1 rows are machine-generated and skipped \(pass machineThreshold/);
    const l = parseOpenImagesLabels(`${BOM}${head}i1,verification,/m/01,1\n`, classes, 'l.csv');
    assert.deepEqual([l.imageIds, Array.from(l.targets)], [['i1'], [1]]);
    await rejectsWith(() => parseOpenImagesLabels(`${head}i1,verification,/m/01,1\n`, classes, 'l.csv', 2), /argument 'machineThreshold' must be a number in \[0, 1\]/);
  });
});

describe('ARFF', () => {
  const head = "@relation 't: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute colour {red,green}\n@attribute x numeric\n@data\n";

  test('sparse rows: an omitted nominal value is its first value; a BOM and CRLF are accepted', async () => {
    const file = tempFile('s.arff', `${BOM}${head.replace(/\n/g, '\r\n')}{1 1,3 2.5}\r\n{0 1,2 green}\r\n`);
    const ds = await loadArff({ file });
    assert.deepEqual(Array.from(await ds.targets()), [0, 1, 1, 0]);
    assert.deepEqual(ds.featureNames, ['colour', 'x']);
  });

  test('duplicates, unclosed quotes, empty data and all-negative labels are errors naming the file', async () => {
    await rejectsWith(() => parseArff(`${head}{0 1,0 0}\n`, 'x.arff'), /x\.arff:7: sparse index 0 given twice/);
    await rejectsWith(() => parseArff(`${head.replace('@attribute x', '@attribute a')}0,1,red,1\n`, 'x.arff'), /x\.arff:5: attribute 'a' is declared twice \(first on line 2\)/);
    await rejectsWith(() => parseArff(`${head}0,1,'red,1\n`, 'x.arff'), /x\.arff:7: a quote is not closed/);
    await rejectsWith(() => parseArff("@relation r\n@attribute a {}\n@data\n", 'x.arff'), /x\.arff:2: a nominal type needs at least one value/);
    await rejectsWith(() => loadArff({ file: tempFile('e.arff', head) }), /e\.arff: no data rows after @data/);
    await rejectsWith(() => loadArff({ file: tempFile('n.arff', `${head}0,0,red,1\n`) }), /n\.arff: no row has a positive label/);
    await rejectsWith(() => loadArff({ file: tempFile('o.arff', `${head}1,0,red,1\n`), labelcount: 2 } as never), /loadArff: unknown option 'labelcount' \(did you mean 'labelCount'\?/);
  });
});

describe('every file error names the path', () => {
  const folder = tempDir('asl-folder-');

  test('a folder given where a file is expected', async () => {
    const isFolder = new RegExp(`${escape(folder)} is a folder, expected a file`);
    await rejectsWith(() => loadCoco({ annotations: folder }), /^loadCoco: /, isFolder);
    await rejectsWith(() => loadNusWide({ csv: folder }), isFolder);
    await rejectsWith(() => loadOpenImages({ labels: path.join(FIXTURES, 'open-images', 'train-annotations-human-imagelabels-boxable.csv'), classes: folder }), isFolder);
    await rejectsWith(() => loadArff({ file: folder }), isFolder);
    await rejectsWith(() => loadArff({ file: path.join(FIXTURES, 'arff', 'mulan-tiny.arff'), xml: folder }), isFolder);
    await rejectsWith(() => readIdxFile(folder), isFolder);
    await rejectsWith(() => readDebtagsSnapshot(folder), isFolder);
    await rejectsWith(() => readTextFile(folder, 'f'), isFolder);
    const voc = copyFixture('voc');
    const classFile = path.join(voc, 'VOC2007', 'ImageSets', 'Main', 'cat_trainval.txt');
    fs.rmSync(classFile);
    fs.mkdirSync(classFile);
    await rejectsWith(() => loadVoc({ root: path.join(voc, 'VOC2007'), checkImages: false }), new RegExp(`${escape(classFile)} is a folder, expected a file`));
  });

  test('a file given where a folder is expected, and missing files and folders', async () => {
    const file = tempFile('not-a-folder', 'x');
    await rejectsWith(() => loadVoc({ root: file }), new RegExp(`${escape(file)} is a file, expected a VOC year folder`));
    await rejectsWith(() => loadVoc({ root: '/no/such/VOC2007' }), /missing VOC year folder: \/no\/such\/VOC2007/);
    await rejectsWith(() => loadCocoSplits({ root: '/no/such/coco' }), /missing COCO root folder: \/no\/such\/coco/);
    await rejectsWith(() => loadNusWide({ csv: '/no/such.csv' }), /loadNusWide: missing file: \/no\/such\.csv/);
    await rejectsWith(() => loadOpenImages({ labels: '/no/l.csv', classes: path.join(FIXTURES, 'open-images', 'class-descriptions-boxable.csv') }), /missing file: \/no\/l\.csv/);
    await rejectsWith(() => loadArff({ file: path.join(file, 'x.arff') }), new RegExp(`missing file: ${escape(path.join(file, 'x.arff'))} \\(a folder on its path is a file\\)`));
  });

  test('an image path that is a folder is reported as such', async () => {
    const copy = copyFixture('nus-wide');
    fs.mkdirSync(path.join(copy, 'images', '0004_5678.jpg'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'images', '0005_9012.jpg'), 'x');
    await rejectsWith(() => loadNusWide({ csv: path.join(copy, 'nus_wide_data.csv'), split: 'val' }), /image for id images\/0004_5678\.jpg is a folder, not a file/);
  });

  test('bytes that are not UTF-8 name the file and line, instead of becoming U+FFFD', async () => {
    const file = path.join(tempDir(), 'latin1.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('filepath,label,split\na.jpg,"[\'caf'), Buffer.from([0xe9]), Buffer.from('\']",train\n')]));
    await rejectsWith(() => loadNusWide({ csv: file, checkImages: false }), new RegExp(`${escape(file)}:2: not UTF-8 text`));
  });

  test('loader options are strict: a misspelt option is an error with a suggestion', async () => {
    const ann = path.join(FIXTURES, 'coco', 'annotations', 'instances_val2014.json');
    await rejectsWith(() => loadCoco({ annotations: ann, keepEmtpy: true } as never), /loadCoco: unknown option 'keepEmtpy' \(did you mean 'keepEmpty'\?/);
    await rejectsWith(() => loadVoc({ root: path.join(FIXTURES, 'voc', 'VOC2007'), dificult: 'negative' } as never), /did you mean 'difficult'/);
    const c = await loadCocoSplits({ root: copyFixture('coco'), year: 2014, checkImages: false }).catch((e: unknown) => e);
    assert.ok(c instanceof AslInputError && /instances_train2014\.json/.test(c.message), String(c));
  });
});

test('the fixtures still load with the real parsers (NUS-WIDE header detected, COCO labels unchanged)', async () => {
  const nus = await loadNusWide({ csv: path.join(FIXTURES, 'nus-wide', 'nus_wide_data.csv'), checkImages: false });
  assert.equal(nus.size, 5);
  const coco = parseCocoInstances(fs.readFileSync(path.join(FIXTURES, 'coco', 'annotations', 'instances_val2014.json'), 'utf8'), 'c.json');
  assert.deepEqual(row(coco.targets, 3, 0), [1, 1, 0]);
});
