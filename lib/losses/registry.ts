/**
 * Losses by name, for configs, sweeps and the command line: `createLoss('asl', { gammaNeg: 2 })`.
 * The built-ins are registered when this module loads (./builtins imports every loss; no loss
 * imports the registry, so there is no circle). A user's loss needs no registration to train or to
 * sweep — pass the loss itself — but `registerLoss(myLoss)` lets configs name it.
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import { describe } from '../core/validate';
import { suggestion } from '../core/options';
import { BUILTIN_LOSSES } from './builtins';
import { isLoss, isMultiLabelLoss, type Loss, type LossLike, type LossParamValue, type LossSpec, type MultiLabelLoss } from './types';

const registry = new Map<string, Loss>();
for (const loss of BUILTIN_LOSSES) registry.set(loss.name, loss);

/** Adds a loss definition to the registry (throws if the name is taken, unless `override`). */
export function registerLoss(loss: Loss, options: { override?: boolean } = {}): void {
  const fn = 'registerLoss';
  if (!isLoss(loss)) fail(fn, 'loss', `must be a loss made by defineLoss, got ${describe(loss)}`);
  if (registry.has(loss.name) && !options.override) {
    fail(fn, 'loss', `a loss named '${loss.name}' is already registered (pass { override: true } to replace it)`);
  }
  registry.set(loss.name, loss);
}

/** Removes a registered loss (built-ins included); returns whether it was there. */
export function unregisterLoss(name: string): boolean {
  return registry.delete(name);
}

/** The registered loss names, sorted. */
export function listLosses(): string[] {
  return [...registry.keys()].sort();
}

/** The registered loss of that name; the error suggests the closest name. */
export function lossInfo(name: string): Loss {
  if (typeof name !== 'string') fail('lossInfo', 'name', `must be a string, got ${describe(name)}`);
  return registry.get(name) ?? fail('lossInfo', 'name', `unknown loss '${name}' ${suggestion(name, listLosses())}`);
}

/** The loss a spec names: from `spec.module`'s exports when given (sweep workers, other processes), else the registry. */
function lossOfSpec(spec: LossSpec): Loss {
  if (spec.module === undefined) return lossInfo(spec.name);
  const fn = 'createLoss';
  let mod: Record<string, unknown>;
  try {
    mod = require(path.resolve(spec.module)) as Record<string, unknown>;
  } catch (e) {
    return fail(fn, 'module', `${spec.module} could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  const found = Object.values(mod).find((v): v is Loss => isLoss(v) && v.name === spec.name);
  return found ?? fail(fn, 'module', `${spec.module} exports no loss named '${spec.name}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
}

/** Checks the shape of a loss spec (configs arrive from JSON). */
export function checkLossSpec(spec: unknown, fn = 'createLoss'): LossSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail(fn, 'loss', `must be a name, { name, params } or a loss, got ${describe(spec)}`);
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!['name', 'params', 'module'].includes(key)) fail(fn, undefined, `unknown option 'loss.${key}' ${suggestion(key, ['name', 'params', 'module'])}`);
  if (typeof s.name !== 'string') fail(fn, 'loss.name', `must be a string, got ${describe(s.name)}`);
  if (s.params !== undefined && (s.params === null || typeof s.params !== 'object' || Array.isArray(s.params))) fail(fn, 'loss.params', 'must be an object');
  if (s.module !== undefined && typeof s.module !== 'string') fail(fn, 'loss.module', 'must be a file path');
  return s as unknown as LossSpec;
}

/**
 * A configured loss from anything that describes one: a registered name, `{ name, params, module? }`,
 * a loss definition (with `params` applied) or an already configured loss (returned as it is).
 */
export function createLoss(loss: LossLike, params?: Record<string, LossParamValue>): MultiLabelLoss {
  if (isMultiLabelLoss(loss) && !isLoss(loss)) {
    if (params && Object.keys(params).length) fail('createLoss', 'params', `cannot be applied to the configured loss '${loss.name}' (configure its definition instead)`);
    return loss;
  }
  if (isLoss(loss)) return loss.create(params);
  if (typeof loss === 'string') return lossInfo(loss).create(params);
  const spec = checkLossSpec(loss);
  return lossOfSpec(spec).create({ ...(spec.params ?? {}), ...(params ?? {}) });
}

/** The definition behind a loss-like value (for parameter specs and descriptions). */
export function lossDefinitionOf(loss: Exclude<LossLike, MultiLabelLoss>): Loss {
  if (isLoss(loss)) return loss;
  if (typeof loss === 'string') return lossInfo(loss);
  return lossOfSpec(checkLossSpec(loss));
}

/**
 * A JSON-serialisable description of a loss-like value, for run folders and sweep workers:
 * `{ name, params }` (with `module` when the spec had one), or undefined when the loss exists only in
 * this process (a definition or configured loss that is not the registered one of its name).
 */
export function serialisableLossSpec(loss: LossLike): LossSpec | undefined {
  if (typeof loss === 'string') return { name: loss };
  if (isLoss(loss)) return registry.get(loss.name) === loss ? { name: loss.name } : undefined;
  if (isMultiLabelLoss(loss)) return undefined;
  return checkLossSpec(loss);
}
