/**
 * Ordering one column of scores with its 0/1 labels: the full sort behind the precision-recall
 * curves, AP on columns that need 64-bit keys, and the reference walk the fast AP kernel
 * (`ap-kernel.ts`) is tested against.
 *
 * An LSD radix sort on the order-preserving integer image of the IEEE-754 bits, carrying the label
 * of each sample with its key: no comparator, no index indirection, no per-element closures. Radix
 * sorting is stable, so the result is ascending by (score, original position); read backwards it is
 * descending by score with LATER positions first among equal scores — exactly numpy's stable
 * `argsort()[::-1]` that the official ASL `mAP` uses. Equal keys ⇔ equal scores (−0 is mapped to +0),
 * so tie groups can be read off the sorted keys.
 *
 * Columns whose values are all exactly representable in float32 (every float32 tensor, and most
 * probabilities) get 32-bit keys (3 passes of 11 bits); other columns 64-bit keys (6 passes).
 * A pass whose digit is the same for every key is skipped.
 */

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
/** Histogram entries {@link radixSortKeys} needs (three passes of 2¹¹ buckets). */
export const RADIX_SORT_HISTOGRAM_SIZE = 3 * RADIX;

/**
 * One column ready to sort: keys (`lo`, plus `hi` when `wide`), labels and the count `n`. Buffers are
 * reused across columns and grown on demand. After {@link sortColumn} the same fields hold the
 * sorted column (ascending).
 */
export class SortableColumn {
  n = 0;
  wide = false;
  lo = new Uint32Array(0);
  hi = new Uint32Array(0);
  labels = new Uint8Array(0);
  /** Scratch of the same sizes (double buffering). */
  private lo2 = new Uint32Array(0);
  private hi2 = new Uint32Array(0);
  private labels2 = new Uint8Array(0);
  private readonly hist = new Uint32Array(6 * RADIX);
  private readonly f32 = new Float32Array(1);
  private readonly f32bits = new Uint32Array(this.f32.buffer);
  private readonly f64 = new Float64Array(1);
  private readonly f64bits = new Uint32Array(this.f64.buffer);

  /** Makes room for `n` samples. */
  ensure(n: number): void {
    if (this.lo.length >= n) return;
    const size = Math.max(n, 2 * this.lo.length);
    this.lo = new Uint32Array(size);
    this.hi = new Uint32Array(size);
    this.labels = new Uint8Array(size);
    this.lo2 = new Uint32Array(size);
    this.hi2 = new Uint32Array(size);
    this.labels2 = new Uint8Array(size);
  }

  /**
   * Loads column `c` of a row-major `rows × cols` matrix (`values`, labels `targets`), leaving out
   * cells whose `mask` is 0. Values must be finite.
   */
  load(
    values: Float32Array | Float64Array,
    targets: Uint8Array,
    mask: Uint8Array | undefined,
    rows: number,
    cols: number,
    c: number,
  ): void {
    this.loadStrided(values, targets, mask, c, cols, rows);
  }

  /** Loads `count` cells starting at `offset` with step `stride` (a column, or a whole matrix with stride 1). */
  loadStrided(
    values: Float32Array | Float64Array,
    targets: Uint8Array,
    mask: Uint8Array | undefined,
    offset: number,
    stride: number,
    count: number,
  ): void {
    this.ensure(count);
    const lo = this.lo;
    const labels = this.labels;
    let n = 0;
    if (values instanceof Float32Array) {
      const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
      for (let i = 0, j = offset; i < count; i++, j += stride) {
        if (mask !== undefined && mask[j] === 0) continue;
        lo[n] = orderKey32(bits[j]);
        labels[n] = targets[j];
        n++;
      }
      this.n = n;
      this.wide = false;
      return;
    }
    // float64 values: 32-bit keys when every value is a float32, else 64-bit keys.
    let narrow = true;
    for (let i = 0, j = offset; i < count; i++, j += stride) {
      const v = values[j];
      if (Math.fround(v) !== v) {
        narrow = false;
        break;
      }
    }
    const f32 = this.f32;
    const f32bits = this.f32bits;
    if (narrow) {
      for (let i = 0, j = offset; i < count; i++, j += stride) {
        if (mask !== undefined && mask[j] === 0) continue;
        f32[0] = values[j];
        lo[n] = orderKey32(f32bits[0]);
        labels[n] = targets[j];
        n++;
      }
      this.n = n;
      this.wide = false;
      return;
    }
    const hi = this.hi;
    const f64 = this.f64;
    const f64bits = this.f64bits;
    for (let i = 0, j = offset; i < count; i++, j += stride) {
      if (mask !== undefined && mask[j] === 0) continue;
      f64[0] = values[j] + 0; // −0 + 0 = +0
      const h = f64bits[1];
      if (h & 0x80000000) {
        hi[n] = ~h >>> 0;
        lo[n] = ~f64bits[0] >>> 0;
      } else {
        hi[n] = (h | 0x80000000) >>> 0;
        lo[n] = f64bits[0];
      }
      labels[n] = targets[j];
      n++;
    }
    this.n = n;
    this.wide = true;
  }

  /** The score of sorted position `i` (decoded from its key). */
  scoreAt(i: number): number {
    if (!this.wide) {
      const k = this.lo[i];
      this.f32bits[0] = k & 0x80000000 ? k & 0x7fffffff : ~k >>> 0;
      return this.f32[0];
    }
    const h = this.hi[i];
    if (h & 0x80000000) {
      this.f64bits[1] = h & 0x7fffffff;
      this.f64bits[0] = this.lo[i];
    } else {
      this.f64bits[1] = ~h >>> 0;
      this.f64bits[0] = ~this.lo[i] >>> 0;
    }
    return this.f64[0];
  }

