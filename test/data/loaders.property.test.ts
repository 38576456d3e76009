/**
 * Property-based tests of the loaders (fast-check): random valid inputs and randomly mutated ones,
 * for COCO JSON, VOC XML, CSV (generic and NUS-WIDE), ARFF and IDX bytes, plus files on disk.
 *
 * - A valid input (generated with random but legal variations: byte-order marks, line ends,
 *   comments, CDATA, entities, quoting, key order, sparse rows, gzip) must parse to exactly the
 *   labels it was generated from: "parsed-correctly".
 * - A mutated input (characters or bytes deleted, inserted, replaced, duplicated, truncated) must
 *   either be rejected with an AslInputError whose message names the file ("rejected-with-clear-
 *   error"), or parse to a result that passes the format's consistency checks (and, for COCO,
 *   equals an independent reading of the same JSON): "parsed-after-mutation".
 * - Anything else (a raw exception, an error without the file name, a wrong answer) is "other" and
 *   fails the test. The counts are printed at the end.
 *
 * Runs use a random seed (printed on failure by fast-check); ASL_FC_SEED fixes it and ASL_FC_SCALE
 * multiplies the number of runs.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { AslInputError } from '../../lib/core/errors';
import { arffLabelIndices, arffToArrays, parseArff, parseMulanLabelsXml } from '../../lib/data/arff';
import { loadCoco, parseCocoInstances, type CocoLabels } from '../../lib/data/coco';
import { parseCsv } from '../../lib/data/csv';
import { parseIdx, readIdxFile } from '../../lib/data/idx';
import { parseJsonText } from '../../lib/data/json-file';
import { loadNusWide, parseNusWideCsv } from '../../lib/data/nus-wide';
import { parseOpenImagesClasses } from '../../lib/data/open-images';
import { parseVocAnnotation } from '../../lib/data/voc';
import { tempDir } from './fixtures';

// ---------------------------------------------------------------------------------------------
// Outcome counting

const OUTCOMES = ['parsed-correctly', 'parsed-after-mutation', 'rejected-with-clear-error', 'other'] as const;
type Outcome = (typeof OUTCOMES)[number];
const tally = new Map<string, Record<Outcome, number>>();

function count(format: string, outcome: Outcome): void {
  let row = tally.get(format);
  if (!row) tally.set(format, (row = { 'parsed-correctly': 0, 'parsed-after-mutation': 0, 'rejected-with-clear-error': 0, other: 0 }));
  row[outcome]++;
}

after(() => {
  const rows = [...tally.entries()];
  const total = (o: Outcome) => rows.reduce((a, [, r]) => a + r[o], 0);
  const inputs = OUTCOMES.reduce((a, o) => a + total(o), 0);
  const lines = rows.map(([f, r]) => `  ${f.padEnd(26)} ${OUTCOMES.map((o) => String(r[o]).padStart(8)).join(' ')}`);
  console.log(
    [
      `loader property suite: ${inputs} inputs tried`,
      `  ${'format'.padEnd(26)} ${['correct', 'mutated', 'rejected', 'other'].map((h) => h.padStart(8)).join(' ')}`,
      ...lines,
      `  ${'total'.padEnd(26)} ${OUTCOMES.map((o) => String(total(o)).padStart(8)).join(' ')}`,
      '  (correct = valid input parsed to the generated labels; mutated = mutated input accepted and consistent;',
      '   rejected = AslInputError naming the file; other = anything else, must be 0)',
    ].join('\n'),
  );
});

/** One parse attempt: its value, or the clear error it was rejected with. */
type Attempt<T> = { format: string; ok: true; value: T } | { format: string; ok: false; error: AslInputError };

