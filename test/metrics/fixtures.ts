/** The scikit-learn fixtures (test/fixtures/metrics/sklearn-metrics.json) and a loader for their matrices. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ThresholdComparison, ThresholdOptions } from '../../lib/metrics/index';
import { ShapedArray } from '../../lib/metrics/matrix';

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

/**
 * The threshold options that reproduce scikit-learn's `scores > 0.5` (or `>=`) for a case. Scores
 * outside [0, 1] are logits: thresholding them as probabilities is rejected, so they are declared
 * logits and σ(z) is compared with σ(0.5), which predicts exactly z > 0.5 (no logit of the fixtures
 * lies within float32 rounding of 0.5: the closest is 0.011 away).
 */
export function sklearnHalfThreshold(c: SklearnCase, comparison: ThresholdComparison): ThresholdOptions {
  const logits = c.scores.some((row) => row.some((v) => v < 0 || v > 1));
  return logits ? { comparison, scoreType: 'logits', threshold: 1 / (1 + Math.exp(-0.5)) } : { comparison };
}
