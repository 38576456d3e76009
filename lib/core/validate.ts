/**
 * Shared argument and tensor checks. Cheap checks on arguments always run; checks that read tensor
 * values back from the backend (NaN, binary targets) run only when the caller asks (`validate`),
 * so the training loop can switch them off.
 */
import * as tf from './tf';
import { fail, formatShape } from './errors';

/** Anything the workbook accepts where it needs a 2-D float tensor. */
export type Matrix = tf.Tensor | number[][] | Float32Array[];

/** Converts a tensor or a nested array to a float32 tensor (caller owns it when it is new). */
export function toTensor(x: unknown, arg: string, fn: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
      fail(fn, arg, `must be a numeric tensor, got dtype ${x.dtype}`);
    }
    return x.dtype === 'float32' ? x : x.toFloat();
  }
  if (Array.isArray(x)) {
    try {
      return tf.tensor(x as number[][], undefined, 'float32');
    } catch (e) {
      fail(fn, arg, `must be a rectangular nested array of numbers (${(e as Error).message})`);
    }
  }
  return fail(fn, arg, `must be a tf.Tensor or a nested number array, got ${describe(x)}`);
}

/** A short description of a value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return `${typeof x} ${String(x)}`;
}

export function assertRank(t: tf.Tensor, rank: number, arg: string, fn: string): void {
  if (t.rank !== rank) {
    fail(fn, arg, `must be ${rank}-D, got shape ${formatShape(t.shape)}`);
  }
}

export function assertSameShape(a: tf.Tensor, b: tf.Tensor, argA: string, argB: string, fn: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    fail(fn, argB, `must have the shape of '${argA}' ${formatShape(a.shape)}, got ${formatShape(b.shape)}`);
  }
}

export function assertNonEmpty(t: tf.Tensor, arg: string, fn: string): void {
  if (t.size === 0) fail(fn, arg, `must not be empty, got shape ${formatShape(t.shape)}`);
}

/** Position of the first value matching `bad` in a flat array, as a row/column index for messages. */
function where(shape: readonly number[], flatIndex: number): string {
  if (shape.length !== 2) return `index ${flatIndex}`;
  const cols = shape[1];
  return `row ${Math.floor(flatIndex / cols)}, column ${flatIndex % cols}`;
}

/** Throws if any value is NaN or ±Infinity (reads the tensor back). */
export function assertFinite(t: tf.Tensor, arg: string, fn: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      fail(fn, arg, `must be finite, found ${values[i]} at ${where(t.shape, i)}`);
    }
  }
}

/** Throws unless every value is exactly 0 or 1 (reads the tensor back). */
export function assertBinary(t: tf.Tensor, arg: string, fn: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) {
      fail(fn, arg, `must contain only 0 and 1, found ${v} at ${where(t.shape, i)}`);
    }
  }
}

export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], arg: string, fn: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(fn, arg, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export interface Range {
  min?: number;
  max?: number;
  /** Whether `min` itself is allowed (default true). */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed (default true). */
  maxInclusive?: boolean;
}

/** Throws unless `value` is a finite number inside the range. */
export function assertInRange(value: unknown, range: Range, arg: string, fn: string): number {
  const { min = -Infinity, max = Infinity, minInclusive = true, maxInclusive = true } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) &&
    (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const lo = min === -Infinity ? '(-∞' : `${minInclusive ? '[' : '('}${min}`;
    const hi = max === Infinity ? '∞)' : `${max}${maxInclusive ? ']' : ')'}`;
    fail(fn, arg, `must be a finite number in ${lo}, ${hi}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}