/** A rejection must be an AslInputError naming `source`; anything else counts as "other" and is rethrown for fast-check to shrink. */
function clearError(format: string, source: string, e: unknown): AslInputError {
  if (e instanceof AslInputError && e.message.includes(source)) return e;
  count(format, 'other');
  throw new Error(`${format}: not a clear error naming ${source}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function attempt<T>(format: string, source: string, parse: () => T): Attempt<T> {
  try {
    return { format, ok: true, value: parse() };
  } catch (e) {
    return { format, ok: false, error: clearError(format, source, e) };
  }
}

async function attemptAsync<T>(format: string, source: string, load: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { format, ok: true, value: await load() };
  } catch (e) {
    return { format, ok: false, error: clearError(format, source, e) };
  }
}

/** Runs `check` on a parsed value; a failed check counts as "other". */
function checked<T>(r: { format: string; value: T }, check: (value: T) => void, outcome: Outcome): void {
  try {
    check(r.value);
  } catch (e) {
    count(r.format, 'other');
    throw e;
  }
  count(r.format, outcome);
}

/** A valid input must parse, and `check` its value against the generated one. */
function expectParsed<T>(r: Attempt<T>, check: (value: T) => void): void {
  if (!r.ok) {
    count(r.format, 'other');
    throw new Error(`${r.format}: a valid input was rejected: ${r.error.message}`);
  }
  checked(r, check, 'parsed-correctly');
}

/** A mutated input is rejected clearly, or parses to something that passes `check`. */
function expectClearOrConsistent<T>(r: Attempt<T>, check: (value: T) => void): void {
  if (r.ok) checked(r, check, 'parsed-after-mutation');
  else count(r.format, 'rejected-with-clear-error');
}

const SEED = process.env.ASL_FC_SEED === undefined ? undefined : Number(process.env.ASL_FC_SEED);
/** ASL_FC_SCALE multiplies every numRuns, for a longer search (the default keeps the suite at about a second). */
const SCALE = Number(process.env.ASL_FC_SCALE ?? 1);
const run = <T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns: number) =>
  fc.assert(fc.property(arb, predicate), { numRuns: Math.round(numRuns * SCALE), seed: SEED });
const runAsync = <T>(arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, numRuns: number) =>
  fc.assert(fc.asyncProperty(arb, predicate), { numRuns: Math.round(numRuns * SCALE), seed: SEED });

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const NOISE = [...'<>/&;"\',[]{}()=!?-#%@\\0aZ9 \t\n\r', 'é', '\ufeff', '\u0000', '<!--', '-->', ']]>', '&amp;', '&#', '{}', '@data'];
const noise = fc.string({ unit: fc.constantFrom(...NOISE), minLength: 1, maxLength: 3 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: noise }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: noise }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

function mutateText(text: string, list: readonly Mutation[]): string {
  let t = text;
  for (const m of list) {
    const at = m.at % (t.length + 1);
    if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.length);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'replace') t = t.slice(0, at) + m.text + t.slice(at + m.text.length);
    else if (m.kind === 'duplicate') t = t.slice(0, at + m.length) + t.slice(at, at + m.length) + t.slice(at + m.length);
    else t = t.slice(0, at);
  }
  return t;
}

function mutateBytes(bytes: Uint8Array, list: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const m of list) {
    const at = m.at % (b.length + 1);
    const raw = m.kind === 'insert' || m.kind === 'replace' ? Buffer.from(m.text, 'latin1') : Buffer.alloc(0);
    if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), raw, b.subarray(at)]);
    else if (m.kind === 'replace') b = Buffer.concat([b.subarray(0, at), raw, b.subarray(at + raw.length)]);
    else if (m.kind === 'duplicate') b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
    else b = b.subarray(0, at);
  }
  return b;
}

/**
 * Writes each generated model's text (as it is, or mutated, half the time each) to a fresh file and
 * runs `body` on it with the outcome row it counts in: `<label> file (valid|mutated)`.
 */
async function onDisk<M>(
  label: string,
  model: fc.Arbitrary<M>,
  text: (m: M) => string,
  numRuns: number,
  body: (file: string, m: M, format: string, mutated: boolean) => Promise<void>,
): Promise<void> {
  const dir = tempDir(`asl-prop-${label}-`);
  let n = 0;
  await runAsync(fc.tuple(model, fc.option(mutations, { nil: undefined, freq: 2 })), async ([m, muts]) => {
    const file = path.join(dir, `${label}-${n++}`);
    fs.writeFileSync(file, muts ? mutateText(text(m), muts) : text(m));
    await body(file, m, `${label} file (${muts ? 'mutated' : 'valid'})`, muts !== undefined);
  }, numRuns);
}

// ---------------------------------------------------------------------------------------------
// COCO instances JSON

interface CocoModel {
  categories: Array<{ id: number; name: string }>;
  images: Array<{ id: number; file: string }>;
  annotations: Array<{ image: number; category: number; crowd: boolean }>;
  keepEmpty: boolean;
  bom: boolean;
  indent: number | string | undefined;
  extras: boolean;
}

const cocoModel: fc.Arbitrary<CocoModel> = fc
  .record({
    ids: fc.uniqueArray(fc.integer({ min: -3, max: 120 }), { minLength: 1, maxLength: 5 }),
    names: fc.uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), { minLength: 5, maxLength: 5 }),
    imageIds: fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 }),
    annotations: fc.array(fc.record({ image: fc.nat(), category: fc.nat(), crowd: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    keepEmpty: fc.boolean(),
    bom: fc.boolean(),
    indent: fc.constantFrom(undefined, 1, '\t'),
    extras: fc.boolean(),
  })
  .map((r) => ({
    categories: r.ids.map((id, i) => ({ id, name: r.names[i] })),
    images: r.imageIds.map((id) => ({ id, file: `COCO_${id}.jpg` })),
    annotations: r.annotations.map((a) => ({ image: r.imageIds[a.image % r.imageIds.length], category: r.ids[a.category % r.ids.length], crowd: a.crowd })),
    keepEmpty: r.keepEmpty,
    bom: r.bom,
    indent: r.indent,
    extras: r.extras,
  }));

function cocoText(m: CocoModel): string {
  const json = {
    ...(m.extras ? { info: { description: 'generated', year: 2014 }, licenses: [] } : {}),
    categories: m.categories.map((c) => (m.extras ? { supercategory: 'x', name: c.name, id: c.id } : { id: c.id, name: c.name })),
    annotations: m.annotations.map((a, i) => ({ id: 1000 + i, image_id: a.image, category_id: a.category, iscrowd: a.crowd ? 1 : 0, ...(m.extras ? { bbox: [0, 0, 1, 1] } : {}) })),
    images: m.images.map((im) => ({ file_name: im.file, id: im.id, ...(m.extras ? { width: 640, height: 480 } : {}) })),
  };
  return (m.bom ? '\ufeff' : '') + JSON.stringify(json, null, m.indent);
}

/** The labels a COCO model describes: classes by increasing id, kept images in file order. */
function cocoExpected(m: CocoModel): { classNames: string[]; imageIds: number[]; targets: number[] } {
  const cats = [...m.categories].sort((a, b) => a.id - b.id);
  const rows = m.images.map((im) => cats.map((c) => (m.annotations.some((a) => a.image === im.id && a.category === c.id) ? 1 : 0)));
  const keep = m.images.map((_, i) => m.keepEmpty || rows[i].includes(1));
  return {
    classNames: cats.map((c) => c.name),
    imageIds: m.images.filter((_, i) => keep[i]).map((im) => im.id),
    targets: rows.filter((_, i) => keep[i]).flat(),
  };
}

/**
 * An independent reading of (possibly mutated) instances JSON, for inputs the loader accepted:
 * the labels it should have produced, or a reason the input is not valid instances JSON.
 */
function cocoReference(text: string, keepEmpty: boolean): { classNames: string[]; imageIds: number[]; targets: number[] } | string {
  let j: unknown;
  try {
    j = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return 'not JSON';
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return 'not an object';
  const get = (k: string): unknown => Object.getOwnPropertyDescriptor(j, k)?.value;
  const [images, annotations, categories] = [get('images'), get('annotations'), get('categories')];
  if (!Array.isArray(images) || !Array.isArray(annotations) || !Array.isArray(categories)) return 'arrays missing';
  const field = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? Object.getOwnPropertyDescriptor(o, k)?.value : undefined);
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  const cats: Array<{ id: number; name: string }> = [];
  for (const c of categories) {
    const id = field(c, 'id');
    const name = field(c, 'name');
    if (!int(id) || typeof name !== 'string' || !name) return 'bad category';
    cats.push({ id, name });
  }
  cats.sort((a, b) => a.id - b.id);
  if (new Set(cats.map((c) => c.id)).size !== cats.length || new Set(cats.map((c) => c.name)).size !== cats.length) return 'duplicate category';
  const ids: number[] = [];
  for (const im of images) {
    const id = field(im, 'id');
    const file = field(im, 'file_name');
    if (!int(id) || typeof file !== 'string' || !file) return 'bad image';
    ids.push(id);
  }
  if (new Set(ids).size !== ids.length) return 'duplicate image';
  const positive = new Set<string>();
  for (const a of annotations) {
    const im = field(a, 'image_id');
    const c = field(a, 'category_id');
    if (!int(im) || !int(c) || !ids.includes(im) || !cats.some((x) => x.id === c)) return 'bad annotation';
    positive.add(`${im}/${c}`);
  }
  if (!cats.length || !ids.length || !annotations.length) return 'empty';
  const rows = ids.map((id) => cats.map((c) => (positive.has(`${id}/${c.id}`) ? 1 : 0)));
  const keep = rows.map((r) => keepEmpty || r.includes(1));
  return { classNames: cats.map((c) => c.name), imageIds: ids.filter((_, i) => keep[i]), targets: rows.filter((_, i) => keep[i]).flat() };
}

const cocoSummary = (c: CocoLabels) => ({ classNames: c.classNames, imageIds: c.images.map((i) => i.id), targets: Array.from(c.targets) });

describe('COCO instances JSON', () => {
  test('valid files parse to the generated labels (BOM, key order, extra fields, crowd, keepEmpty)', () => {
    run(cocoModel, (m) => {
      expectParsed(attempt('coco json (valid)', 'gen.json', () => parseCocoInstances(cocoText(m), 'gen.json', m.keepEmpty)), (c) => {
        assert.deepEqual(cocoSummary(c), cocoExpected(m));
      });
    }, 200);
  });

  test('mutated files are rejected naming the file, or read as an independent reading of the same JSON reads them', () => {
    run(fc.tuple(cocoModel, mutations), ([m, muts]) => {
      const text = mutateText(cocoText(m), muts);
      expectClearOrConsistent(attempt('coco json (mutated)', 'mut.json', () => parseCocoInstances(text, 'mut.json', m.keepEmpty)), (c) => {
        assert.deepEqual(cocoSummary(c), cocoReference(text, m.keepEmpty));
      });
    }, 400);
  });

  test('files on disk: loadCoco reads valid files and names the path in every rejection', async () => {
    await onDisk('coco', cocoModel, cocoText, 40, async (file, m, format, mutated) => {
      const r = await attemptAsync(format, file, async () => (await loadCoco({ annotations: file, keepEmpty: m.keepEmpty, checkImages: false })).coco);
      if (mutated) expectClearOrConsistent(r, (c) => assert.equal(c.targets.length, c.images.length * c.classNames.length));
      else expectParsed(r, (c) => assert.deepEqual(cocoSummary(c), cocoExpected(m)));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// VOC annotation XML

interface VocObjectModel {
  name: string;
  difficult: 'absent' | '0' | '1';
  style: 'plain' | 'cdata' | 'char-refs' | 'padded';
  parts: string[];
  extras: boolean;
}

const XML_CHARS = [...'abcxyzABC019 -_.&<>"\'', 'é', 'ü', '漢', '😀', ']', '['];
const xmlName = fc
  .string({ unit: fc.constantFrom(...XML_CHARS), minLength: 1, maxLength: 8 })
  .filter((s) => s.trim() === s && s.length > 0);
const vocObject: fc.Arbitrary<VocObjectModel> = fc.record({
  name: xmlName,
  difficult: fc.constantFrom('absent' as const, '0' as const, '1' as const),
  style: fc.constantFrom('plain' as const, 'cdata' as const, 'char-refs' as const, 'padded' as const),
  parts: fc.array(xmlName, { maxLength: 2 }),
  extras: fc.boolean(),
});
const vocDoc = fc.record({
  objects: fc.array(vocObject, { maxLength: 5 }),
  commentsAt: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
  declaration: fc.boolean(),
  bom: fc.boolean(),
  crlf: fc.boolean(),
});

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const charRefs = (s: string) => [...s].map((ch, i) => (i % 2 ? `&#${ch.codePointAt(0)};` : `&#x${ch.codePointAt(0)!.toString(16)};`)).join('');

function nameXml(o: VocObjectModel): string {
  if (o.style === 'cdata' && !o.name.includes(']]>')) return `<![CDATA[${o.name}]]>`;
  if (o.style === 'char-refs') return charRefs(o.name);
  if (o.style === 'padded') return `\n      ${escapeXml(o.name)}  \n    `;
  return escapeXml(o.name);
}

function vocXml(d: { objects: VocObjectModel[]; commentsAt: number[]; declaration: boolean; bom: boolean; crlf: boolean }): string {
  const parts: string[] = [];
  d.objects.forEach((o, i) => {
    for (const c of d.commentsAt) if (c === i) parts.push(`  <!-- <object><name>cat</name><difficult>0</difficult></object> -->`);
    const inner = [
      `    <name>${nameXml(o)}</name>`,
      o.extras ? '    <pose>Unspecified</pose>\n    <truncated>0</truncated>' : '',
      o.difficult === 'absent' ? '' : `    <difficult>${o.difficult}</difficult>`,
      o.extras ? '    <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>' : '',
      ...o.parts.map((p) => `    <part><name>${escapeXml(p)}</name></part>`),
    ].filter(Boolean);
    parts.push(`  <object${o.extras ? ' id="o1"' : ''}>\n${inner.join('\n')}\n  </object>`);
  });
  const body = `${d.declaration ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<annotation>\n  <folder>VOC2007</folder>\n${parts.join('\n')}\n</annotation>\n`;
  return (d.bom ? '\ufeff' : '') + (d.crlf ? body.replace(/\n/g, '\r\n') : body);
}

describe('VOC annotation XML', () => {
  test('valid annotations parse to the generated objects (comments, CDATA, character references, parts, CRLF)', () => {
    run(vocDoc, (d) => {
      expectParsed(attempt('voc xml (valid)', 'gen.xml', () => parseVocAnnotation(vocXml(d), 'gen.xml')), (objs) => {
        assert.deepEqual(objs, d.objects.map((o) => ({ name: o.name, difficult: o.difficult === '1' })));
      });
    }, 250);
  });

  test('mutated annotations are rejected naming the file, or give non-empty trimmed names', () => {
    run(fc.tuple(vocDoc, mutations), ([d, muts]) => {
      const text = mutateText(vocXml(d), muts);
      expectClearOrConsistent(attempt('voc xml (mutated)', 'mut.xml', () => parseVocAnnotation(text, 'mut.xml')), (objs) => {
        for (const o of objs) {
          assert.ok(o.name !== '' && o.name === o.name.trim(), `name ${JSON.stringify(o.name)}`);
          assert.equal(typeof o.difficult, 'boolean');
        }
      });
    }, 400);
  });
});

// ---------------------------------------------------------------------------------------------
// CSV: generic records and NUS-WIDE

const CSV_CHARS = [...'ab xyz019,"\'\n\r;|', 'é', '漢'];
const csvField = fc.string({ unit: fc.constantFrom(...CSV_CHARS), maxLength: 6 });
const csvDoc = fc.record({
  records: fc.array(fc.array(csvField, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  quoteAll: fc.boolean(),
  bom: fc.boolean(),
  finalEol: fc.boolean(),
});

/** A field as CSV: quoted when it must be (or always); a leading U+FEFF is quoted so it is not read as a byte-order mark. */
const csvQuote = (f: string, always: boolean) => (always || /^\ufeff|[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);

/** CSV text of records and the line each record starts on. */
function csvText(d: { records: string[][]; eol: string; quoteAll: boolean; bom: boolean; finalEol: boolean }): { text: string; lines: number[] } {
  const lines: number[] = [];
  let line = 1;
  const rows = d.records.map((r) => {
    lines.push(line);
    const row = r.map((f) => csvQuote(f, d.quoteAll)).join(',');
    line += (row.match(/\r\n|\r|\n/g) ?? []).length + 1;
    return row;
  });
  return { text: (d.bom ? '\ufeff' : '') + rows.join(d.eol) + (d.finalEol && rows.length ? d.eol : ''), lines };
}

const serialize = (records: string[][]) => records.map((r) => r.map((f) => csvQuote(f, false)).join(',')).join('\n');

describe('CSV', () => {
  test('valid CSV parses to the generated records and lines (quotes, commas, line breaks in fields, CRLF/LF/CR, BOM)', () => {
    run(csvDoc, (d) => {
      const { text, lines } = csvText(d);
      expectParsed(attempt('csv (valid)', 'gen.csv', () => parseCsv(text, 'gen.csv')), (recs) => {
        assert.deepEqual(recs.map((r) => r.fields), d.records);
        assert.deepEqual(recs.map((r) => r.line), lines);
      });
    }, 300);
  });

  test('mutated CSV is rejected naming file:line, or its records survive a write-and-read round trip', () => {
    run(fc.tuple(csvDoc, mutations), ([d, muts]) => {
      const text = mutateText(csvText(d).text, muts);
      const lineCount = (text.match(/\r\n|\r|\n/g) ?? []).length + 1;
      const r = attempt('csv (mutated)', 'mut.csv', () => parseCsv(text, 'mut.csv'));
      if (!r.ok) assert.match(r.error.message, /mut\.csv:\d+: /);
      expectClearOrConsistent(r, (records) => {
        const fields = records.map((x) => x.fields);
        assert.deepEqual(parseCsv(serialize(fields), 'again.csv').map((x) => x.fields), fields);
        records.forEach((x, i) => assert.ok(x.line >= 1 && x.line <= lineCount && (i === 0 || x.line > records[i - 1].line), `line ${x.line}`));
      });
    }, 400);
  });

  const concept = fc.string({ unit: fc.constantFrom(...'ab xyz,\'"\\-漢é'), minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== '');
  const nusRow = fc.record({ image: fc.stringMatching(/^[a-z0-9_]{1,6}\/[a-z0-9_]{1,6}\.jpg$/), concepts: fc.array(concept, { maxLength: 3 }), split: fc.constantFrom('train', 'val') });
  const nusDoc = fc.record({ rows: fc.array(nusRow, { minLength: 1, maxLength: 6 }), header: fc.boolean(), eol: fc.constantFrom('\n', '\r\n'), bom: fc.boolean() });
  /** Python's repr of a string: single quotes unless it holds ' and no ", backslash-escaped. */
  const pyRepr = (s: string) => {
    const q = s.includes("'") && !s.includes('"') ? '"' : "'";
    return q + s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
  };
  const nusText = (d: { rows: Array<{ image: string; concepts: string[]; split: string }>; header: boolean; eol: string; bom: boolean }) =>
    (d.bom ? '\ufeff' : '') +
    [...(d.header ? ['filepath,label,split_name'] : []), ...d.rows.map((r) => [r.image, csvQuote(`[${r.concepts.map(pyRepr).join(', ')}]`, false), r.split].join(','))].join(d.eol) +
    d.eol;

  test('NUS-WIDE CSV with or without a header parses to the generated rows (the first row is never dropped)', () => {
    run(nusDoc, (d) => {
      expectParsed(attempt('nus-wide csv (valid)', 'gen.csv', () => parseNusWideCsv(nusText(d), 'gen.csv')), (rows) => {
        assert.deepEqual(rows.map((r) => ({ image: r.image, concepts: r.concepts, split: r.split })), d.rows.map((r) => ({ ...r })));
        assert.equal(rows[0].line, d.header ? 2 : 1);
      });
    }, 250);
  });

  test('mutated NUS-WIDE CSV is rejected naming the file, or gives well-formed rows', () => {
    run(fc.tuple(nusDoc, mutations), ([d, muts]) => {
      expectClearOrConsistent(attempt('nus-wide csv (mutated)', 'mut.csv', () => parseNusWideCsv(mutateText(nusText(d), muts), 'mut.csv')), (rows) => {
        assert.ok(rows.length > 0);
        for (const r of rows) assert.ok(r.image !== '' && r.concepts.every((c) => c.trim() !== ''));
      });
    }, 300);
  });

  test('files on disk: loadNusWide reads valid files and names the path in every rejection', async () => {
    await onDisk('nus-wide', nusDoc, nusText, 40, async (file, d, format, mutated) => {
      const r = await attemptAsync(format, file, async () => {
        const ds = await loadNusWide({ csv: file, checkImages: false });
        return { size: ds.size, classNames: ds.classNames, targets: Array.from(await ds.targets()) };
      });
      const classes = [...new Set(d.rows.flatMap((row) => row.concepts))].sort();
      if (mutated) expectClearOrConsistent(r, (ds) => assert.ok(ds.size > 0 && ds.classNames.length > 0));
      else if (classes.length > 0) {
        expectParsed(r, (ds) => {
          assert.deepEqual(ds.classNames, classes);
          assert.deepEqual(ds.targets, d.rows.flatMap((row) => classes.map((c) => (row.concepts.includes(c) ? 1 : 0))));
        });
      } else {
        // A file where no row has a concept has no classes: rejected, naming the file.
        assert.ok(!r.ok && /no row has a concept/.test(r.error.message), 'a file without any concept is rejected');
        count(r.format, 'rejected-with-clear-error');
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ARFF (MEKA)

interface ArffModel {
  labels: string[];
  features: Array<{ name: string; nominal: string[] | undefined; numericType: string }>;
  rows: Array<{ labels: Array<'0' | '1' | '?'>; features: Array<number | '?'>; sparse: boolean }>;
  labelsLast: boolean;
  bom: boolean;
  crlf: boolean;
  comments: boolean;
}

const attrName = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);
const arffModel: fc.Arbitrary<ArffModel> = fc
  .record({
    names: fc.uniqueArray(attrName, { minLength: 2, maxLength: 8 }),
    labelCount: fc.integer({ min: 1, max: 4 }),
    nominal: fc.array(fc.option(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 3 }), { nil: undefined }), { minLength: 8, maxLength: 8 }),
    numericType: fc.constantFrom('numeric', 'REAL', 'integer'),
    rowSeeds: fc.array(fc.record({ labels: fc.array(fc.constantFrom('0' as const, '1' as const, '?' as const), { minLength: 4, maxLength: 4 }), values: fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant('?' as const)), { minLength: 8, maxLength: 8 }), sparse: fc.boolean() }), { minLength: 1, maxLength: 5 }),
    labelsLast: fc.boolean(),
    bom: fc.boolean(),
    crlf: fc.boolean(),
    comments: fc.boolean(),
  })
  .map((r) => {
    const k = Math.min(r.labelCount, r.names.length - 1);
    const features = r.names.slice(k).map((name, i) => ({ name, nominal: r.nominal[i], numericType: r.numericType }));
    const rows = r.rowSeeds.map((s) => ({
      labels: s.labels.slice(0, k),
      // numeric values as quarters (exact in float32); nominal values as an index into the value list
      features: features.map((f, i) => {
        const v = s.values[i];
        return v === '?' ? v : f.nominal ? Math.abs(v) % f.nominal.length : v / 4;
      }),
      sparse: s.sparse,
    }));
    rows[0].labels[0] = '1'; // at least one positive label
    return { labels: r.names.slice(0, k), features, rows, labelsLast: r.labelsLast, bom: r.bom, crlf: r.crlf, comments: r.comments };
  });

function arffText(m: ArffModel): string {
  const k = m.labels.length;
  const labelAttrs = m.labels.map((n) => `@attribute ${n} {0,1}`);
  const featureAttrs = m.features.map((f) => `@attribute ${f.name} ${f.nominal ? `{${f.nominal.join(',')}}` : f.numericType}`);
  const attrs = m.labelsLast ? [...featureAttrs, ...labelAttrs] : [...labelAttrs, ...featureAttrs];
  const rows = m.rows.map((r) => {
    const feats = r.features.map((v, i) => (v === '?' ? '?' : m.features[i].nominal ? m.features[i].nominal![v] : String(v)));
    const values = m.labelsLast ? [...feats, ...r.labels] : [...r.labels, ...feats];
    if (!r.sparse) return values.join(',');
    // sparse: omit numeric zeros, label 0 and a nominal attribute's first value
    const firstValue = (i: number) => {
      const f = m.labelsLast ? (i < m.features.length ? m.features[i] : undefined) : i >= k ? m.features[i - k] : undefined;
      return f?.nominal ? f.nominal[0] : '0';
    };
    return `{${values.map((v, i) => (v === firstValue(i) ? '' : `${i} ${v}`)).filter(Boolean).join(',')}}`;
  });
  const lines = [
    ...(m.comments ? ['% generated'] : []),
    `@relation 'gen: -C ${m.labelsLast ? -k : k}'`,
    '',
    ...attrs,
    '@data',
    ...(m.comments ? ['% rows'] : []),
    ...rows,
  ];
  const body = lines.join('\n') + '\n';
  return (m.bom ? '\ufeff' : '') + (m.crlf ? body.replace(/\n/g, '\r\n') : body);
}

function readArffText(text: string, source: string) {
  const data = parseArff(text, source);
  return arffToArrays(data, arffLabelIndices(data, source), source);
}

describe('ARFF', () => {
  test('valid MEKA files parse to the generated labels, mask and features (dense and sparse rows)', () => {
    run(arffModel, (m) => {
      expectParsed(attempt('arff (valid)', 'gen.arff', () => readArffText(arffText(m), 'gen.arff')), (a) => {
        assert.deepEqual(a.classNames, m.labels);
        assert.deepEqual(a.featureNames, m.features.map((f) => f.name));
        assert.deepEqual(Array.from(a.targets), m.rows.flatMap((r) => r.labels.map((v) => (v === '1' ? 1 : 0))));
        const unknown = m.rows.some((r) => r.labels.includes('?'));
        assert.deepEqual(a.mask && Array.from(a.mask), unknown ? m.rows.flatMap((r) => r.labels.map((v) => (v === '?' ? 0 : 1))) : undefined);
        assert.deepEqual(Array.from(a.inputs), m.rows.flatMap((r) => r.features.map((v) => (v === '?' ? 0 : v))));
      });
    }, 250);
  });

  test('mutated ARFF is rejected naming the file, or gives consistent arrays', () => {
    run(fc.tuple(arffModel, mutations), ([m, muts]) => {
      expectClearOrConsistent(attempt('arff (mutated)', 'mut.arff', () => readArffText(mutateText(arffText(m), muts), 'mut.arff')), (a) => {
        const rows = a.targets.length / a.classNames.length;
        assert.ok(Number.isInteger(rows) && a.inputs.length === rows * a.featureNames.length);
        assert.ok(a.targets.every((v) => v === 0 || v === 1) && a.inputs.every(Number.isFinite));
      });
    }, 400);
  });
});

// ---------------------------------------------------------------------------------------------
// IDX bytes

const idxModel = fc.record({
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
  fill: fc.uint8Array({ minLength: 125, maxLength: 125 }),
  gzip: fc.boolean(),
});

function idxBytes(m: { shape: number[]; fill: Uint8Array; gzip: boolean }): { bytes: Uint8Array; data: Uint8Array } {
  const count = m.shape.reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(4 + 4 * m.shape.length);
  header[2] = 0x08;
  header[3] = m.shape.length;
  m.shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const data = m.fill.subarray(0, count);
  const raw = Buffer.concat([header, data]);
  return { bytes: m.gzip ? zlib.gzipSync(raw) : raw, data };
}

describe('IDX', () => {
  test('valid IDX buffers (plain or gzipped) decode to the generated shape and bytes', () => {
    run(idxModel, (m) => {
      const { bytes, data } = idxBytes(m);
      expectParsed(attempt('idx (valid)', 'gen.idx', () => parseIdx(bytes, 'gen.idx')), (a) => {
        assert.deepEqual(a.shape, m.shape);
        assert.deepEqual(Array.from(a.data), Array.from(data));
      });
    }, 200);
  });

  test('mutated IDX bytes are rejected naming the file, or decode consistently', () => {
    run(fc.tuple(idxModel, mutations), ([m, muts]) => {
      const bytes = mutateBytes(idxBytes(m).bytes, muts);
      expectClearOrConsistent(attempt('idx (mutated)', 'mut.idx', () => parseIdx(bytes, 'mut.idx')), (a) => {
        assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1));
      });
    }, 300);
  });

  test('files on disk: readIdxFile names the path', () => {
    const dir = tempDir('asl-prop-idx-');
    let n = 0;
    run(fc.tuple(idxModel, mutations), ([m, muts]) => {
      const file = path.join(dir, `f${n++}.idx`);
      fs.writeFileSync(file, mutateBytes(idxBytes(m).bytes, muts));
      expectClearOrConsistent(attempt('idx file (mutated)', file, () => readIdxFile(file)), (a) => assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1)));
    }, 30);
  });
});

// ---------------------------------------------------------------------------------------------
// Arbitrary text, and the JSON error positions

describe('arbitrary text and bytes', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(...NOISE, 'object', 'name', 'annotation', 'images', '@attribute', '@relation', 'x {0,1}', ':', '1'), maxLength: 30 }),
  );
  const parsers: Array<[string, (t: string, source: string) => unknown]> = [
    ['coco json (random)', (t, src) => parseCocoInstances(t, src)],
    ['voc xml (random)', (t, src) => parseVocAnnotation(t, src)],
    ['mulan xml (random)', (t, src) => parseMulanLabelsXml(t, src)],
    ['csv (random)', (t, src) => parseCsv(t, src)],
    ['nus-wide csv (random)', (t, src) => parseNusWideCsv(t, src)],
    ['open images csv (random)', (t, src) => parseOpenImagesClasses(t, src)],
    ['arff (random)', (t, src) => readArffText(t, src)],
  ];
  test('random text is parsed or rejected naming the source, by every text parser', () => {
    run(text, (t) => {
      for (const [format, parse] of parsers) expectClearOrConsistent(attempt(format, 'rnd.txt', () => parse(t, 'rnd.txt')), () => undefined);
    }, 150);
  });

  test('random bytes are decoded or rejected naming the source by the IDX reader', () => {
    run(fc.uint8Array({ maxLength: 40 }), (b) => {
      expectClearOrConsistent(attempt('idx (random)', 'rnd.idx', () => parseIdx(b, 'rnd.idx')), (a) => assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1)));
    }, 200);
  });

  test('JSON syntax errors: found exactly when JSON.parse fails, at a line and column inside the text', () => {
    run(fc.tuple(fc.json(), fc.option(mutations, { nil: undefined, freq: 4 })), ([json, muts]) => {
      const t = muts ? mutateText(json, muts) : json;
      let valid = true;
      try {
        JSON.parse(t.replace(/^\ufeff/, ''));
      } catch {
        valid = false;
      }
      const r = attempt('json text', 'j.json', () => parseJsonText(t, 'j.json', 'test'));
      if (valid) expectParsed(r, () => undefined);
      else {
        const m = /j\.json(?::(\d+):(\d+))?: bad JSON: /.exec(r.ok ? '' : r.error.message);
        const lines = t.split('\n');
        const ok = m !== null && m[1] !== undefined && Number(m[1]) <= lines.length && Number(m[2]) <= lines[Number(m[1]) - 1].length + 1;
        count('json text', ok ? 'rejected-with-clear-error' : 'other');
        assert.ok(ok, `${r.ok ? 'accepted' : r.error.message} for ${JSON.stringify(t)}`);
      }
    }, 300);
  });
});

test('no input ended in the "other" class', () => {
  for (const [format, row] of tally) assert.equal(row.other, 0, format);
  assert.ok(tally.size >= 12);
});
