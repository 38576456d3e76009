/**
 * `defineLoss`: the one way to define a multi-label loss, used by every built-in and by users alike.
 * One definition gives the functional form, the configured loss and everything the registry, the
 * trainer, sweeps and the command line need; parameter types are inferred from the specs.
 *
 * A loss is given in one of three ways:
 * - `positive` / `negative`: per-element expressions of p = σ(z) for a positive and a negative label,
 *   ℓ(z, y) = y·positive(p) + (1 − y)·negative(p) — the quickest way to prototype a variant;
 * - `elementwise`: the per-element loss `(z, y) → [N, C]`;
 * - `forward`: full control over the prepared call (for losses that are not element-wise, or that
 *   fuse the reduction, like the fused ASL).
 * Masks, class weights and the four reductions come from the shared call path (./call.ts).
 *
 * @example
 * // ASL without probability shifting, in a few lines:
 * const af = defineLoss({
 *   name: 'asymmetric-focusing',
 *   params: { gammaNeg: param.number(4, 'γ−: focusing exponent of negatives', { min: 0 }) },
 *   positive: ({ logP }) => tf.neg(logP),
 *   negative: ({ p, log1mP }, { gammaNeg }) => tf.neg(tf.mul(tf.pow(p, gammaNeg), log1mP)),
 * });
 * af(z, y, { gammaNeg: 2, mask });            // functional form
 * await trainModel({ loss: af, epochs: 3 }, { data });   // the trainer takes the loss itself
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { prepareLossCall, reduceMaskedLoss, type PreparedLossCall } from './call';
import { checkParamSpec, reductionParam, resolveParams } from './params';
import { checkReduction, type Reduction } from './reduction';
import {
  LOSS_BRAND,
  LOSS_CALL_OPTION_KEYS,
  type Loss,
  type LossCallOptions,
  type LossContext,
  type LossInput,
  type LossOptions,
  type LossParams,
  type MultiLabelLoss,
  type ParamSpecs,
} from './types';

/** What a per-element expression receives (all `[N, C]`). */
export interface ElementTerms {
  /** Logits. */
  z: tf.Tensor;
  /** p = σ(z). */
  p: tf.Tensor;
  /** log p, stable for any z (−softplus(−z)). */
  logP: tf.Tensor;
  /** log(1 − p), stable for any z (−softplus(z)). */
  log1mP: tf.Tensor;
}

/** A per-element expression of one side of a loss (≥ 0, to be minimised). */
export type ElementExpression<P> = (terms: ElementTerms, params: Readonly<P>) => tf.Tensor;

