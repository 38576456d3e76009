/**
 * MultiFashion: COCO-like multi-label images made from Fashion-MNIST, embedded in the workbook.
 *
 * Each RGB canvas (default 64×64, black background) holds 1–4 clothing items placed in distinct
 * cells of a 2×2 grid (so they never overlap), each scaled to 70–100 % of its cell and jittered
 * inside it. Every item has a type (10 Fashion-MNIST classes) and a colour from an 8-colour
 * palette; the labels of an image are the (colour, type) pairs present: 80 classes, like MS-COCO.
 * Items draw their class from a Zipf law over a fixed ranking of the 80 classes, so class
 * frequencies are long-tailed (a few common classes, many rare ones), and with the default item
 * counts an image has about 2.9 positive labels (negative:positive ≈ 26:1), as in MS-COCO.
 *
 * Generation is deterministic by `seed`, takes seconds, and is cached on disk keyed by its
 * parameters (`<repo>/.cache/asl-workbook/`, or `ASL_CACHE_DIR`). Training and validation items
 * come from disjoint source images (see {@link fashionMnistPools}).
 *
 * `missingLabelRate` hides that fraction of the positive labels in the *training* targets only
 * (validation keeps clean labels): with `missingLabelMode: 'negative'` (default) a hidden positive
 * becomes a (wrong) negative, the paper's "mislabeled negative" that probability shifting should
 * discard (ASL §3.2); with `'unknown'` it is masked out instead (known-label mask = 0).
 */
import { fail } from '../core/errors';
import { mixSeeds, seededRandom } from '../core/random';
import { assertInRange, assertOneOf } from '../core/validate';
import { cachePath, readCache, writeCache } from './cache';
import { FASHION_MNIST_CLASSES, fashionMnistPools, loadFashionMnist, type FashionMnistArrays, type FashionMnistSourceKind } from './fashion-mnist';
import { cutout, randAugmentLite } from './augment';
import { ByteImageDataset, type SampleAugment } from './streaming';
import type { DatasetSplits } from './types';

/** The 8 item colours (name, RGB). */
export const MULTIFASHION_PALETTE: ReadonlyArray<{ name: string; rgb: readonly [number, number, number] }> = [
  { name: 'red', rgb: [255, 40, 40] },
  { name: 'green', rgb: [40, 210, 40] },
  { name: 'blue', rgb: [60, 100, 255] },
  { name: 'yellow', rgb: [250, 230, 30] },
  { name: 'cyan', rgb: [30, 220, 230] },
  { name: 'magenta', rgb: [230, 40, 230] },
  { name: 'orange', rgb: [255, 140, 0] },
  { name: 'white', rgb: [235, 235, 235] },
];

/** The 80 class names, `"<colour> <type>"`, class index = colour × 10 + type. */
export const MULTIFASHION_CLASSES: readonly string[] = MULTIFASHION_PALETTE.flatMap((c) =>
  FASHION_MNIST_CLASSES.map((t) => `${c.name} ${t}`),
);

/** Seed of the fixed class-frequency ranking (the same for every `seed`, so splits and runs agree). */
const RANKING_SEED = 20210; // ASL, ICCV 2021

export interface MultiFashionOptions {
  /** `multi-label` (default) or `single-label` (plain Fashion-MNIST, 10 classes, `[28, 28, 1]`). */
  mode?: 'multi-label' | 'single-label';
  /** Training images (default 8,000). */
  trainSize?: number;
  /** Validation images (default 2,000). */
  valSize?: number;
  /** Canvas side in pixels (default 64; 32 or 48 for quick runs). Must be ≥ 16. */
  canvasSize?: number;
  /** Generation seed (default 0). */
  seed?: number;
  /**
   * Relative weights of 1, 2, 3, 4 items per image (default `[0.06, 0.17, 0.33, 0.44]`, mean 3.15
   * items, ≈ 2.9 distinct labels after repeated (colour, type) pairs merge).
   */
  itemCountWeights?: readonly number[];
  /** Zipf exponent of the class frequencies (default 1; 0 = uniform). */
  zipfExponent?: number;
  /** Fraction of training positives hidden (default 0). */
  missingLabelRate?: number;
  /** How a hidden positive appears: `negative` (target 0, default) or `unknown` (masked). */
  missingLabelMode?: 'negative' | 'unknown';
  /** Fashion-MNIST files (default `auto`). */
  source?: FashionMnistSourceKind;
  /** Read/write the on-disk cache (default true). */
  cache?: boolean;
  /** Training augmentation used when batches ask for `augment` (default `cutout`). */
  augmentation?: 'none' | 'cutout' | 'cutout+randaugment';
  /**
   * Cutout square side as a fraction of the canvas (default 0.3). ASL uses 0.5 on COCO, but here a
   * 0.5 square is as large as a grid cell and can erase a whole item whose label stays positive;
   * with the default 2×2 grid items are at least 0.35 of the canvas, so 0.3 never hides one completely.
   */
  cutoutFactor?: number;
}

