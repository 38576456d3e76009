/**
 * NUS-WIDE in the CSV form used by ASL, Query2Label and ML-Decoder (landscape §6.3): a header row
 * (detected, or stated with `header`), then per image `<image path>,"['concept', …]",<train|val>` (columns read by position). Classes are
 * the sorted union of the concept names (81 in the standard file) unless `classNames` is given.
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { parseCsv } from './csv';
import { readTextFile } from './files';
import { checkClassNames, IMAGE_LOADER_OPTION_KEYS, imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';

const PY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };

/**
 * Parses a stringified Python list of names, as `str(list)` writes it: `['clouds', 'sky']` →
 * `['clouds', 'sky']`. Items are single- or double-quoted strings with Python's escapes (`\'`,
 * `\\`, `\n`, `\xNN`, `\uNNNN`); commas inside quotes belong to the name; a trailing comma is
 * allowed. Anything else (bare words, unterminated quotes, text after `]`) gives undefined.
 */
export function parsePythonNameList(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  const out: string[] = [];
  let i = 1;
  const end = t.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(t[i])) i++;
  };
  for (;;) {
    skipSpace();
    if (i === end) return out;
    const q = t[i];
    if (q !== "'" && q !== '"') return undefined;
    let name = '';
    for (i++; ; i++) {
      if (i >= end) return undefined;
      const c = t[i];
      if (c === q) break;
      if (c !== '\\') {
        name += c;
        continue;
      }
      const e = t[++i];
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        const digits = t.slice(i + 1, i + 1 + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return undefined;
        const code = parseInt(digits, 16);
        if (code > 0x10ffff) return undefined;
        name += String.fromCodePoint(code);
        i += hex;
      } else name += PY_ESCAPES[e] ?? `\\${e}`;
    }
    out.push(name);
    i++;
    skipSpace();
    if (i === end) return out;
    if (t[i] !== ',') return undefined;
    i++;
  }
}

export interface NusWideRow {
  line: number;
  image: string;
  concepts: string[];
  split: string;
}

/** Whether the first CSV record is a header: `true`, `false`, or `'auto'` (see {@link parseNusWideCsv}). */
export type CsvHeaderMode = boolean | 'auto';

const IMAGE_FILE = /\.(jpe?g|png|gif|bmp|tiff?|webp)$/i;

/**
 * Parses and validates the CSV text; bad rows name `source` and the line. The first record is a
 * header when `header` is true, data when false, and with `'auto'` (default) a header exactly when
 * its label column is not a list and its first column is not an image file name: a file without a
 * header keeps its first row, and a first row that is data but malformed is reported, not dropped.
 */
export function parseNusWideCsv(text: string, source = 'nus_wide.csv', options: { header?: CsvHeaderMode } = {}): NusWideRow[] {
  const fn = 'parseNusWideCsv';
  checkOptionKeys(options, ['header'], fn);
  const header = options.header ?? 'auto';
  if (header !== true && header !== false && header !== 'auto') fail(fn, 'header', `must be true, false or 'auto', got ${JSON.stringify(header)}`);
  const records = parseCsv(text, source);
  if (records.length === 0) fail(fn, undefined, `${source}: empty file`);
  const first = records[0].fields;
  const skipFirst =
    header === 'auto' ? parsePythonNameList(first[1] ?? '') === undefined && !IMAGE_FILE.test(first[0].trim()) : header;
  const data = skipFirst ? records.slice(1) : records;
  if (data.length === 0) fail(fn, undefined, `${source}: no data rows (only a header: ${first.join(',')})`);
  return data.map((r) => {
    if (r.fields.length < 3) fail(fn, undefined, `${source}:${r.line}: expected 3 columns (image, labels, split), got ${r.fields.length}`);
    const concepts = parsePythonNameList(r.fields[1]);
    if (!concepts) fail(fn, undefined, `${source}:${r.line}: label column is not a list like ['sky', 'clouds']: ${r.fields[1]}`);
    const image = r.fields[0].trim();
    if (image === '') fail(fn, undefined, `${source}:${r.line}: empty image path`);
    const empty = concepts.findIndex((c) => c.trim() === '');
    if (empty >= 0) fail(fn, undefined, `${source}:${r.line}: empty concept name in ${r.fields[1]}`);
    return { line: r.line, image, concepts, split: r.fields[2].trim() };
  });
}

export interface NusWideOptions extends ImageLoaderOptions {
  /** The CSV file. */
  csv: string;
  /** Split to keep (`train` or `val`; default all rows). */
  split?: string;
  /** Folder the image paths are relative to (default: the CSV's folder). */
  images?: string;
  /** Class list (default: sorted union of all concepts in the file); other concepts are errors. */
  classNames?: readonly string[];
  /** Whether the first row is a header (default `'auto'`, see {@link parseNusWideCsv}). */
  header?: CsvHeaderMode;
}

const NUS_WIDE_OPTION_KEYS = ['csv', 'split', 'images', 'classNames', 'header', ...IMAGE_LOADER_OPTION_KEYS];

/** Loads NUS-WIDE (one split of the CSV) as a streaming image dataset. */
export async function loadNusWide(options: NusWideOptions): Promise<ImageFileDataset> {
  const fn = 'loadNusWide';
  if (typeof options?.csv !== 'string') fail(fn, 'csv', 'must be the path of the NUS-WIDE CSV file');
  checkOptionKeys(options, NUS_WIDE_OPTION_KEYS, fn);
  const rows = parseNusWideCsv(readTextFile(options.csv, fn), options.csv, { header: options.header });
  const classNames = options.classNames ? checkClassNames(options.classNames, fn) : [...new Set(rows.flatMap((r) => r.concepts))].sort();
  if (classNames.length === 0) fail(fn, undefined, `${options.csv}: no row has a concept, so there are no classes`);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const kept = options.split === undefined ? rows : rows.filter((r) => r.split === options.split);
  if (options.split !== undefined && kept.length === 0) {
    fail(fn, 'split', `'${options.split}' matches no row of ${options.csv} (splits found: ${[...new Set(rows.map((r) => r.split))].join(', ')})`);
  }
  const k = classNames.length;
  const targets = new Uint8Array(kept.length * k);
  kept.forEach((r, i) => {
    for (const c of r.concepts) {
      const j = index.get(c);
      if (j === undefined) fail(fn, undefined, `${options.csv}:${r.line}: unknown class '${c}'`);
      targets[i * k + j] = 1;
    }
  });
  const dir = options.images ?? path.dirname(options.csv);
  return new ImageFileDataset({
    name: `nus-wide/${options.split ?? 'all'}`,
    classNames,
    targets,
    records: kept.map((r) => ({ id: r.image, file: path.resolve(dir, r.image) })),
    imageSize: options.imageSize,
    checkImages: options.checkImages,
    augment: imageAugmentation(options.augmentation),
  });
}
