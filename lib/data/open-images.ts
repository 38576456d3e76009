/**
 * Open Images image-level labels (landscape §6.4): `ImageID,Source,LabelName,Confidence` rows plus a
 * class-description CSV (`MID,DisplayName`, with or without a header). Human-verified labels are
 * explicit: confidence 1 = present, 0 = verified absent (a known negative); every (image, class)
 * pair not listed is *unknown* and is masked out (known-label mask 0). Machine-generated rows
 * (`Source` = `machine`, fractional confidences) are skipped unless `machineThreshold` is given.
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { parseCsv } from './csv';
import { readTextFile } from './files';
import { IMAGE_LOADER_OPTION_KEYS, imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';

/** Reads class descriptions: MID → display name, in file order (a `LabelName,DisplayName` header is skipped). */
export function parseOpenImagesClasses(text: string, source = 'class-descriptions.csv'): Array<{ mid: string; name: string }> {
  const fn = 'parseOpenImagesClasses';
  const out: Array<{ mid: string; name: string }> = [];
  const seen = new Set<string>();
  parseCsv(text, source).forEach((r, i) => {
    if (i === 0 && /^(LabelName|MID)$/i.test(r.fields[0].trim())) return;
    if (r.fields.length < 2) fail(fn, undefined, `${source}:${r.line}: expected 'MID,DisplayName', got ${r.fields.length} column(s)`);
    const mid = r.fields[0].trim();
    if (mid === '') fail(fn, undefined, `${source}:${r.line}: empty MID`);
    if (seen.has(mid)) fail(fn, undefined, `${source}:${r.line}: duplicate class ${mid}`);
    seen.add(mid);
    out.push({ mid, name: r.fields[1] });
  });
  if (out.length === 0) fail(fn, undefined, `${source}: no classes`);
  return out;
}

export interface OpenImagesLabels {
  imageIds: string[];
  classNames: string[];
  mids: string[];
  targets: Uint8Array;
  mask: Uint8Array;
}

/**
 * Parses image-level labels against the class list. Errors (naming file and line): missing header
 * column, unknown class MID, a confidence that is not a number in [0, 1] or that is fractional on a
 * human row.
 */
export function parseOpenImagesLabels(
  text: string,
  classes: ReadonlyArray<{ mid: string; name: string }>,
  source = 'image-labels.csv',
  machineThreshold?: number,
): OpenImagesLabels {
  const fn = 'parseOpenImagesLabels';
  if (machineThreshold !== undefined && !(typeof machineThreshold === 'number' && machineThreshold >= 0 && machineThreshold <= 1)) {
    fail(fn, 'machineThreshold', `must be a number in [0, 1], got ${JSON.stringify(machineThreshold)}`);
  }
  const records = parseCsv(text, source);
  if (records.length === 0) fail(fn, undefined, `${source}: empty file`);
  const header = records[0].fields.map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) fail(fn, undefined, `${source}:${records[0].line}: header has no '${name}' column (got ${header.join(',')})`);
    return i;
  };
  const [ci, cs, cl, cc] = [col('ImageID'), col('Source'), col('LabelName'), col('Confidence')];
  const classIndex = new Map(classes.map((c, i) => [c.mid, i]));
  const k = classes.length;
  const imageRow = new Map<string, number>();
  const entries: Array<[number, number, number]> = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) fail(fn, undefined, `${source}:${r.line}: expected ${header.length} columns, got ${r.fields.length}`);
    const id = r.fields[ci].trim();
    const mid = r.fields[cl].trim();
    const conf = Number(r.fields[cc]);
    if (!id) fail(fn, undefined, `${source}:${r.line}: empty ImageID`);
    if (r.fields[cc].trim() === '' || !(conf >= 0 && conf <= 1)) fail(fn, undefined, `${source}:${r.line}: Confidence must be a number in [0, 1], got '${r.fields[cc]}'`);
    const c = classIndex.get(mid);
    if (c === undefined) fail(fn, undefined, `${source}:${r.line}: unknown class id ${mid} (not in the class descriptions)`);
    const machine = r.fields[cs].trim() === 'machine';
    let value: number;
    if (machine) {
      if (machineThreshold === undefined) continue;
      value = conf >= machineThreshold ? 1 : 0;
    } else {
      if (conf !== 0 && conf !== 1) fail(fn, undefined, `${source}:${r.line}: a human-verified label must have Confidence 0 or 1, got ${r.fields[cc]}`);
      value = conf;
    }
    let row = imageRow.get(id);
    if (row === undefined) imageRow.set(id, (row = imageRow.size));
    entries.push([row, c, value]);
  }
  if (records.length === 1) fail(fn, undefined, `${source}: no label rows after the header`);
  if (entries.length === 0) {
    fail(fn, undefined, `${source}: all ${records.length - 1} rows are machine-generated and skipped (pass machineThreshold to use them)`);
  }
  const n = imageRow.size;
  const targets = new Uint8Array(n * k);
  const mask = new Uint8Array(n * k);
  // a positive wins over a negative for the same pair (e.g. human 1 and machine 0)
  for (const [row, c, v] of entries) {
    mask[row * k + c] = 1;
    if (v === 1) targets[row * k + c] = 1;
  }
  return { imageIds: [...imageRow.keys()], classNames: classes.map((c) => c.name), mids: classes.map((c) => c.mid), targets, mask };
}

export interface OpenImagesOptions extends ImageLoaderOptions {
  /** Image-level labels CSV. */
  labels: string;
  /** Class descriptions CSV (`MID,DisplayName`). */
  classes: string;
  /** Image folder; images are `<images>/<ImageID>.jpg` (default: the labels CSV's folder). */
  images?: string;
  /** Use machine-generated rows, positive when confidence ≥ this (default: skip them). */
  machineThreshold?: number;
}

/** Loads Open Images image-level labels as a streaming image dataset with a known-label mask. */
export async function loadOpenImages(options: OpenImagesOptions): Promise<ImageFileDataset> {
  const fn = 'loadOpenImages';
  if (typeof options?.labels !== 'string') fail(fn, 'labels', 'must be the path of an image-level labels CSV');
  if (typeof options?.classes !== 'string') fail(fn, 'classes', 'must be the path of a class-descriptions CSV');
  checkOptionKeys(options, ['labels', 'classes', 'images', 'machineThreshold', ...IMAGE_LOADER_OPTION_KEYS], fn);
  const classes = parseOpenImagesClasses(readTextFile(options.classes, fn), options.classes);
  const parsed = parseOpenImagesLabels(readTextFile(options.labels, fn), classes, options.labels, options.machineThreshold);
  const dir = options.images ?? path.dirname(options.labels);
  return new ImageFileDataset({
    name: `open-images/${path.basename(options.labels, '.csv')}`,
    classNames: parsed.classNames,
    targets: parsed.targets,
    mask: parsed.mask,
    records: parsed.imageIds.map((id) => ({ id, file: path.join(dir, `${id}.jpg`) })),
    imageSize: options.imageSize,
    checkImages: options.checkImages,
    augment: imageAugmentation(options.augmentation),
  });
}
