/**
 * MS-COCO (2014/2017) multi-label targets from `annotations/instances_<split><year>.json`
 * (landscape §6.1): the labels of an image are the categories of its annotations (crowd
 * annotations included, as the ASL code does); the 80 category ids (1–90 with gaps) are mapped to
 * classes 0–79 in increasing id order. Images without annotations are dropped, as the official
 * code does (`keepEmpty: true` keeps them as all-negative samples).
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { IMAGE_LOADER_OPTION_KEYS, imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';
import { checkOptionKeys } from '../core/options';
import { readTextFile, requireFolder } from './files';
import { parseJsonText } from './json-file';

/** The parsed label structure of an instances file (no images touched). */
export interface CocoLabels {
  classNames: string[];
  /** Category id of each class (increasing). */
  categoryIds: number[];
  /** Kept images in file order: id and file name. */
  images: Array<{ id: number; fileName: string }>;
  /** `[images, K]` multi-hot. */
  targets: Uint8Array;
  /** Images in the file, and those dropped for having no annotation. */
  totalImages: number;
  droppedEmpty: number;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Parses and validates COCO instances JSON text (a UTF-8 byte-order mark is accepted); errors name
 * `source` and the offending entry. A file with no categories or no images, or where no image is
 * left with a label, is an error (not a dataset of 0 samples or of all-negative rows).
 */
export function parseCocoInstances(text: string, source = 'instances.json', keepEmpty = false): CocoLabels {
  const fn = 'parseCocoInstances';
  const json = parseJsonText(text, source, fn);
  if (!isRecord(json)) return fail(fn, undefined, `${source}: top level must be a JSON object`);
  const list = (key: 'images' | 'annotations' | 'categories'): unknown[] => {
    const v = json[key];
    return Array.isArray(v) ? v : fail(fn, undefined, `${source}: missing '${key}' array`);
  };
  const [imageList, annotationList, categoryList] = [list('images'), list('annotations'), list('categories')];
  if (categoryList.length === 0) fail(fn, undefined, `${source}: 'categories' is empty, so there are no classes`);
  if (imageList.length === 0) fail(fn, undefined, `${source}: 'images' is empty, so there are no samples`);
  const cats = categoryList.map((c, i) => {
    if (!isRecord(c) || typeof c.id !== 'number' || !Number.isInteger(c.id) || typeof c.name !== 'string' || c.name === '') {
      return fail(fn, undefined, `${source}: categories[${i}] needs an integer 'id' and a non-empty string 'name'`);
    }
    return { id: c.id, name: c.name };
  });
  cats.sort((a, b) => a.id - b.id);
  const names = new Set<string>();
  cats.forEach((c, i) => {
    if (i > 0 && c.id === cats[i - 1].id) fail(fn, undefined, `${source}: duplicate category id ${c.id}`);
    if (names.has(c.name)) fail(fn, undefined, `${source}: two categories are named '${c.name}'`);
    names.add(c.name);
  });
  const categoryIds = cats.map((c) => c.id);
  const classNames = cats.map((c) => c.name);
  const classOf = new Map(categoryIds.map((id, i) => [id, i]));
  const rowOf = new Map<number, number>();
  const images = imageList.map((im, i) => {
    if (!isRecord(im) || typeof im.id !== 'number' || !Number.isInteger(im.id) || typeof im.file_name !== 'string' || im.file_name === '') {
      return fail(fn, undefined, `${source}: images[${i}] needs an integer 'id' and a non-empty string 'file_name'`);
    }
    if (rowOf.has(im.id)) fail(fn, undefined, `${source}: duplicate image id ${im.id}`);
    rowOf.set(im.id, i);
    return { id: im.id, fileName: im.file_name };
  });
  const k = classNames.length;
  const all = new Uint8Array(images.length * k);
  const annotated = new Uint8Array(images.length);
  annotationList.forEach((a, i) => {
    const aid = isRecord(a) && (typeof a.id === 'number' || typeof a.id === 'string') ? `annotation id ${a.id}` : `annotations[${i}]`;
    if (!isRecord(a) || typeof a.image_id !== 'number' || !Number.isInteger(a.image_id) || typeof a.category_id !== 'number' || !Number.isInteger(a.category_id)) {
      return fail(fn, undefined, `${source}: ${aid} needs integer 'image_id' and 'category_id'`);
    }
    const row = rowOf.get(a.image_id);
    if (row === undefined) fail(fn, undefined, `${source}: ${aid} refers to unknown image id ${a.image_id}`);
    const cls = classOf.get(a.category_id);
    if (cls === undefined) fail(fn, undefined, `${source}: ${aid} has unknown class id ${a.category_id} (not in 'categories')`);
    all[row * k + cls] = 1;
    annotated[row] = 1;
  });
  if (annotationList.length === 0) fail(fn, undefined, `${source}: 'annotations' is empty, so no image has a label`);
  const keep: number[] = [];
  for (let i = 0; i < images.length; i++) if (keepEmpty || annotated[i]) keep.push(i);
  const targets = new Uint8Array(keep.length * k);
  keep.forEach((src, r) => targets.set(all.subarray(src * k, (src + 1) * k), r * k));
  return {
    classNames,
    categoryIds,
    images: keep.map((i) => images[i]),
    targets,
    totalImages: images.length,
    droppedEmpty: images.length - keep.length,
  };
}

export interface CocoOptions extends ImageLoaderOptions {
  /** The instances JSON file (`annotations/instances_val2014.json`). */
  annotations: string;
  /** Image folder (default: `<annotations dir>/../<split><year>`, e.g. `val2014`, from the file name). */
  images?: string;
  /** Keep images without annotations as all-negative samples (default false, as the official code). */
  keepEmpty?: boolean;
}

/** The default image folder of an instances file: `…/annotations/instances_val2014.json` → `…/val2014`. */
export function cocoDefaultImageDir(annotations: string): string {
  const m = /instances_([a-z]+\d{4})\.json$/.exec(path.basename(annotations));
  return path.join(path.dirname(path.dirname(annotations)), m ? m[1] : 'images');
}

/** Loads one COCO split as a streaming image dataset (plus its parsed labels). */
export async function loadCoco(options: CocoOptions): Promise<ImageFileDataset & { coco: CocoLabels }> {
  const fn = 'loadCoco';
  if (typeof options?.annotations !== 'string') fail(fn, 'annotations', 'must be the path of an instances_*.json file');
  checkOptionKeys(options, ['annotations', 'images', 'keepEmpty', ...IMAGE_LOADER_OPTION_KEYS], fn);
  if (options.keepEmpty !== undefined && typeof options.keepEmpty !== 'boolean') fail(fn, 'keepEmpty', `must be a boolean, got ${JSON.stringify(options.keepEmpty)}`);
  const labels = parseCocoInstances(readTextFile(options.annotations, fn), options.annotations, options.keepEmpty ?? false);
  const dir = options.images ?? cocoDefaultImageDir(options.annotations);
  const ds = new ImageFileDataset({
    name: `coco/${path.basename(options.annotations, '.json').replace(/^instances_/, '')}`,
    classNames: labels.classNames,
    targets: labels.targets,
    records: labels.images.map((im) => ({ id: String(im.id), file: path.join(dir, im.fileName) })),
    imageSize: options.imageSize,
    checkImages: options.checkImages,
    augment: imageAugmentation(options.augmentation),
  });
  return Object.assign(ds, { coco: labels });
}

export interface CocoSplitsOptions extends ImageLoaderOptions {
  /** The COCO root holding `annotations/` and the image folders. */
  root: string;
  /** 2014 (the multi-label standard, default) or 2017. */
  year?: 2014 | 2017;
  keepEmpty?: boolean;
}

/** Train and val splits of COCO: `instances_train<year>.json` / `instances_val<year>.json`. */
export async function loadCocoSplits(options: CocoSplitsOptions): Promise<{ train: ImageFileDataset; val: ImageFileDataset }> {
  const fn = 'loadCocoSplits';
  if (typeof options?.root !== 'string') fail(fn, 'root', 'must be the COCO root folder');
  checkOptionKeys(options, ['root', 'year', 'keepEmpty', ...IMAGE_LOADER_OPTION_KEYS], fn);
  const { root, year = 2014, ...rest } = options;
  if (year !== 2014 && year !== 2017) fail(fn, 'year', `must be 2014 or 2017, got ${String(year)}`);
  requireFolder(root, fn, 'COCO root folder');
  const open = (split: string) => loadCoco({ ...rest, annotations: path.join(root, 'annotations', `instances_${split}${year}.json`) });
  return { train: await open('train'), val: await open('val') };
}