  /** Whether sorted positions `i` and `j` hold equal scores. */
  sameScore(i: number, j: number): boolean {
    return this.lo[i] === this.lo[j] && (!this.wide || this.hi[i] === this.hi[j]);
  }

  /** Sorts the loaded column ascending by (score, load position), in place. */
  sort(): void {
    const n = this.n;
    if (n < 2) return;
    const hist = this.hist;
    if (!this.wide) {
      if (radixSortKeys(this.lo, this.labels, this.lo2, this.labels2, n, hist)) {
        const k = this.lo;
        this.lo = this.lo2;
        this.lo2 = k;
        const l = this.labels;
        this.labels = this.labels2;
        this.labels2 = l;
      }
      return;
    }
    hist.fill(0);
    const lo = this.lo;
    const hi = this.hi;
    for (let i = 0; i < n; i++) {
      const k = lo[i];
      hist[k & MASK]++;
      hist[RADIX + ((k >>> BITS) & MASK)]++;
      hist[2 * RADIX + (k >>> (2 * BITS))]++;
      const h = hi[i];
      hist[3 * RADIX + (h & MASK)]++;
      hist[4 * RADIX + ((h >>> BITS) & MASK)]++;
      hist[5 * RADIX + (h >>> (2 * BITS))]++;
    }
    for (let p = 0; p < 6; p++) {
      const base = p * RADIX;
      if (!prefixSums(hist, base, n)) continue;
      this.scatterWide(hist, base, p < 3 ? 0 : 1, (p % 3) * BITS);
    }
  }

  private scatterWide(hist: Uint32Array, base: number, word: number, shift: number): void {
    const n = this.n;
    const loIn = this.lo;
    const hiIn = this.hi;
    const lIn = this.labels;
    const loOut = this.lo2;
    const hiOut = this.hi2;
    const lOut = this.labels2;
    const digitSource = word === 0 ? loIn : hiIn;
    for (let i = 0; i < n; i++) {
      const pos = hist[base + ((digitSource[i] >>> shift) & MASK)]++;
      loOut[pos] = loIn[i];
      hiOut[pos] = hiIn[i];
      lOut[pos] = lIn[i];
    }
    this.lo = loOut;
    this.lo2 = loIn;
    this.hi = hiOut;
    this.hi2 = hiIn;
    this.labels = lOut;
    this.labels2 = lIn;
  }
}

/**
 * Stable LSD radix sort of 32-bit keys with a payload (the label bytes of a column, or the
 * positives' indices in the AP kernel), three 11-bit passes, skipping passes whose digit is
 * constant. `hist` needs {@link RADIX_SORT_HISTOGRAM_SIZE} entries. Returns true when the result ended in the scratch buffers
 * (`k2`, `v2`).
 */
export function radixSortKeys<P extends Uint8Array | Uint32Array>(k1: Uint32Array, v1: P, k2: Uint32Array, v2: P, n: number, hist: Uint32Array): boolean {
  hist.fill(0, 0, RADIX_SORT_HISTOGRAM_SIZE);
  for (let i = 0; i < n; i++) {
    const k = k1[i];
    hist[k & MASK]++;
    hist[RADIX + ((k >>> BITS) & MASK)]++;
    hist[2 * RADIX + (k >>> (2 * BITS))]++;
  }
  let swapped = false;
  let kIn = k1;
  let vIn = v1;
  let kOut = k2;
  let vOut = v2;
  for (let p = 0; p < 3; p++) {
    const base = p * RADIX;
    if (!prefixSums(hist, base, n)) continue;
    const shift = p * BITS;
    for (let i = 0; i < n; i++) {
      const k = kIn[i];
      const pos = hist[base + ((k >>> shift) & MASK)]++;
      kOut[pos] = k;
      vOut[pos] = vIn[i];
    }
    const tk = kIn;
    kIn = kOut;
    kOut = tk;
    const tv = vIn;
    vIn = vOut;
    vOut = tv;
    swapped = !swapped;
  }
  return swapped;
}

/**
 * The columns of a row-major `rows × cols` matrix, one after the other (column-major), copied with
 * a cache-blocked loop so that each column can then be read contiguously.
 */
export function toColumnMajor<T extends Float32Array | Float64Array | Uint8Array>(data: T, rows: number, cols: number): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const BLOCK = 64;
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(rows, i0 + BLOCK);
    for (let c = 0; c < cols; c++) {
      const o = c * rows;
      for (let i = i0, j = i0 * cols + c; i < i1; i++, j += cols) out[o + i] = data[j];
    }
  }
  return out;
}

/** Order-preserving unsigned key of float32 bits (−0 → +0): negatives flip all bits, others the sign bit. */
function orderKey32(b: number): number {
  if (b === 0x80000000) b = 0;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/** Turns counts into start offsets in place; false when one bucket holds all n keys (pass not needed, also for n < 2). */
function prefixSums(hist: Uint32Array, base: number, n: number): boolean {
  let sum = 0;
  for (let d = 0; d < RADIX; d++) {
    const c = hist[base + d];
    if (c === n) return false;
    hist[base + d] = sum;
    sum += c;
  }
  return true;
}
