/** The scikit-learn fixtures (test/fixtures/metrics/sklearn-metrics.json) and a loader for their matrices. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ShapedArray } from '../../lib/index';

export interface SklearnThresholdFixture {
  hamming_loss: number;
  subset_accuracy: number;
  f1_micro: number;
  f1_macro: number;
  precision_per_class: number[];
  recall_per_class: number[];
  f1_per_class: number[];
}

export interface SklearnCase {
  name: string;
  note: string;
  dtype: 'float32' | 'float64';
  shape: [number, number];
  scores: number[][];
  targets: number[][];
  ap_per_class: number[];
  ap_macro: number | null;
  ap_micro: number | null;
  ap_weighted: number | null;
  official_ap: number[];
  official_ap_micro: number;
  pr_curves: Array<{ precision: number[]; recall: number[]; thresholds: number[] }>;
  lrap: number | null;
  coverage_error: number | null;
  ranking_loss: number | null;
  at_threshold: { 'gt0.5'?: SklearnThresholdFixture; 'ge0.5'?: SklearnThresholdFixture };
}

export const SKLEARN: { provenance: string; cases: SklearnCase[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'metrics', 'sklearn-metrics.json'), 'utf8'),
);

/** The case's scores in its own precision (float32 cases as a Float32Array, so ties are the same). */
export function scoresOf(c: SklearnCase): ShapedArray {
  const flat = c.scores.flat();
  return { values: c.dtype === 'float32' ? Float32Array.from(flat) : Float64Array.from(flat), shape: c.shape };
}
