/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; MIT licence): 28×28 grey images of 10 clothing types.
 * The workbook ships the 10,000-image test set in `data/fashion-mnist/`, so it runs without a
 * download; when Debian's `dataset-fashion-mnist` is installed (`/usr/share/datasets/fashion-mnist/`,
 * or `ASL_FASHION_MNIST_DIR`), the full 60,000 + 10,000 images are used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../core/errors';
import { assertOneOf } from '../core/validate';
import { readIdxFile } from './idx';
import { dataDir } from './paths';
import { ByteImageDataset } from './streaming';
import type { DatasetSplits } from './types';

/** The 10 Fashion-MNIST classes, in label order 0–9. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Decoded Fashion-MNIST images and labels of one file pair. */
export interface FashionMnistArrays {
  /** `[count, 28, 28]` grey bytes. */
  images: Uint8Array;
  /** `[count]` labels 0–9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** The image file it came from. */
  file: string;
}

/** Which image files to use: `auto` (system full set when installed, else shipped), `shipped`, `system`. */
export type FashionMnistSourceKind = 'auto' | 'shipped' | 'system';

/** The folder of Debian's full Fashion-MNIST (`ASL_FASHION_MNIST_DIR` overrides). */
export function systemFashionMnistDir(): string {
  return process.env.ASL_FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
}

function pairExists(dir: string, prefix: string): boolean {
  return fs.existsSync(path.join(dir, `${prefix}-images-idx3-ubyte.gz`)) && fs.existsSync(path.join(dir, `${prefix}-labels-idx1-ubyte.gz`));
}

/** Whether the full (train + test) Fashion-MNIST is installed. */
export function hasSystemFashionMnist(): boolean {
  const dir = systemFashionMnistDir();
  return pairExists(dir, 'train') && pairExists(dir, 't10k');
}

/**
 * Reads one image/label IDX pair (`<prefix>-images-idx3-ubyte.gz`, `<prefix>-labels-idx1-ubyte.gz`)
 * and checks that the counts agree and that labels are 0–9.
 */
export function readFashionMnistPair(dir: string, prefix: 'train' | 't10k'): FashionMnistArrays {
  const fn = 'readFashionMnistPair';
  const imageFile = path.join(dir, `${prefix}-images-idx3-ubyte.gz`);
  const labelFile = path.join(dir, `${prefix}-labels-idx1-ubyte.gz`);
  const images = readIdxFile(imageFile, 3);
  const labels = readIdxFile(labelFile, 1);
  const [count, rows, cols] = images.shape;
  if (count === 0 || rows === 0 || cols === 0) fail(fn, 'dir', `${imageFile} holds no images (shape [${images.shape.join(', ')}])`);
  if (labels.shape[0] !== count) fail(fn, 'dir', `${labelFile} has ${labels.shape[0]} labels but ${imageFile} has ${count} images`);
  for (let i = 0; i < count; i++) {
    if (labels.data[i] > 9) fail(fn, 'dir', `${labelFile}: label ${labels.data[i]} at item ${i} is not a class 0–9`);
  }
  return { images: images.data, labels: labels.data, count, rows, cols, file: imageFile };
}

/** The image pools of a run: training items and evaluation items come from disjoint source images. */
export interface FashionMnistPools {
  train: FashionMnistArrays;
  val: FashionMnistArrays;
  /** `system` (60k train pool / 10k val pool) or `shipped` (the 10k test set split 8,000 / 2,000). */
  source: 'system' | 'shipped';
}

function subset(a: FashionMnistArrays, keep: (i: number) => boolean): FashionMnistArrays {
  const idx: number[] = [];
  for (let i = 0; i < a.count; i++) if (keep(i)) idx.push(i);
  const px = a.rows * a.cols;
  const images = new Uint8Array(idx.length * px);
  const labels = new Uint8Array(idx.length);
  idx.forEach((src, r) => {
    images.set(a.images.subarray(src * px, (src + 1) * px), r * px);
    labels[r] = a.labels[src];
  });
  return { ...a, images, labels, count: idx.length };
}

const poolMemo = new Map<string, FashionMnistPools>();

/**
 * Disjoint train and validation image pools. With the system copy: its train and test files. With
 * the shipped test set: every fifth image (index ≡ 4 mod 5) goes to validation, the rest to training.
 */
export function fashionMnistPools(source: FashionMnistSourceKind = 'auto'): FashionMnistPools {
  assertOneOf(source, ['auto', 'shipped', 'system'], 'source', 'fashionMnistPools');
  const useSystem = source === 'system' || (source === 'auto' && hasSystemFashionMnist());
  const key = useSystem ? `system:${systemFashionMnistDir()}` : `shipped:${dataDir()}`;
  const memo = poolMemo.get(key);
  if (memo) return memo;
  let pools: FashionMnistPools;
  if (useSystem) {
    if (!hasSystemFashionMnist()) {
      fail('fashionMnistPools', 'source', `'system' needs the full Fashion-MNIST in ${systemFashionMnistDir()} (Debian package dataset-fashion-mnist)`);
    }
    const dir = systemFashionMnistDir();
    pools = { train: readFashionMnistPair(dir, 'train'), val: readFashionMnistPair(dir, 't10k'), source: 'system' };
  } else {
    const all = readFashionMnistPair(path.join(dataDir(), 'fashion-mnist'), 't10k');
    pools = { train: subset(all, (i) => i % 5 !== 4), val: subset(all, (i) => i % 5 === 4), source: 'shipped' };
  }
  poolMemo.set(key, pools);
  return pools;
}

export interface FashionMnistOptions {
  /** Image files (default `auto`). */
  source?: FashionMnistSourceKind;
  /** Keep at most this many training images (default: all of the pool). */
  trainSize?: number;
  /** Keep at most this many validation images (default: all of the pool). */
  valSize?: number;
}

function toSingleLabel(a: FashionMnistArrays, n: number, name: string): ByteImageDataset {
  const k = FASHION_MNIST_CLASSES.length;
  const targets = new Uint8Array(n * k);
  for (let i = 0; i < n; i++) targets[i * k + a.labels[i]] = 1;
  return new ByteImageDataset({
    name,
    classNames: FASHION_MNIST_CLASSES,
    inputShape: [a.rows, a.cols, 1],
    pixels: a.images.subarray(0, n * a.rows * a.cols),
    targets,
  });
}

/**
 * Plain Fashion-MNIST as a single-label dataset (10 classes, one-hot targets, `[28, 28, 1]` inputs
 * in [0, 1]) for the single-label ASL chapter. Train/val pools as in {@link fashionMnistPools}.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<DatasetSplits> {
  const pools = fashionMnistPools(options.source ?? 'auto');
  const size = (want: number | undefined, have: number, arg: string) => {
    if (want === undefined) return have;
    if (!Number.isInteger(want) || want < 1) fail('loadFashionMnist', arg, `must be a positive integer, got ${String(want)}`);
    return Math.min(want, have);
  };
  return {
    train: toSingleLabel(pools.train, size(options.trainSize, pools.train.count, 'trainSize'), 'fashion-mnist/train'),
    val: toSingleLabel(pools.val, size(options.valSize, pools.val.count, 'valSize'), 'fashion-mnist/val'),
  };
}