/** What was generated, for notebooks and reports. */
export interface MultiFashionInfo {
  source: 'system' | 'shipped';
  canvasSize: number;
  seed: number;
  /** Whether this call read the cache (false: generated now). */
  fromCache: boolean;
  /** Cache file (when caching is on). */
  cacheFile?: string;
  /** Clean training targets, before hiding labels (`[trainSize, 80]`). */
  cleanTrainTargets: Uint8Array;
  /** Number of training positives hidden by `missingLabelRate`. */
  hiddenPositives: number;
  /** Classes ordered from most to least frequent by construction (the fixed Zipf ranking). */
  classRanking: readonly number[];
}

export interface MultiFashionSplits extends DatasetSplits {
  train: ByteImageDataset;
  val: ByteImageDataset;
  info: MultiFashionInfo;
}

interface Resolved {
  trainSize: number;
  valSize: number;
  canvasSize: number;
  seed: number;
  itemCountWeights: number[];
  zipfExponent: number;
  missingLabelRate: number;
  missingLabelMode: 'negative' | 'unknown';
  source: FashionMnistSourceKind;
  cache: boolean;
  augmentation: 'none' | 'cutout' | 'cutout+randaugment';
  cutoutFactor: number;
}

function resolve(o: MultiFashionOptions): Resolved {
  const fn = 'loadMultiFashion';
  const int = (v: number | undefined, d: number, arg: string, min: number) => {
    const x = v ?? d;
    if (!Number.isInteger(x) || x < min) fail(fn, arg, `must be an integer ≥ ${min}, got ${String(v)}`);
    return x;
  };
  const weights = (o.itemCountWeights ?? [0.06, 0.17, 0.33, 0.44]).slice();
  if (weights.length < 1 || weights.length > 9 || weights.some((w) => !(w >= 0)) || !(weights.reduce((a, b) => a + b, 0) > 0)) {
    fail(fn, 'itemCountWeights', `must be 1–9 non-negative weights with a positive sum, got [${weights.join(', ')}]`);
  }
  return {
    trainSize: int(o.trainSize, 8000, 'trainSize', 1),
    valSize: int(o.valSize, 2000, 'valSize', 1),
    canvasSize: int(o.canvasSize, 64, 'canvasSize', 16),
    seed: int(o.seed, 0, 'seed', 0),
    itemCountWeights: weights,
    zipfExponent: assertInRange(o.zipfExponent ?? 1, { min: 0, max: 4 }, 'zipfExponent', fn),
    missingLabelRate: assertInRange(o.missingLabelRate ?? 0, { min: 0, max: 1, maxInclusive: false }, 'missingLabelRate', fn),
    missingLabelMode: assertOneOf(o.missingLabelMode ?? 'negative', ['negative', 'unknown'], 'missingLabelMode', fn),
    source: assertOneOf(o.source ?? 'auto', ['auto', 'shipped', 'system'], 'source', fn),
    cache: o.cache ?? true,
    augmentation: assertOneOf(o.augmentation ?? 'cutout', ['none', 'cutout', 'cutout+randaugment'], 'augmentation', fn),
    cutoutFactor: assertInRange(o.cutoutFactor ?? 0.3, { min: 0, max: 1 }, 'cutoutFactor', fn),
  };
}

