/**
 * The types every loss shares. They live here, apart from the registry and the definitions, so a
 * loss module imports types and the shared call path only: nothing imports the registry but the
 * registry's users, and the import graph has no circle.
 */
import type * as tf from '../core/tf';
import type { Reduction } from './reduction';

/** The value of one loss parameter: JSON-serialisable, so configs, sweeps and run folders record it. */
export type LossParamValue = number | boolean | string | readonly number[];

/** Training-time context some losses need (SPLC's epoch, schedules). */
export interface LossContext {
  /** 0-based epoch. */
  epoch?: number;
  /** 0-based global step. */
  step?: number;
}

/** Per-call options every multi-label loss accepts. */
export interface LossCallOptions {
  /** Known-label mask `[N, C]`: 1 = known, 0 = unknown (contributes nothing to value or gradient). */
  mask?: tf.Tensor;
  /** Per-class weights `[C]`. */
  classWeights?: tf.Tensor | readonly number[];
  /** Overrides the loss's configured reduction. */
  reduction?: Reduction;
  /** Training context (epoch/step) for losses that need it. */
  context?: LossContext;
  /**
   * Check the values of targets (0/1), mask (0/1), logits (finite) and class weights (finite, ≥ 0).
   * These checks read tensors back from the backend; the training loop switches them off.
   * Default true. Shapes and options are always checked.
   */
  validate?: boolean;
}

/** The keys of {@link LossCallOptions} (what a functional loss accepts besides its parameters). */
export const LOSS_CALL_OPTION_KEYS = ['mask', 'classWeights', 'reduction', 'context', 'validate'] as const;

/** Description of one parameter: default, range or choices, for validation, docs, the CLI and sweeps. */
export interface ParamSpec<T extends LossParamValue = LossParamValue> {
  readonly default: T;
  readonly description: string;
  /** Smallest allowed number (numbers, and every element of a number list). */
  readonly min?: number;
  /** Largest allowed number. */
  readonly max?: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Allowed values of a string parameter. */
  readonly choices?: readonly T[];
}

/** The parameter specs of a loss, by name. */
export type ParamSpecs = { readonly [name: string]: ParamSpec };

/** The parameter values a set of specs describes (`{ gammaNeg: ParamSpec<number> }` → `{ gammaNeg: number }`). */
export type ParamValues<S extends ParamSpecs> = { -readonly [K in keyof S]: S[K]['default'] };

/** A loss's complete parameters: its own and the reduction every loss has. */
export type LossParams<S extends ParamSpecs> = ParamValues<S> & { reduction: Reduction };

/** A configured loss, ready to call. */
export interface MultiLabelLoss<P extends object = Record<string, LossParamValue>> {
  /** The loss's name (e.g. `'asl'`). */
  readonly name: string;
  /** Complete, validated parameters (defaults filled in). */
  readonly params: Readonly<P>;
  /** Loss of `logits [N, C]` against 0/1 `targets [N, C]`; a scalar unless the reduction is `'none'`. */
  call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor;
}

/** Logits or targets: a 2-D tensor or a nested number array. */
export type LossInput = tf.Tensor | number[][];

/** Options of a functional loss: any of its parameters plus the per-call options. */
export type LossOptions<S extends ParamSpecs> = Partial<ParamValues<S>> & LossCallOptions;

/**
 * A loss definition, as {@link defineLoss} returns it: callable as the functional form
 * (`focalLoss(z, y, { gamma: 3, mask })`), configurable (`focalLoss.create({ gamma: 3 })` → a
 * {@link MultiLabelLoss}), and describable (name, paper, parameter specs) — which is all the
 * registry, the trainer, sweeps and the CLI need.
 */
export interface Loss<S extends ParamSpecs = ParamSpecs> {
  (logits: LossInput, targets: LossInput, options?: LossOptions<S>): tf.Tensor;
  /** The loss's name (`'asl'`): the registry key and the label in configs and reports. */
  readonly name: string;
  /** One line: what it is. */
  readonly description: string;
  /** Where it comes from (paper, venue, arXiv id). */
  readonly paper: string;
  /** Parameter specs, `reduction` included. */
  readonly params: S & { readonly reduction: ParamSpec<Reduction> };
  /** The parameters when none are given. */
  readonly defaults: Readonly<LossParams<S>>;
  /** Validated complete parameters from partial ones (unknown keys, types, ranges and choices checked). */
  resolve(params?: Partial<LossParams<S>>): LossParams<S>;
  /** A configured loss. */
  create(params?: Partial<LossParams<S>>): MultiLabelLoss<LossParams<S>>;
  /** Brand that tells a loss definition from other functions. */
  readonly [LOSS_BRAND]: true;
}

/** Brand of {@link Loss} objects (a registered symbol, so copies of the library agree). */
export const LOSS_BRAND: unique symbol = Symbol.for('asl-workbook.loss') as never;

/** Whether `x` is a loss definition made by `defineLoss`. */
export function isLoss(x: unknown): x is Loss {
  return typeof x === 'function' && (x as unknown as Record<symbol, unknown>)[LOSS_BRAND] === true;
}

/** Whether `x` is a configured loss (has `name`, `params` and `call`). */
export function isMultiLabelLoss(x: unknown): x is MultiLabelLoss {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as MultiLabelLoss).call === 'function' &&
    typeof (x as MultiLabelLoss).name === 'string' &&
    typeof (x as MultiLabelLoss).params === 'object'
  );
}

/**
 * A loss by name with (partial) parameters, as in JSON configs. `module` names a file whose exports
 * include the loss (a `defineLoss` result) — how a user's loss reaches sweep workers and other
 * processes without a registry entry: the worker requires the module and finds the export by name.
 */
export interface LossSpec {
  name: string;
  params?: Record<string, LossParamValue>;
  module?: string;
}

/** Anything the trainer, sweeps and analysis tools accept as a loss. */
export type LossLike = string | LossSpec | Loss | MultiLabelLoss;
