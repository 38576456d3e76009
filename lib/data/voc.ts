/**
 * Pascal VOC 2007/2012 classification labels (landscape §6.2), read from
 * `ImageSets/Main/<class>_<split>.txt` (one `<image id> <1|-1|0>` per line; 0 = the class is present
 * only as "difficult" objects) and/or `Annotations/<id>.xml` (`<object><name>…</name>
 * <difficult>0|1</difficult>`). Images are `JPEGImages/<id>.jpg`.
 *
 * Difficult-only labels: `difficult: 'ignore'` (default) masks them out (known-label mask 0), as
 * the VOC evaluation ignores them; `'negative'` treats them as negatives, as the ASL repository's
 * VOC loader does; `'positive'` counts them as present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { assertOneOf } from '../core/validate';
import { readTextFile, requireFolder } from './files';
import { IMAGE_LOADER_OPTION_KEYS, imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';
import { childElements, elementText, parseXmlDocument } from './xml';

/** The 20 VOC classes in their fixed (alphabetical) order. */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];

/** Per-image labels: 1 present, −1 absent, 0 difficult only. */
export interface VocLabels {
  ids: string[];
  /** `[ids, 20]` values 1 / −1 / 0. */
  labels: Int8Array;
}

/** Parses one `<class>_<split>.txt` (whitespace split, last token is the label); a repeated image id is an error. */
export function parseVocClassFile(text: string, source: string): Array<{ id: string; label: -1 | 0 | 1 }> {
  const fn = 'parseVocClassFile';
  const out: Array<{ id: string; label: -1 | 0 | 1 }> = [];
  const lineOfId = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    const t = line.trim().split(/\s+/).filter(Boolean);
    if (t.length === 0) return;
    const v = t.length === 2 ? t[1] : '';
    if (v !== '1' && v !== '-1' && v !== '0') fail(fn, undefined, `${source}:${i + 1}: expected '<image id> <1|-1|0>', got '${line.trim()}'`);
    const seen = lineOfId.get(t[0]);
    if (seen !== undefined) fail(fn, undefined, `${source}:${i + 1}: image id ${t[0]} again (first on line ${seen})`);
    lineOfId.set(t[0], i + 1);
    out.push({ id: t[0], label: v === '1' ? 1 : v === '-1' ? -1 : 0 });
  });
  return out;
}

/**
 * Parses one VOC annotation XML with an XML parser: the names and difficult flags of the
 * `<object>` elements of `<annotation>`. Comments are ignored, CDATA and entities are read as
 * text; a part's `<name>` (inside `<part>`) is not an object. Malformed XML, an object without
 * exactly one `<name>`, and a `<difficult>` other than 0/1 are errors naming `source` and the line.
 */
export function parseVocAnnotation(xml: string, source: string): Array<{ name: string; difficult: boolean }> {
  const fn = 'parseVocAnnotation';
  const root = parseXmlDocument(xml, source, fn);
  if (root.name !== 'annotation') fail(fn, undefined, `${source}: not a VOC annotation (root element <${root.name}>, expected <annotation>)`);
  return childElements(root, 'object').map((object) => {
    const names = childElements(object, 'name');
    if (names.length !== 1) fail(fn, undefined, `${source}:${object.line}: an <object> needs one <name>, found ${names.length}`);
    const name = elementText(names[0], source, fn);
    if (name === '') fail(fn, undefined, `${source}:${names[0].line}: empty <name>`);
    const flags = childElements(object, 'difficult');
    if (flags.length > 1) fail(fn, undefined, `${source}:${flags[1].line}: an <object> has ${flags.length} <difficult> elements`);
    const flag = flags.length ? elementText(flags[0], source, fn) : '0';
    if (flag !== '0' && flag !== '1') fail(fn, undefined, `${source}:${flags[0].line}: <difficult> must be 0 or 1, got '${flag}'`);
    return { name, difficult: flag === '1' };
  });
}

export interface VocOptions extends ImageLoaderOptions {
  /** The year folder, e.g. `VOCdevkit/VOC2007`. */
  root: string;
  /** Image set: `train`, `val`, `trainval` or `test` (default `trainval`). */
  split?: string;
  /** Label source: `imagesets`, `annotations`, or `auto` (ImageSets when present, default). */
  labelsFrom?: 'auto' | 'imagesets' | 'annotations';
  /** Difficult-only labels: `ignore` (mask, default), `negative` (ASL repo) or `positive`. */
  difficult?: 'ignore' | 'negative' | 'positive';
}

