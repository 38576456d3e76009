/**
 * The base of the workbook's streaming datasets: it holds the (small) targets and mask in memory
 * and asks a subclass for the inputs of one batch at a time, so the inputs (decoded images, dense
 * features) of a large dataset never have to be in memory together. Subclasses: byte arrays
 * ({@link ByteImageDataset}), hashed sparse features, image files on disk.
 */
import { fail } from '../core/errors';
import { batchRandom, batchSlices, checkBatchOptions, labelledBatch } from './in-memory';
import type { Batch, BatchOptions, MultiLabelDataset } from './types';

/** In-place augmentation of one sample (row-major, `shape` e.g. `[H, W, C]`), drawn with `random`. */
export type SampleAugment = (sample: Float32Array, shape: readonly number[], random: () => number) => void;

export interface StreamingDatasetInit {
  name: string;
  classNames: readonly string[];
  inputShape: readonly number[];
  /** Multi-hot targets, row-major `[size, K]`, values 0/1. */
  targets: Uint8Array;
  /** Known-label mask `[size, K]` (1 known, 0 unknown), where labels can be unknown. */
  mask?: Uint8Array;
  /** Training augmentation (applied when a batch asks for `augment`). */
  augment?: SampleAugment;
}

export abstract class StreamingDataset implements MultiLabelDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  readonly inputShape: readonly number[];
  readonly size: number;
  readonly hasMask: boolean;
  /** Values per sample (product of `inputShape`). */
  readonly sampleSize: number;
  protected readonly labelTargets: Uint8Array;
  protected readonly labelMask?: Uint8Array;
  protected readonly augmentFn?: SampleAugment;

  constructor(init: StreamingDatasetInit) {
    const fn = init.name || 'StreamingDataset';
    const k = init.classNames.length;
    if (k === 0) fail(fn, 'classNames', 'must not be empty');
    const size = init.targets.length / k;
    if (!Number.isInteger(size)) fail(fn, 'targets', `length ${init.targets.length} is not a multiple of ${k} classes`);
    if (init.mask && init.mask.length !== init.targets.length) {
      fail(fn, 'mask', `length ${init.mask.length} ≠ targets length ${init.targets.length}`);
    }
    this.name = init.name;
    this.classNames = init.classNames;
    this.inputShape = init.inputShape;
    this.size = size;
    this.hasMask = !!init.mask;
    this.sampleSize = init.inputShape.reduce((a, b) => a * b, 1);
    this.labelTargets = init.targets;
    this.labelMask = init.mask;
    this.augmentFn = init.augment;
  }

  /** Writes the inputs of rows `indices` into `out` (`indices.length × sampleSize` values). */
  protected abstract readInputs(indices: Uint32Array, out: Float32Array): Promise<void>;

  async targets(): Promise<Uint8Array> {
    return this.labelTargets;
  }

  /** The known-label mask (all ones when the dataset has none). */
  async knownMask(): Promise<Uint8Array> {
    return this.labelMask ?? new Uint8Array(this.labelTargets.length).fill(1);
  }

  /** Rows `indices` as one batch (the caller owns the tensors). */
  async take(indices: ArrayLike<number>, augment = false, random: () => number = Math.random): Promise<Batch> {
    const idx = Uint32Array.from(indices as ArrayLike<number>);
    for (const i of idx) if (i >= this.size) fail(`${this.name}.take`, 'indices', `index ${i} out of range [0, ${this.size})`);
    const n = idx.length;
    const k = this.classNames.length;
    const x = new Float32Array(n * this.sampleSize);
    await this.readInputs(idx, x);
    if (augment && this.augmentFn) {
      for (let r = 0; r < n; r++) this.augmentFn(x.subarray(r * this.sampleSize, (r + 1) * this.sampleSize), this.inputShape, random);
    }
    return labelledBatch(x, this.inputShape, idx, k, this.labelTargets, this.labelMask);
  }

  async *batches(options: BatchOptions): AsyncIterable<Batch> {
    checkBatchOptions(options, `${this.name}.batches`);
    const random = batchRandom(options);
    for (const indices of batchSlices(this.size, options)) yield await this.take(indices, !!options.augment, random);
  }
}

export interface ByteImageDatasetInit extends StreamingDatasetInit {
  /** Pixels as bytes, row-major `[size, ...inputShape]`; batches scale them to [0, 1] (÷ 255). */
  pixels: Uint8Array;
}

/**
 * Images held in memory as bytes (4× smaller than float32), scaled to [0, 1] batch by batch.
 * MultiFashion and Fashion-MNIST use it.
 */
export class ByteImageDataset extends StreamingDataset {
  private readonly pixels: Uint8Array;

  constructor(init: ByteImageDatasetInit) {
    super(init);
    if (init.pixels.length !== this.size * this.sampleSize) {
      fail(init.name, 'pixels', `length ${init.pixels.length} ≠ ${this.size} samples × ${this.sampleSize} values`);
    }
    this.pixels = init.pixels;
  }

  /** The raw bytes of sample `i` (a view, not a copy). */
  samplePixels(i: number): Uint8Array {
    return this.pixels.subarray(i * this.sampleSize, (i + 1) * this.sampleSize);
  }

  protected async readInputs(indices: Uint32Array, out: Float32Array): Promise<void> {
    const s = this.sampleSize;
    for (let r = 0; r < indices.length; r++) {
      const src = indices[r] * s;
      const dst = r * s;
      for (let j = 0; j < s; j++) out[dst + j] = this.pixels[src + j] / 255;
    }
  }
}
