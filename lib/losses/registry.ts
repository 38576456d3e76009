/**
 * The loss registry: every multi-label loss by name, so notebooks, the trainer and sweeps can pick
 * losses from strings and configs. `createLoss('asl', { gammaNeg: 2 })` → a {@link MultiLabelLoss}.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors';
import type { Reduction } from './reduction';

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
  /** Overrides the loss's default reduction. */
  reduction?: Reduction;
  context?: LossContext;
  /**
   * Check the values of targets (0/1), mask (0/1), logits (finite) and class weights (finite, ≥ 0).
   * These checks read tensors back from the backend; the training loop may switch them off.
   * Default true. Shapes and options are always checked.
   */
  validate?: boolean;
}

export type LossParamValue = number | boolean | string;

/** A configured loss, ready to call. */
export interface MultiLabelLoss {
  /** Registry name (e.g. `'asl'`). */
  readonly name: string;
  /** Resolved parameters (defaults filled in). */
  readonly params: Readonly<Record<string, LossParamValue>>;
  /** Loss of `logits [N, C]` against 0/1 `targets [N, C]`; a scalar unless `reduction: 'none'`. */
  call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor;
}

/** Description of one parameter: default and valid range, for validation, docs and sweeps. */
export interface LossParamInfo {
  default: LossParamValue;
  description: string;
  min?: number;
  max?: number;
  /** Allowed values of a string parameter. */
  choices?: readonly string[];
}

/** A registry entry. */
export interface LossInfo {
  name: string;
  /** One line: what it is. */
  description: string;
  /** Paper (title, venue, arXiv id). */
  paper: string;
  params: Readonly<Record<string, LossParamInfo>>;
  /** Builds the loss from complete, validated parameters. */
  create(params: Record<string, LossParamValue>): MultiLabelLoss;
}

/** A loss selected by name with (partial) parameters, as in configs. */
export interface LossSpec {
  name: string;
  params?: Record<string, LossParamValue>;
}

const registry = new Map<string, LossInfo>();
let builtinsLoaded = false;

/**
 * Registers the built-in losses on first use of the registry. Lazy, so that importing this module
 * alone (e.g. `import { createLoss } from './registry'`) still sees every built-in loss, without a
 * circular import at load time.
 */
function ensureBuiltins(): void {
  if (builtinsLoaded) return;
  builtinsLoaded = true;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  (require('./builtin-losses') as typeof import('./builtin-losses')).registerBuiltinLosses();
  // User loss modules (see `loadLossModule` in ./define-loss): listed in ASL_LOSS_MODULES so that
  // worker threads and child processes (sweeps) register the same prototype losses.
  for (const file of lossModulePaths()) require(file);
}

/** The module paths listed in the environment variable `ASL_LOSS_MODULES` (path-delimiter separated). */
export function lossModulePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.ASL_LOSS_MODULES ?? '';
  return raw
    .split(require('node:path').delimiter as string)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Adds a loss to the registry (throws if the name is taken, unless `override`). */
export function registerLoss(info: LossInfo, options: { override?: boolean } = {}): void {
  ensureBuiltins();
  if (registry.has(info.name) && !options.override) {
    fail('registerLoss', 'info', `a loss named '${info.name}' is already registered (pass { override: true } to replace it)`);
  }
  registry.set(info.name, info);
}

/** The registered loss names, sorted. */
export function listLosses(): string[] {
  ensureBuiltins();
  return [...registry.keys()].sort();
}

/** The registry entry of a loss. */
export function lossInfo(name: string): LossInfo {
  ensureBuiltins();
  return registry.get(name) ?? fail('lossInfo', 'name', `unknown loss '${name}'; registered: ${listLosses().join(', ')}`);
}

/** Fills defaults and validates parameters against a loss's {@link LossParamInfo}. */
export function resolveLossParams(info: LossInfo, params: Record<string, LossParamValue> = {}): Record<string, LossParamValue> {
  const fn = `createLoss('${info.name}')`;
  const out: Record<string, LossParamValue> = {};
  for (const key of Object.keys(params)) {
    if (!(key in info.params)) {
      fail(fn, key, `is not a parameter of ${info.name}; parameters: ${Object.keys(info.params).join(', ') || 'none'}`);
    }
  }
  for (const [key, p] of Object.entries(info.params)) {
    const v = params[key] ?? p.default;
    if (typeof v !== typeof p.default) fail(fn, key, `must be a ${typeof p.default}, got ${JSON.stringify(v)}`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || (p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
        fail(fn, key, `must be a finite number in [${p.min ?? '-∞'}, ${p.max ?? '∞'}], got ${v}`);
      }
    }
    if (typeof v === 'string' && p.choices && !p.choices.includes(v)) {
      fail(fn, key, `must be one of ${p.choices.join(', ')}, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** Creates a configured loss from a name or `{ name, params }`. */
export function createLoss(spec: string | LossSpec, params?: Record<string, LossParamValue>): MultiLabelLoss {
  const s = typeof spec === 'string' ? { name: spec, params } : spec;
  const info = lossInfo(s.name);
  return info.create(resolveLossParams(info, s.params ?? {}));
}