/** The definition of a loss. Exactly one of `positive` + `negative`, `elementwise` or `forward`. */
export interface LossDefinition<S extends ParamSpecs> {
  /** Registry name: letters, digits, '.', '_' or '-'. */
  name: string;
  /** One line: what it is. */
  description?: string;
  /** Where it comes from. */
  paper?: string;
  /** Parameter specs (see `param`); `reduction` is added. */
  params?: S;
  /** Reduction when neither the parameters nor the call give one. Default `'mean'`. */
  defaultReduction?: Reduction;
  /** The name errors of the functional form use (default: the loss name), e.g. `'asymmetricLoss'`. */
  functionName?: string;
  /** Loss of a positive label, element-wise. */
  positive?: ElementExpression<LossParams<S>>;
  /** Loss of a negative label, element-wise. */
  negative?: ElementExpression<LossParams<S>>;
  /** The per-element loss `[N, C]`, differentiable in z. */
  elementwise?: (z: tf.Tensor2D, y: tf.Tensor2D, params: Readonly<LossParams<S>>, context: LossContext) => tf.Tensor;
  /** The whole call on checked inputs, reduced as `input.reduction` says (mask and class weights applied). */
  forward?: (input: PreparedLossCall, params: Readonly<LossParams<S>>) => tf.Tensor;
  /** Checks across parameters (ranges of single parameters are checked from the specs); throw with `fail`. */
  check?: (params: Readonly<LossParams<S>>, fn: string) => void;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/** The per-element kernel of a positive/negative definition. */
function fromExpressions<P>(positive: ElementExpression<P>, negative: ElementExpression<P>) {
  return (z: tf.Tensor2D, y: tf.Tensor2D, params: Readonly<P>): tf.Tensor => {
    const terms: ElementTerms = { z, p: tf.sigmoid(z), logP: tf.neg(tf.softplus(tf.neg(z))), log1mP: tf.neg(tf.softplus(z)) };
    return tf.add(tf.mul(y, positive(terms, params)), tf.mul(tf.sub(1, y), negative(terms, params)));
  };
}

/** Defines a loss (see the module comment). Nothing is registered: pass the result where a loss is wanted, or `registerLoss` it. */
export function defineLoss<S extends ParamSpecs = {}>(definition: LossDefinition<S>): Loss<S> {
  const fn = 'defineLoss';
  if (definition === null || typeof definition !== 'object') fail(fn, 'definition', `must be an object, got ${String(definition)}`);
  checkOptionKeys(definition, ['name', 'description', 'paper', 'params', 'defaultReduction', 'functionName', 'positive', 'negative', 'elementwise', 'forward', 'check'], fn);
  const { name } = definition;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    fail(fn, 'name', `must be a non-empty name of letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  }
  const ways = [definition.elementwise !== undefined, definition.forward !== undefined, definition.positive !== undefined || definition.negative !== undefined];
  if (ways.filter(Boolean).length !== 1) fail(fn, name, 'needs exactly one of: positive + negative, elementwise, forward');
  for (const key of ['positive', 'negative', 'elementwise', 'forward', 'check'] as const) {
    if (definition[key] !== undefined && typeof definition[key] !== 'function') fail(fn, `${name}.${key}`, 'must be a function');
  }
  if ((definition.positive === undefined) !== (definition.negative === undefined)) fail(fn, name, 'needs both positive and negative');
  const own = definition.params ?? ({} as S);
  if (own === null || typeof own !== 'object') fail(fn, `${name}.params`, 'must be an object of parameter specs');
  if ('reduction' in own) fail(fn, `${name}.params`, "must not define 'reduction' (every loss has it; set defaultReduction)");
  for (const [key, spec] of Object.entries(own)) checkParamSpec(spec, key, fn);
  const defaultReduction = checkReduction(definition.defaultReduction ?? 'mean', fn);
  const specs = { ...own, reduction: reductionParam(defaultReduction) };
  const functionName = definition.functionName ?? name;
  const { forward, check } = definition;
  const elementwise =
    definition.elementwise ?? (definition.positive && definition.negative ? fromExpressions(definition.positive, definition.negative) : undefined);

  const resolve = (params?: Partial<LossParams<S>>, caller = `createLoss('${name}')`): LossParams<S> => {
    // Validated against the specs just above: the record has exactly the spec's keys and value types.
    const p = resolveParams(specs, params, caller) as LossParams<S>;
    check?.(p, caller);
    return p;
  };

  const create = (params?: Partial<LossParams<S>>, caller?: string): MultiLabelLoss<LossParams<S>> => {
    const p = Object.freeze(resolve(params, caller));
    const callName = `${name}.call`;
    return {
      name,
      params: p,
      call(logits: tf.Tensor, targets: tf.Tensor, options?: LossCallOptions): tf.Tensor {
        checkOptionKeys(options, LOSS_CALL_OPTION_KEYS, callName);
        return tf.tidy(() => {
          const c = prepareLossCall(logits, targets, options, p.reduction, callName);
          if (forward) return forward(c, p);
          return reduceMaskedLoss(elementwise!(c.z, c.y, p, c.context), c.reduction, c.mask, c.classWeights);
        });
      },
    };
  };

  const known = [...Object.keys(specs), ...LOSS_CALL_OPTION_KEYS];
  const functional = (logits: LossInput, targets: LossInput, options?: LossOptions<S>): tf.Tensor => {
    checkOptionKeys(options, known, functionName);
    const { mask, classWeights, reduction, context, validate, ...params } = options ?? {};
    const loss = create(params as Partial<LossParams<S>>, functionName);
    return loss.call(logits as tf.Tensor, targets as tf.Tensor, { mask, classWeights, reduction, context, validate });
  };

  const defaults = Object.freeze(resolve(undefined, fn));
  Object.defineProperty(functional, 'name', { value: name });
  return Object.assign(functional, {
    description: definition.description ?? `user-defined loss '${name}'`,
    paper: definition.paper ?? 'user-defined (defineLoss)',
    params: Object.freeze(specs),
    defaults,
    resolve: (params?: Partial<LossParams<S>>) => resolve(params),
    create: (params?: Partial<LossParams<S>>) => create(params),
    [LOSS_BRAND]: true as const,
  }) as Loss<S>;
}
