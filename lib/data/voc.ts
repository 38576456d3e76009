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
import { assertOneOf } from '../core/validate';
import { imageAugmentation, ImageFileDataset, type ImageLoaderOptions } from './image-files';
import { readTextFile } from './json-file';

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

/** Parses one `<class>_<split>.txt` (whitespace split, last token is the label). */
export function parseVocClassFile(text: string, source: string): Array<{ id: string; label: -1 | 0 | 1 }> {
  const out: Array<{ id: string; label: -1 | 0 | 1 }> = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim().split(/\s+/).filter(Boolean);
    if (t.length === 0) return;
    const v = t.length === 2 ? Number(t[1]) : NaN;
    if (v !== 1 && v !== -1 && v !== 0) fail('parseVocClassFile', undefined, `${source}:${i + 1}: expected '<image id> <1|-1|0>', got '${line.trim()}'`);
    out.push({ id: t[0], label: v as -1 | 0 | 1 });
  });
  return out;
}

/** Parses one VOC annotation XML: the object names and their difficult flags. */
export function parseVocAnnotation(xml: string, source: string): Array<{ name: string; difficult: boolean }> {
  const fn = 'parseVocAnnotation';
  if (!/<annotation[\s>]/.test(xml) || !/<\/annotation>/.test(xml)) fail(fn, undefined, `${source}: not a VOC annotation (no <annotation> element)`);
  const opens = (xml.match(/<object[\s>]/g) ?? []).length;
  const closes = (xml.match(/<\/object>/g) ?? []).length;
  if (opens !== closes) fail(fn, undefined, `${source}: malformed XML (${opens} <object> but ${closes} </object>)`);
  const out: Array<{ name: string; difficult: boolean }> = [];
  for (const m of xml.matchAll(/<object[\s>]([\s\S]*?)<\/object>/g)) {
    // the object's own <name> is the first one (parts have names too, after it)
    const name = /<name>\s*([^<]*?)\s*<\/name>/.exec(m[1]);
    if (!name) fail(fn, undefined, `${source}: an <object> without <name>`);
    const diff = /<difficult>\s*([^<]*?)\s*<\/difficult>/.exec(m[1]);
    if (diff && diff[1] !== '0' && diff[1] !== '1') fail(fn, undefined, `${source}: <difficult> must be 0 or 1, got '${diff[1]}'`);
    out.push({ name: name[1], difficult: !!diff && diff[1] === '1' });
  }
  return out;
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
  const main = path.join(root, 'ImageSets', 'Main');
  const useSets = labelsFrom === 'imagesets' || (labelsFrom === 'auto' && fs.existsSync(path.join(main, `${VOC_CLASSES[0]}_${split}.txt`)));
  if (useSets) {
    const per = VOC_CLASSES.map((c) => {
      const file = path.join(main, `${c}_${split}.txt`);
      return { file, rows: parseVocClassFile(readTextFile(file, fn), file) };
    });
    const ids = per[0].rows.map((r) => r.id);
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
    return { ids, labels };
  }
  const listFile = path.join(main, `${split}.txt`);
  const ids = readTextFile(listFile, fn).split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
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
  return { ids, labels };
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

/** Loads one VOC image set as a streaming image dataset. */
export async function loadVoc(options: VocOptions): Promise<ImageFileDataset> {
  const fn = 'loadVoc';
  if (typeof options?.root !== 'string') fail(fn, 'root', 'must be the path of a VOC year folder (VOCdevkit/VOC2007)');
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
  return { train: await loadVoc({ ...options, split: 'trainval' }), val: await loadVoc({ ...options, split: 'test' }) };
}
