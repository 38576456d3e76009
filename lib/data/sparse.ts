/**
 * Sparse feature rows (CSR) served as dense batches, and feature hashing (Weinberger et al. 2009):
 * each token is mapped by a 32-bit FNV-1a hash to one of `dim` buckets, so a vocabulary of any size
 * fits a fixed input width; collisions are rare when `dim` ≫ tokens per row.
 */
import { fail } from '../core/errors';
import { StreamingDataset, type StreamingDatasetInit } from './streaming';

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Compressed sparse rows: row `r` holds `cols[rowPtr[r]..rowPtr[r+1])` with `vals` alike. */
export interface SparseRows {
  rowPtr: Uint32Array;
  cols: Uint32Array;
  vals: Float32Array;
  /** Number of columns (the dense width). */
  dim: number;
}

export interface HashingOptions {
  /** Number of buckets (default 2^14). */
  dim?: number;
  /** `log1p` of the counts (default true) instead of raw counts. */
  logCounts?: boolean;
  /** Scale each row to unit L2 norm (default true). */
  normalize?: boolean;
}

/**
 * Hashes each row's tokens into `dim` buckets: value = log(1 + count) (or the count), then rows are
 * L2-normalised. Returns CSR rows with sorted, unique column indices.
 */
export function hashTokenRows(rows: readonly (readonly string[])[], options: HashingOptions = {}): SparseRows {
  const { dim = 1 << 14, logCounts = true, normalize = true } = options;
  if (!Number.isInteger(dim) || dim < 1) fail('hashTokenRows', 'dim', `must be a positive integer, got ${String(dim)}`);
  const rowPtr = new Uint32Array(rows.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const counts = new Map<number, number>();
    for (const t of rows[r]) {
      const b = fnv1a32(t) % dim;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    const keys = [...counts.keys()].sort((a, b) => a - b);
    const v = keys.map((k) => (logCounts ? Math.log1p(counts.get(k)!) : counts.get(k)!));
    const norm = normalize ? Math.sqrt(v.reduce((a, b) => a + b * b, 0)) || 1 : 1;
    keys.forEach((k, i) => {
      cols.push(k);
      vals.push(v[i] / norm);
    });
    rowPtr[r + 1] = cols.length;
  }
  return { rowPtr, cols: Uint32Array.from(cols), vals: Float32Array.from(vals), dim };
}

export interface SparseFeatureDatasetInit extends Omit<StreamingDatasetInit, 'inputShape'> {
  features: SparseRows;
}

/** A dataset of sparse feature rows, produced as dense `[B, dim]` batches. */
export class SparseFeatureDataset extends StreamingDataset {
  readonly features: SparseRows;

  constructor(init: SparseFeatureDatasetInit) {
    super({ ...init, inputShape: [init.features.dim] });
    if (init.features.rowPtr.length !== this.size + 1) {
      fail(init.name, 'features', `has ${init.features.rowPtr.length - 1} rows, targets have ${this.size}`);
    }
    this.features = init.features;
  }

  protected async readInputs(indices: Uint32Array, out: Float32Array): Promise<void> {
    const { rowPtr, cols, vals, dim } = this.features;
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      for (let j = rowPtr[i]; j < rowPtr[i + 1]; j++) out[r * dim + cols[j]] = vals[j];
    }
  }
}
