/**
 * NUS-WIDE in the CSV form used by ASL, Query2Label and ML-Decoder (landscape §6.3): a header row,
 * then per image `<image path>,"['concept', …]",<train|val>` (columns read by position). Classes are
 * the sorted union of the concept names (81 in the standard file) unless `classNames` is given.
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { parseCsv } from './csv';
import { imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';
import { readTextFile } from './json-file';

/** Parses a stringified Python list of names: `['clouds', 'sky']` → `['clouds', 'sky']`. */
export function parsePythonNameList(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  const inner = t.slice(1, -1).trim();
  if (inner === '') return [];
  const out: string[] = [];
  for (const part of inner.split(',')) {
    const m = /^\s*(['"])(.*)\1\s*$/.exec(part);
    if (!m) return undefined;
    out.push(m[2]);
  }
  return out;
}

export interface NusWideRow {
  line: number;
  image: string;
  concepts: string[];
  split: string;
}

/** Parses and validates the CSV text (header skipped); bad rows name `source` and the line. */
export function parseNusWideCsv(text: string, source = 'nus_wide.csv'): NusWideRow[] {
  const fn = 'parseNusWideCsv';
  const records = parseCsv(text, source);
  if (records.length === 0) fail(fn, undefined, `${source}: empty file`);
  return records.slice(1).map((r) => {
    if (r.fields.length < 3) fail(fn, undefined, `${source}:${r.line}: expected 3 columns (image, labels, split), got ${r.fields.length}`);
    const concepts = parsePythonNameList(r.fields[1]);
    if (!concepts) fail(fn, undefined, `${source}:${r.line}: label column is not a list like ['sky', 'clouds']: ${r.fields[1]}`);
    return { line: r.line, image: r.fields[0], concepts, split: r.fields[2].trim() };
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
}

/** Loads NUS-WIDE (one split of the CSV) as a streaming image dataset. */
export async function loadNusWide(options: NusWideOptions): Promise<ImageFileDataset> {
  const fn = 'loadNusWide';
  if (typeof options?.csv !== 'string') fail(fn, 'csv', 'must be the path of the NUS-WIDE CSV file');
  const rows = parseNusWideCsv(readTextFile(options.csv, fn), options.csv);
  const classNames = options.classNames ? [...options.classNames] : [...new Set(rows.flatMap((r) => r.concepts))].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  const kept = options.split === undefined ? rows : rows.filter((r) => r.split === options.split);
  if (options.split !== undefined && kept.length === 0) {
    fail(fn, 'split', `no row has split '${options.split}' (found: ${[...new Set(rows.map((r) => r.split))].join(', ')})`);
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
