/**
 * A small, fixed-budget Debtags subset (evenly spread packages of the train and validation splits)
 * that sweep workers can load by reference ({@link debtagsSubsetRef}).
 */
import { fail } from '../core/errors';
import { loadDebtags } from './debtags';
import type { DebtagsOptions } from './debtags';
import { SparseFeatureDataset } from './sparse';
import type { SparseRows } from './sparse';
import type { DatasetSplits, DatasetRef } from './types';

/** Options of {@link loadDebtagsSubset}: Debtags' options plus the subset sizes. */
export interface DebtagsSubsetOptions extends DebtagsOptions {
  /** Training packages kept (default 4,000; at most the split's size). */
  trainSize?: number;
  /** Validation packages kept (default 1,000). */
  valSize?: number;
}

/** Rows `round(i·n/m)`, i < m: an evenly spread, deterministic subset of m of n rows. */
function spreadRows(n: number, m: number): number[] {
  const k = Math.min(n, m);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

async function subsetOf(ds: SparseFeatureDataset, size: number, name: string): Promise<SparseFeatureDataset> {
  const rows = spreadRows(ds.size, size);
  const k = ds.classNames.length;
  const all = await ds.targets();
  const targets = new Uint8Array(rows.length * k);
  const { rowPtr, cols, vals, dim } = ds.features;
  const ptr = new Uint32Array(rows.length + 1);
  const c: number[] = [];
  const v: number[] = [];
  rows.forEach((r, i) => {
    targets.set(all.subarray(r * k, (r + 1) * k), i * k);
    for (let j = rowPtr[r]; j < rowPtr[r + 1]; j++) {
      c.push(cols[j]);
      v.push(vals[j]);
    }
    ptr[i + 1] = c.length;
  });
  const features: SparseRows = { rowPtr: ptr, cols: Uint32Array.from(c), vals: Float32Array.from(v), dim };
  return new SparseFeatureDataset({ name, classNames: ds.classNames, targets, features });
}

/**
 * Debtags (see `loadDebtags`) reduced to `trainSize` training and `valSize` validation packages,
 * evenly spread over each split (deterministic), for leaderboards with a small fixed budget per run.
 * The classes are those of the full snapshot (`minTagCount`), so a rare class may have no positive
 * in a small subset (mAP skips such classes).
 */
export async function loadDebtagsSubset(options: DebtagsSubsetOptions = {}): Promise<DatasetSplits> {
  const fn = 'loadDebtagsSubset';
  const { trainSize = 4000, valSize = 1000, ...debtags } = options;
  for (const [arg, v] of [['trainSize', trainSize], ['valSize', valSize]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(fn, arg, `must be a positive integer, got ${String(v)}`);
  }
  const full = await loadDebtags(debtags);
  return {
    train: await subsetOf(full.train, trainSize, 'debtags-subset/train'),
    val: await subsetOf(full.val, valSize, 'debtags-subset/val'),
  };
}

/**
 * A sweep data reference to {@link loadDebtagsSubset}, so `runSweep` workers load the same subset:
 * `runSweep(spec, { data: debtagsSubsetRef({ trainSize: 2000 }) })`.
 */
export function debtagsSubsetRef(options: DebtagsSubsetOptions = {}): DatasetRef {
  return { kind: 'debtags-subset', options: { ...options } };
}
