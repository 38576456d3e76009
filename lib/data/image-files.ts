/**
 * Images on disk as a streaming dataset: each batch decodes its images with `sharp`, squish-resizes
 * them to S×S (aspect ratio not kept, no crop: the ASL training recipe, asl-reference §4.1), converts
 * to 3-channel sRGB and scales to [0, 1]. Used by the COCO, VOC, NUS-WIDE and Open Images loaders.
 */
import * as fs from 'node:fs';
import type Sharp from 'sharp';
import { requireOptional } from '../core/optional';
import { fail } from '../core/errors';
import { cutout, randAugmentLite } from './augment';
import { isFile } from './files';
import { StreamingDataset, type SampleAugment, type StreamingDatasetInit } from './streaming';

/** One image: its dataset id (for messages) and its file. */
export interface ImageRecord {
  id: string;
  file: string;
}

/** Training augmentation choices for image loaders. */
export type ImageAugmentation = 'none' | 'cutout' | 'cutout+randaugment';

/** The augmentation function of a choice (ASL's train transform is `cutout+randaugment`). */
export function imageAugmentation(kind: ImageAugmentation = 'cutout+randaugment'): SampleAugment | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'cutout') return (s, shape, r) => cutout(s, shape, r);
  if (kind === 'cutout+randaugment') {
    return (s, shape, r) => {
      cutout(s, shape, r);
      randAugmentLite(s, shape, r);
    };
  }
  return fail('imageAugmentation', 'kind', `must be 'none', 'cutout' or 'cutout+randaugment', got ${JSON.stringify(kind)}`);
}

/** The option names of {@link ImageLoaderOptions} (for the loaders' strict option checks). */
export const IMAGE_LOADER_OPTION_KEYS: readonly string[] = ['imageSize', 'checkImages', 'augmentation'];

/** Checks a class list given by the caller: non-empty, strings, no duplicates (which would merge classes silently). */
export function checkClassNames(names: readonly string[], fn: string): string[] {
  if (!Array.isArray(names) || names.length === 0) fail(fn, 'classNames', 'must be a non-empty array of class names');
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || n === '') fail(fn, 'classNames', `must hold non-empty strings, got ${JSON.stringify(n)}`);
    if (seen.has(n)) fail(fn, 'classNames', `names '${n}' twice`);
    seen.add(n);
  }
  return [...names];
}

/** Common options of the image loaders. */
export interface ImageLoaderOptions {
  /** Side S of the square input (default 224, the official ASL training size). */
  imageSize?: number;
  /** Check at load time that every image file exists (default true). */
  checkImages?: boolean;
  /** Training augmentation when batches ask for `augment` (default `cutout+randaugment`). */
  augmentation?: ImageAugmentation;
}

/** Decodes one image file to `[S, S, 3]` floats in [0, 1] (squish resize). */
export async function decodeImageFile(file: string, size: number, id = file): Promise<Float32Array> {
  // sharp (native image decoding) is an optional peer: loaded on first use, named when missing.
  const sharp = requireOptional<typeof Sharp>('sharp', 'decodeImageFile');
  let data: Buffer;
  try {
    data = await sharp(file).removeAlpha().resize(size, size, { fit: 'fill' }).toColourspace('srgb').raw().toBuffer();
  } catch (e) {
    const missing = !fs.existsSync(file);
    return fail('decodeImageFile', undefined, `${missing ? 'missing' : 'unreadable'} image for id ${id}: ${file}${missing ? '' : ` (${(e as Error).message})`}`);
  }
  const n = size * size;
  const out = new Float32Array(n * 3);
  const channels = data.length / n;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels >= 3 ? c : 0)] / 255;
  }
  return out;
}

export interface ImageFileDatasetInit extends Omit<StreamingDatasetInit, 'inputShape'> {
  records: readonly ImageRecord[];
  imageSize?: number;
  checkImages?: boolean;
}

export class ImageFileDataset extends StreamingDataset {
  readonly records: readonly ImageRecord[];
  readonly imageSize: number;

  constructor(init: ImageFileDatasetInit) {
    const size = init.imageSize ?? 224;
    if (!Number.isInteger(size) || size < 1) fail(init.name, 'imageSize', `must be a positive integer, got ${String(init.imageSize)}`);
    super({ ...init, inputShape: [size, size, 3] });
    if (init.records.length !== this.size) fail(init.name, 'records', `has ${init.records.length} images, targets have ${this.size}`);
    if (init.checkImages ?? true) {
      for (const r of init.records) {
        if (isFile(r.file)) continue;
        fail(init.name, undefined, fs.existsSync(r.file) ? `image for id ${r.id} is a folder, not a file: ${r.file}` : `missing image for id ${r.id}: ${r.file}`);
      }
    }
    this.records = init.records;
    this.imageSize = size;
  }

  protected async readInputs(indices: Uint32Array, out: Float32Array): Promise<void> {
    const s = this.sampleSize;
    const decoded = await Promise.all(
      Array.from(indices, (i) => decodeImageFile(this.records[i].file, this.imageSize, this.records[i].id)),
    );
    decoded.forEach((d, r) => out.set(d, r * s));
  }
}
