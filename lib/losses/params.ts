/**
 * Loss parameters: typed spec builders (`param.number(4, 'γ−', { min: 0 })`) whose value types the
 * definitions infer, and the one validation every loss's parameters go through.
 */
import { fail } from '../core/errors';
import { suggestion } from '../core/options';
import { REDUCTIONS, type Reduction } from './reduction';
import type { LossParamValue, ParamSpec, ParamSpecs } from './types';

/** Builders of parameter specs; their return types carry the value type into the definition. */
export const param = {
  /** A number (finite), optionally bounded and integer. */
  number(defaultValue: number, description: string, range: { min?: number; max?: number; integer?: boolean } = {}): ParamSpec<number> {
    return { default: defaultValue, description, ...range };
  },
  /** A boolean switch. */
  boolean(defaultValue: boolean, description: string): ParamSpec<boolean> {
    return { default: defaultValue, description };
  },
  /** One of a fixed set of strings; the value type is their union. */
  choice<const T extends string>(choices: readonly T[], defaultValue: T, description: string): ParamSpec<T> {
    return { default: defaultValue, description, choices };
  },
  /** A list of numbers (e.g. per-class counts), each optionally bounded. */
  numbers(defaultValue: readonly number[], description: string, range: { min?: number; max?: number } = {}): ParamSpec<readonly number[]> {
    return { default: defaultValue, description, ...range };
  },
};

/** The reduction parameter every loss has (its default differs per loss). */
export function reductionParam(defaultReduction: Reduction): ParamSpec<Reduction> {
  return {
    default: defaultReduction,
    description: "'sum' (official ASL), 'mean' (over elements, or known labels with a mask), 'batchmean' (÷ N), 'none'",
    choices: REDUCTIONS,
  };
}

function typeName(v: LossParamValue): string {
  return Array.isArray(v) ? 'list of numbers' : typeof v;
}

function checkValue(spec: ParamSpec, key: string, v: unknown, fn: string): LossParamValue {
  const d = spec.default;
  if (Array.isArray(d)) {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) fail(fn, key, `must be a list of numbers, got ${JSON.stringify(v)}`);
    (v as number[]).forEach((x, i) => {
      if (!Number.isFinite(x) || (spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
        fail(fn, `${key}[${i}]`, `must be a finite number in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}], got ${x}`);
      }
    });
    return Object.freeze([...(v as number[])]);
  }
  if (typeof v !== typeof d) fail(fn, key, `must be a ${typeName(d)}, got ${JSON.stringify(v)}`);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || (spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
      fail(fn, key, `must be a finite number in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}], got ${v}`);
    }
    if (spec.integer && !Number.isInteger(v)) fail(fn, key, `must be an integer, got ${v}`);
  }
  if (typeof v === 'string' && spec.choices && !(spec.choices as readonly unknown[]).includes(v)) {
    fail(fn, key, `must be one of ${spec.choices.map((c) => `'${String(c)}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as LossParamValue;
}

/**
 * Fills defaults and validates `params` against `specs`: unknown keys (with the closest valid one),
 * types, ranges, integers and choices. `fn` names the caller in errors.
 */
export function resolveParams(specs: ParamSpecs, params: object | undefined, fn: string): Record<string, LossParamValue> {
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
    fail(fn, 'params', `must be an object, got ${JSON.stringify(params)}`);
  }
  const given = (params ?? {}) as Record<string, unknown>;
  const known = Object.keys(specs);
  for (const key of Object.keys(given)) {
    if (!(key in specs)) fail(fn, undefined, `unknown parameter '${key}' ${suggestion(key, known)}`);
  }
  const out: Record<string, LossParamValue> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const v = given[key];
    out[key] = v === undefined ? spec.default : checkValue(spec, key, v, fn);
  }
  return out;
}

/** Checks a spec itself (used when a loss is defined): default inside its own range and choices. */
export function checkParamSpec(spec: unknown, key: string, fn: string): void {
  if (spec === null || typeof spec !== 'object') fail(fn, `params.${key}`, `must be a parameter spec { default, description, … }, got ${JSON.stringify(spec)}`);
  const s = spec as ParamSpec;
  const d = s.default;
  const okType = typeof d === 'number' || typeof d === 'boolean' || typeof d === 'string' || (Array.isArray(d) && d.every((x) => typeof x === 'number'));
  if (!okType) fail(fn, `params.${key}.default`, `must be a number, boolean, string or list of numbers, got ${JSON.stringify(d)}`);
  if (typeof s.description !== 'string') fail(fn, `params.${key}.description`, 'must be a string');
  checkValue(s, `params.${key}.default`, d, fn);
}