/** The fixed ranking of the 80 classes (most frequent first). */
export function multiFashionClassRanking(): number[] {
  const random = seededRandom(RANKING_SEED);
  const order = Array.from({ length: 80 }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Item-level class probabilities: p(class ranked r) ∝ (r + 1)^(−exponent), r = 0…79. */
export function multiFashionClassProbabilities(zipfExponent = 1): Float64Array {
  const ranking = multiFashionClassRanking();
  const p = new Float64Array(80);
  let total = 0;
  ranking.forEach((cls, r) => {
    p[cls] = Math.pow(r + 1, -zipfExponent);
    total += p[cls];
  });
  for (let i = 0; i < 80; i++) p[i] /= total;
  return p;
}

function cumulative(p: ArrayLike<number>): Float64Array {
  const c = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) c[i] = s += p[i];
  for (let i = 0; i < p.length; i++) c[i] /= s;
  return c;
}

function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bilinear resampling of a grey `rows × cols` image to `s × s`, values in [0, 1]. */
function resizeGrey(src: Uint8Array, rows: number, cols: number, s: number): Float32Array {
  const out = new Float32Array(s * s);
  for (let y = 0; y < s; y++) {
    const fy = Math.max(0, Math.min(rows - 1, ((y + 0.5) * rows) / s - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < s; x++) {
      const fx = Math.max(0, Math.min(cols - 1, ((x + 0.5) * cols) / s - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(cols - 1, x0 + 1);
      const wx = fx - x0;
      const v =
        (1 - wy) * ((1 - wx) * src[y0 * cols + x0] + wx * src[y0 * cols + x1]) +
        wy * ((1 - wx) * src[y1 * cols + x0] + wx * src[y1 * cols + x1]);
      out[y * s + x] = v / 255;
    }
  }
  return out;
}

/** Generates `count` canvases from `pool` (pixels `[count, S, S, 3]`, targets `[count, 80]`). */
function generate(pool: FashionMnistArrays, count: number, r: Resolved, stream: number): { pixels: Uint8Array; targets: Uint8Array } {
  const S = r.canvasSize;
  const maxItems = r.itemCountWeights.length;
  const grid = Math.ceil(Math.sqrt(maxItems));
  const cell = Math.floor(S / grid);
  const countCdf = cumulative(r.itemCountWeights);
  const classCdf = cumulative(multiFashionClassProbabilities(r.zipfExponent));
  const byType: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < pool.count; i++) byType[pool.labels[i]].push(i);
  for (let t = 0; t < 10; t++) if (byType[t].length === 0) fail('loadMultiFashion', 'source', `the image pool has no item of type ${t}`);
  const random = seededRandom(mixSeeds(r.seed, stream, 0x4d46));
  const pixels = new Uint8Array(count * S * S * 3);
  const targets = new Uint8Array(count * 80);
  const px = pool.rows * pool.cols;
  const cells = Array.from({ length: grid * grid }, (_, i) => i);
  for (let n = 0; n < count; n++) {
    const items = draw(countCdf, random()) + 1;
    // choose `items` distinct cells (partial Fisher–Yates)
    for (let i = 0; i < items; i++) {
      const j = i + Math.floor(random() * (cells.length - i));
      [cells[i], cells[j]] = [cells[j], cells[i]];
    }
    const base = n * S * S * 3;
    for (let i = 0; i < items; i++) {
      const cls = draw(classCdf, random());
      const colour = MULTIFASHION_PALETTE[Math.floor(cls / 10)].rgb;
      const type = cls % 10;
      const list = byType[type];
      const src = list[Math.floor(random() * list.length)];
      const side = Math.max(4, Math.round(cell * (0.7 + 0.3 * random())));
      const img = resizeGrey(pool.images.subarray(src * px, (src + 1) * px), pool.rows, pool.cols, side);
      const cx = (cells[i] % grid) * cell + Math.floor(random() * (cell - side + 1));
      const cy = Math.floor(cells[i] / grid) * cell + Math.floor(random() * (cell - side + 1));
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const v = img[y * side + x];
          if (v <= 0) continue;
          const o = base + ((cy + y) * S + (cx + x)) * 3;
          pixels[o] = Math.round(v * colour[0]);
          pixels[o + 1] = Math.round(v * colour[1]);
          pixels[o + 2] = Math.round(v * colour[2]);
        }
      }
      targets[n * 80 + cls] = 1;
    }
  }
  return { pixels, targets };
}

const CACHE_VERSION = 1;
const MAGIC = 0x4d465348; // 'MFSH'

function encode(parts: { train: ReturnType<typeof generate>; val: ReturnType<typeof generate> }, r: Resolved): Uint8Array {
  const header = new Uint32Array([MAGIC, CACHE_VERSION, r.trainSize, r.valSize, r.canvasSize]);
  const total = header.byteLength + parts.train.pixels.length + parts.val.pixels.length + parts.train.targets.length + parts.val.targets.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const chunk of [new Uint8Array(header.buffer), parts.train.pixels, parts.val.pixels, parts.train.targets, parts.val.targets]) {
    out.set(chunk, o);
    o += chunk.length;
  }
  return out;
}

function decode(buf: Uint8Array, r: Resolved): { train: ReturnType<typeof generate>; val: ReturnType<typeof generate> } | undefined {
  if (buf.length < 20) return undefined;
  const h = new DataView(buf.buffer, buf.byteOffset, 20);
  const le = true;
  if (h.getUint32(0, le) !== MAGIC || h.getUint32(4, le) !== CACHE_VERSION) return undefined;
  if (h.getUint32(8, le) !== r.trainSize || h.getUint32(12, le) !== r.valSize || h.getUint32(16, le) !== r.canvasSize) return undefined;
  const img = r.canvasSize * r.canvasSize * 3;
  const sizes = [r.trainSize * img, r.valSize * img, r.trainSize * 80, r.valSize * 80];
  if (buf.length !== 20 + sizes.reduce((a, b) => a + b, 0)) return undefined;
  let o = 20;
  const take = (n: number) => {
    const v = new Uint8Array(n); // a plain Uint8Array, not a Buffer view
    v.set(buf.subarray(o, o + n));
    o += n;
    return v;
  };
  const trainPixels = take(sizes[0]);
  const valPixels = take(sizes[1]);
  return { train: { pixels: trainPixels, targets: take(sizes[2]) }, val: { pixels: valPixels, targets: take(sizes[3]) } };
}

