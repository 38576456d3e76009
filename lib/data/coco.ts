/**
 * MS-COCO (2014/2017) multi-label targets from `annotations/instances_<split><year>.json`
 * (landscape §6.1): the labels of an image are the categories of its annotations (crowd
 * annotations included, as the ASL code does); the 80 category ids (1–90 with gaps) are mapped to
 * classes 0–79 in increasing id order. Images without annotations are dropped, as the official
 * code does (`keepEmpty: true` keeps them as all-negative samples).
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';
import { parseJsonText, readTextFile } from './json-file';

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

interface CocoJson {
  images?: unknown;
  annotations?: unknown;
  categories?: unknown;
}

/** Parses and validates COCO instances JSON text; errors name `source` and the offending id. */
export function parseCocoInstances(text: string, source = 'instances.json', keepEmpty = false): CocoLabels {
  const fn = 'parseCocoInstances';
  const json = parseJsonText(text, source, fn) as CocoJson;
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(fn, undefined, `${source}: top level must be a JSON object`);
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(json[key])) fail(fn, undefined, `${source}: missing '${key}' array`);
  }
  const cats = json.categories as Array<{ id?: unknown; name?: unknown }>;
  cats.forEach((c, i) => {
    if (!c || !Number.isInteger(c.id) || typeof c.name !== 'string') {
      fail(fn, undefined, `${source}: categories[${i}] needs an integer 'id' and a string 'name'`);
    }
  });
  const sorted = [...cats].sort((a, b) => (a.id as number) - (b.id as number));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].id === sorted[i - 1].id) fail(fn, undefined, `${source}: duplicate category id ${String(sorted[i].id)}`);
  }
  const categoryIds = sorted.map((c) => c.id as number);
  const classNames = sorted.map((c) => c.name as string);
  const classOf = new Map(categoryIds.map((id, i) => [id, i]));
  const images = json.images as Array<{ id?: unknown; file_name?: unknown }>;
  const rowOf = new Map<number, number>();
  images.forEach((im, i) => {
    if (!im || !Number.isInteger(im.id) || typeof im.file_name !== 'string') {
      fail(fn, undefined, `${source}: images[${i}] needs an integer 'id' and a string 'file_name'`);
    }
    if (rowOf.has(im.id as number)) fail(fn, undefined, `${source}: duplicate image id ${String(im.id)}`);
    rowOf.set(im.id as number, i);
  });
  const k = classNames.length;
  const all = new Uint8Array(images.length * k);
  const annotated = new Uint8Array(images.length);
  (json.annotations as Array<{ id?: unknown; image_id?: unknown; category_id?: unknown }>).forEach((a, i) => {
    const aid = a && a.id !== undefined ? `annotation id ${String(a.id)}` : `annotations[${i}]`;
    if (!a || !Number.isInteger(a.image_id) || !Number.isInteger(a.category_id)) {
      fail(fn, undefined, `${source}: ${aid} needs integer 'image_id' and 'category_id'`);
    }
    const row = rowOf.get(a.image_id as number);
    if (row === undefined) fail(fn, undefined, `${source}: ${aid} refers to unknown image id ${String(a.image_id)}`);
    const cls = classOf.get(a.category_id as number);
    if (cls === undefined) fail(fn, undefined, `${source}: ${aid} has unknown class id ${String(a.category_id)} (not in 'categories')`);
    all[row * k + cls] = 1;
    annotated[row] = 1;
  });
  const keep: number[] = [];
  for (let i = 0; i < images.length; i++) if (keepEmpty || annotated[i]) keep.push(i);
  const targets = new Uint8Array(keep.length * k);
  keep.forEach((src, r) => targets.set(all.subarray(src * k, (src + 1) * k), r * k));
  return {
    classNames,
    categoryIds,
    images: keep.map((i) => ({ id: images[i].id as number, fileName: images[i].file_name as string })),
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
  const year = options.year ?? 2014;
  if (year !== 2014 && year !== 2017) fail(fn, 'year', `must be 2014 or 2017, got ${String(year)}`);
  const open = (split: string) => loadCoco({ ...options, annotations: path.join(options.root, 'annotations', `instances_${split}${year}.json`) });
  return { train: await open('train'), val: await open('val') };
}
