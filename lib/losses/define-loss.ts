/**
 * Prototyping new loss variants: define a multi-label loss from per-element expressions of the
 * probability p for a positive and for a negative label, and it works wherever a built-in loss does
 * (the registry → the trainer and sweeps via `createLoss(name)`, `lossCurve`, `effectiveWeight`,
 * the benchmark), with masks, class weights and all four reductions.
 *
 *   ℓ(z, y) = y·positive(p) + (1 − y)·negative(p),   p = σ(z)
 *
 * Each expression receives `{ z, p, logP, log1mP }` (logP = log p = −softplus(−z) and
 * log1mP = log(1 − p) = −softplus(z), both stable for any z) and the resolved parameters, and must
 * return the loss (≥ 0, to be minimised) element-wise. Gradients come from tfjs autodiff. Keep the
 * expressions finite for every z: a NaN in the unused branch still poisons the product with y.
 *
 * @example
 * // ASL without probability shifting, as a prototype:
 * defineLoss({
 *   name: 'my-af',
 *   params: { gammaNeg: { default: 4, min: 0, max: 10, description: 'γ−' } },
 *   positive: ({ logP }) => tf.neg(logP),
 *   negative: ({ p, log1mP }, { gammaNeg }) => tf.neg(tf.mul(tf.pow(p, gammaNeg as number), log1mP)),
 * });
 * createLoss('my-af', { gammaNeg: 2 }).call(z, y, { mask });
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import { elementwiseMultiLabelLoss, reductionParam } from './multi-label-loss';
import { listLosses, lossModulePaths, registerLoss, type LossInfo, type LossParamInfo, type LossParamValue } from './registry';
import type { Reduction } from './reduction';

/** What a per-element expression receives. */
export interface ElementTerms {
  /** Logits. */
  z: tf.Tensor;
  /** p = σ(z). */
  p: tf.Tensor;
  /** log p, stable (−softplus(−z)). */
  logP: tf.Tensor;
  /** log(1 − p), stable (−softplus(z)). */
  log1mP: tf.Tensor;
}

/** A per-element expression of a loss part. */
export type ElementExpression = (terms: ElementTerms, params: Readonly<Record<string, LossParamValue>>) => tf.Tensor;

/** Definition of a prototype loss. */
export interface DefineLossSpec {
  /** Registry name (must be new unless `override`). */
  name: string;
  description?: string;
  /** Where the idea comes from. */
  paper?: string;
  /** Parameters with defaults and ranges (validated by `createLoss`). `reduction` is added automatically. */
  params?: Record<string, LossParamInfo>;
  /** Loss of a positive label (y = 1). */
  positive: ElementExpression;
  /** Loss of a negative label (y = 0). */
  negative: ElementExpression;
  /** Default reduction. Default `'mean'`. */
  defaultReduction?: Reduction;
  /** Add it to the registry (default true). */
  register?: boolean;
  /** Replace a registered loss of the same name (default false). */
  override?: boolean;
}

/** Defines (and by default registers) a loss from positive/negative per-element expressions. */
export function defineLoss(spec: DefineLossSpec): LossInfo {
  const fn = 'defineLoss';
  if (spec === null || typeof spec !== 'object') fail(fn, 'spec', `must be an object, got ${String(spec)}`);
  if (typeof spec.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(spec.name)) {
    fail(fn, 'name', `must be a non-empty name of letters, digits, '.', '_' or '-', got ${JSON.stringify(spec.name)}`);
  }
  if (typeof spec.positive !== 'function') fail(fn, 'positive', 'must be a function ({ z, p, logP, log1mP }, params) => tensor');
  if (typeof spec.negative !== 'function') fail(fn, 'negative', 'must be a function ({ z, p, logP, log1mP }, params) => tensor');
  if (spec.params && 'reduction' in spec.params) fail(fn, 'params', "must not define 'reduction' (it is added automatically)");
  const defaultReduction = spec.defaultReduction ?? 'mean';
  const info: LossInfo = {
    name: spec.name,
    description: spec.description ?? `user-defined loss '${spec.name}'`,
    paper: spec.paper ?? 'user-defined (defineLoss)',
    params: { ...(spec.params ?? {}), reduction: reductionParam(defaultReduction) },
    create: (params) => {
      const frozen = Object.freeze({ ...params });
      return elementwiseMultiLabelLoss({
        name: spec.name,
        params,
        defaultReduction: params.reduction as Reduction,
        kernel: (z, y) => {
          const terms: ElementTerms = { z, p: tf.sigmoid(z), logP: tf.neg(tf.softplus(tf.neg(z))), log1mP: tf.neg(tf.softplus(z)) };
          const pos = spec.positive(terms, frozen);
          const neg = spec.negative(terms, frozen);
          return tf.add(tf.mul(y, pos), tf.mul(tf.sub(1, y), neg));
        },
      });
    },
  };
  if (spec.register ?? true) registerLoss(info, { override: spec.override });
  return info;
}

/**
 * Loads a module that defines losses (it calls {@link defineLoss} when it is loaded) and records its
 * path in `process.env.ASL_LOSS_MODULES`, so that worker threads and child processes started
 * afterwards — the sweep runner's workers — register the same losses on their first registry use.
 * This is how a prototype defined in a file works in sweeps; a loss defined only inside a notebook
 * cell exists in that process alone. `file` must be loadable by `require` (a .js file, or a .ts
 * file where tsx is active, as in the tests and the sweep workers started from the sources).
 * Returns the names the module added.
 */
export function loadLossModule(file: string): string[] {
  const fn = 'loadLossModule';
  if (typeof file !== 'string' || file.trim() === '') fail(fn, 'file', `must be a module path, got ${JSON.stringify(file)}`);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const path = require('node:path') as typeof import('node:path');
  const resolved = path.resolve(file);
  const before = new Set(listLosses());
  try {
    require(resolved);
  } catch (e) {
    fail(fn, 'file', `could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  const paths = lossModulePaths();
  if (!paths.includes(resolved)) process.env.ASL_LOSS_MODULES = [...paths, resolved].join(path.delimiter);
  return listLosses().filter((n) => !before.has(n));
}