/**
 * Hides a fraction of positive labels (seeded): returns the noisy targets, the mask (for `unknown`)
 * and the number hidden. Exported for tests and for the noisy-label chapter.
 */
export function hidePositiveLabels(
  targets: Uint8Array,
  rate: number,
  seed: number,
  mode: 'negative' | 'unknown' = 'negative',
): { targets: Uint8Array; mask?: Uint8Array; hidden: number } {
  const noisy = targets.slice();
  const mask = mode === 'unknown' ? new Uint8Array(targets.length).fill(1) : undefined;
  const random = seededRandom(mixSeeds(seed, 0x6d697373));
  let hidden = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] === 1 && random() < rate) {
      noisy[i] = 0;
      if (mask) mask[i] = 0;
      hidden++;
    }
  }
  return { targets: noisy, mask, hidden };
}

function augmentFor(kind: Resolved['augmentation'], factor: number): SampleAugment | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'cutout') return (s, shape, rnd) => cutout(s, shape, rnd, factor);
  return (s, shape, rnd) => {
    cutout(s, shape, rnd, factor);
    randAugmentLite(s, shape, rnd);
  };
}

/**
 * Loads (generating and caching on first use) MultiFashion's train and val splits. In
 * `single-label` mode it returns plain Fashion-MNIST (see {@link loadFashionMnist}).
 */
export async function loadMultiFashion(options: MultiFashionOptions = {}): Promise<MultiFashionSplits> {
  if ((options.mode ?? 'multi-label') === 'single-label') {
    const s = await loadFashionMnist({ source: options.source, trainSize: options.trainSize, valSize: options.valSize });
    const pools = fashionMnistPools(options.source ?? 'auto');
    const cleanTrainTargets = await s.train.targets();
    return {
      train: s.train as ByteImageDataset,
      val: s.val as ByteImageDataset,
      info: { source: pools.source, canvasSize: 28, seed: 0, fromCache: false, cleanTrainTargets, hiddenPositives: 0, classRanking: [] },
    };
  }
  assertOneOf(options.mode ?? 'multi-label', ['multi-label', 'single-label'], 'mode', 'loadMultiFashion');
  const r = resolve(options);
  const pools = fashionMnistPools(r.source);
  const params = {
    v: CACHE_VERSION,
    source: pools.source,
    trainSize: r.trainSize,
    valSize: r.valSize,
    canvasSize: r.canvasSize,
    seed: r.seed,
    itemCountWeights: r.itemCountWeights,
    zipfExponent: r.zipfExponent,
  };
  const file = r.cache ? cachePath('multifashion', params) : undefined;
  let parts = file ? (() => { const b = readCache(file); return b ? decode(b, r) : undefined; })() : undefined;
  const fromCache = !!parts;
  if (!parts) {
    parts = { train: generate(pools.train, r.trainSize, r, 1), val: generate(pools.val, r.valSize, r, 2) };
    if (file) writeCache(file, encode(parts, r));
  }
  const S = r.canvasSize;
  const noisy = r.missingLabelRate > 0 ? hidePositiveLabels(parts.train.targets, r.missingLabelRate, r.seed, r.missingLabelMode) : undefined;
  const train = new ByteImageDataset({
    name: 'multifashion/train',
    classNames: MULTIFASHION_CLASSES,
    inputShape: [S, S, 3],
    pixels: parts.train.pixels,
    targets: noisy ? noisy.targets : parts.train.targets,
    mask: noisy?.mask,
    augment: augmentFor(r.augmentation, r.cutoutFactor),
  });
  const val = new ByteImageDataset({
    name: 'multifashion/val',
    classNames: MULTIFASHION_CLASSES,
    inputShape: [S, S, 3],
    pixels: parts.val.pixels,
    targets: parts.val.targets,
  });
  return {
    train,
    val,
    info: {
      source: pools.source,
      canvasSize: S,
      seed: r.seed,
      fromCache,
      cacheFile: file,
      cleanTrainTargets: parts.train.targets,
      hiddenPositives: noisy?.hidden ?? 0,
      classRanking: multiFashionClassRanking(),
    },
  };
}
