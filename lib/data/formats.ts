/**
 * One entry point for every dataset by name, as the `asl data` command uses it:
 * `openDatasetByFormat('coco', 'annotations/instances_val2014.json')`. Loaders whose labels do not
 * need the images are opened with `checkImages: false` unless asked, so statistics work from the
 * annotation files alone.
 */
import { fail } from '../core/errors';
import { loadArff } from './arff';
import { loadCoco } from './coco';
import { loadDebtags } from './debtags';
import { loadFashionMnist } from './fashion-mnist';
import { loadMultiFashion } from './multifashion';
import { loadNusWide } from './nus-wide';
import { loadOpenImages } from './open-images';
import type { MultiLabelDataset } from './types';
import { loadVoc } from './voc';

/** Dataset formats known to {@link openDatasetByFormat}. */
export const DATASET_FORMATS = ['multifashion', 'fashion-mnist', 'debtags', 'coco', 'voc', 'nus-wide', 'open-images', 'arff'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface OpenDatasetOptions {
  /** Split: train/val (multifashion, fashion-mnist), train/val/test (debtags), image set (voc), CSV split (nus-wide). */
  split?: string;
  /** Image folder (coco, nus-wide, open-images). */
  images?: string;
  /** Check image files exist (default false here). */
  checkImages?: boolean;
  /** Open Images class descriptions CSV. */
  classes?: string;
  /** MULAN labels XML (arff). */
  xml?: string;
  /** MEKA label count (arff). */
  labelCount?: number;
  /** Keep COCO images without annotations. */
  keepEmpty?: boolean;
  /** VOC difficult policy. */
  difficult?: 'ignore' | 'negative' | 'positive';
  /** Built-in dataset options (multifashion / debtags / fashion-mnist), passed through. */
  builtin?: Record<string, unknown>;
}

function pick<T>(name: string, splits: Record<string, T | undefined>, split: string | undefined, def: string): T {
  const s = split ?? def;
  const d = splits[s];
  if (!d) fail('openDatasetByFormat', 'split', `${name} has splits ${Object.keys(splits).filter((k) => splits[k]).join(', ')}, got '${s}'`);
  return d;
}

/** Opens a dataset (one split) by format name and path. */
export async function openDatasetByFormat(format: string, file: string | undefined, options: OpenDatasetOptions = {}): Promise<MultiLabelDataset> {
  const fn = 'openDatasetByFormat';
  if (!(DATASET_FORMATS as readonly string[]).includes(format)) fail(fn, 'format', `must be one of ${DATASET_FORMATS.join(', ')}, got '${format}'`);
  const needPath = () => file ?? fail(fn, 'path', `the ${format} format needs a path`);
  const check = options.checkImages ?? false;
  switch (format as DatasetFormat) {
    case 'multifashion': {
      const s = await loadMultiFashion(options.builtin ?? {});
      return pick(format, { train: s.train, val: s.val }, options.split, 'train');
    }
    case 'fashion-mnist': {
      const s = await loadFashionMnist(options.builtin ?? {});
      return pick(format, { train: s.train, val: s.val }, options.split, 'train');
    }
    case 'debtags': {
      const s = await loadDebtags(options.builtin ?? {});
      return pick(format, { train: s.train, val: s.val, test: s.test }, options.split, 'train');
    }
    case 'coco':
      return loadCoco({ annotations: needPath(), images: options.images, checkImages: check, keepEmpty: options.keepEmpty });
    case 'voc':
      return loadVoc({ root: needPath(), split: options.split, checkImages: check, difficult: options.difficult });
    case 'nus-wide':
      return loadNusWide({ csv: needPath(), split: options.split, images: options.images, checkImages: check });
    case 'open-images':
      return loadOpenImages({
        labels: needPath(),
        classes: options.classes ?? fail(fn, 'classes', 'open-images needs --classes <class-descriptions.csv>'),
        images: options.images,
        checkImages: check,
      });
    case 'arff':
      return loadArff({ file: needPath(), xml: options.xml, labelCount: options.labelCount });
  }
}