/** Reads the 1/−1/0 labels of a split, from ImageSets or from the annotation XML files. */
export function readVocLabels(root: string, split: string, labelsFrom: 'auto' | 'imagesets' | 'annotations' = 'auto'): VocLabels {
  const fn = 'readVocLabels';
  requireFolder(root, fn, 'VOC year folder');
  if (typeof split !== 'string' || split === '') fail(fn, 'split', `must be an image set name such as 'trainval', got ${JSON.stringify(split)}`);
  const main = path.join(root, 'ImageSets', 'Main');
  const useSets = labelsFrom === 'imagesets' || (labelsFrom === 'auto' && fs.existsSync(path.join(main, `${VOC_CLASSES[0]}_${split}.txt`)));
  if (useSets) {
    const per = VOC_CLASSES.map((c) => {
      const file = path.join(main, `${c}_${split}.txt`);
      return { file, rows: parseVocClassFile(readTextFile(file, fn), file) };
    });
    const ids = per[0].rows.map((r) => r.id);
    if (ids.length === 0) fail(fn, undefined, `${per[0].file}: no image ids, so split '${split}' has no samples`);
    const index = new Map(ids.map((id, i) => [id, i]));
    const labels = new Int8Array(ids.length * 20).fill(-2);
    per.forEach(({ file, rows }, c) => {
      rows.forEach((r) => {
        const i = index.get(r.id);
        if (i === undefined) fail(fn, undefined, `${file}: image id ${r.id} is not in ${per[0].file}`);
        labels[i * 20 + c] = r.label;
      });
      if (rows.length !== ids.length) fail(fn, undefined, `${file}: ${rows.length} lines, expected ${ids.length} (as ${per[0].file})`);
    });
    const hole = labels.indexOf(-2);
    if (hole >= 0) fail(fn, undefined, `${per[hole % 20].file}: no line for image id ${ids[Math.floor(hole / 20)]}`);
    return requirePositives({ ids, labels }, `${main}/*_${split}.txt`, fn);
  }
  const listFile = path.join(main, `${split}.txt`);
  const ids = readTextFile(listFile, fn).split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
  if (ids.length === 0) fail(fn, undefined, `${listFile}: no image ids, so split '${split}' has no samples`);
  const seen = new Set<string>();
  const twice = ids.find((id) => seen.size === seen.add(id).size);
  if (twice !== undefined) fail(fn, undefined, `${listFile}: image id ${twice} is listed twice`);
  const classIndex = new Map(VOC_CLASSES.map((c, i) => [c, i]));
  const labels = new Int8Array(ids.length * 20).fill(-1);
  ids.forEach((id, i) => {
    const file = path.join(root, 'Annotations', `${id}.xml`);
    for (const o of parseVocAnnotation(readTextFile(file, fn), file)) {
      const c = classIndex.get(o.name);
      if (c === undefined) fail(fn, undefined, `${file}: unknown class '${o.name}'`);
      const at = i * 20 + c;
      if (!o.difficult) labels[at] = 1;
      else if (labels[at] === -1) labels[at] = 0;
    }
  });
  return requirePositives({ ids, labels }, path.join(root, 'Annotations'), fn);
}

/** A split where every label is −1 (no image has any object) has nothing to learn: an error naming where the labels came from. */
function requirePositives(labels: VocLabels, from: string, fn: string): VocLabels {
  if (labels.labels.every((v) => v === -1)) fail(fn, undefined, `${from}: none of the ${labels.ids.length} images has an object, so there are no positive labels`);
  return labels;
}

/** Converts 1/−1/0 labels to targets and a mask under a difficult policy. */
export function vocTargets(labels: Int8Array, difficult: 'ignore' | 'negative' | 'positive' = 'ignore'): { targets: Uint8Array; mask?: Uint8Array } {
  const targets = new Uint8Array(labels.length);
  const mask = difficult === 'ignore' ? new Uint8Array(labels.length).fill(1) : undefined;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) targets[i] = 1;
    else if (labels[i] === 0) {
      if (difficult === 'positive') targets[i] = 1;
      if (mask) mask[i] = 0;
    }
  }
  return { targets, mask };
}

const VOC_OPTION_KEYS = ['root', 'split', 'labelsFrom', 'difficult', ...IMAGE_LOADER_OPTION_KEYS];

/** Loads one VOC image set as a streaming image dataset. */
export async function loadVoc(options: VocOptions): Promise<ImageFileDataset> {
  const fn = 'loadVoc';
  if (typeof options?.root !== 'string') fail(fn, 'root', 'must be the path of a VOC year folder (VOCdevkit/VOC2007)');
  checkOptionKeys(options, VOC_OPTION_KEYS, fn);
  const split = options.split ?? 'trainval';
  const difficult = assertOneOf(options.difficult ?? 'ignore', ['ignore', 'negative', 'positive'], 'difficult', fn);
  const from = assertOneOf(options.labelsFrom ?? 'auto', ['auto', 'imagesets', 'annotations'], 'labelsFrom', fn);
  const { ids, labels } = readVocLabels(options.root, split, from);
  const { targets, mask } = vocTargets(labels, difficult);
  return new ImageFileDataset({
    name: `voc/${path.basename(options.root)}/${split}`,
    classNames: VOC_CLASSES,
    targets,
    mask,
    records: ids.map((id) => ({ id, file: path.join(options.root, 'JPEGImages', `${id}.jpg`) })),
    imageSize: options.imageSize,
    checkImages: options.checkImages,
    augment: imageAugmentation(options.augmentation),
  });
}

/** VOC2007's standard multi-label splits: train = `trainval`, val = `test` (the ASL/ML-GCN protocol). */
export async function loadVocSplits(options: Omit<VocOptions, 'split'>): Promise<{ train: ImageFileDataset; val: ImageFileDataset }> {
  checkOptionKeys(options, VOC_OPTION_KEYS.filter((k) => k !== 'split'), 'loadVocSplits');
  return { train: await loadVoc({ ...options, split: 'trainval' }), val: await loadVoc({ ...options, split: 'test' }) };
}
