/**
 * Inputs of the multi-label metrics: N×K matrices (rows = samples, columns = classes) given as a
 * tf tensor, a typed array with a shape, or a nested `number[][]`. Metrics run on the CPU in
 * float64 over plain typed arrays, so everything is converted once to a row-major
 * {@link DenseMatrix} and checked here, with errors that name the function and the argument.
 */
import * as tf from '../core/tf';
import { fail, formatShape } from '../core/errors';
import { describe } from '../core/validate';

/** A flat row-major typed (or plain) array and its `[rows, columns]` shape. */
export interface ShapedArray {
  values: ArrayLike<number>;
  shape: readonly number[];
}

/**
 * Anything a metric accepts as an N×K matrix: a 2-D tf tensor, `{ values, shape: [N, K] }`, or rows
 * as nested arrays (`number[][]`, `Float32Array[]`).
 */
export type MetricMatrix = tf.Tensor | ShapedArray | ReadonlyArray<ArrayLike<number>>;

/** A matrix in canonical form: row-major values (Float32Array kept as is, otherwise Float64Array). */
export interface DenseMatrix {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

/** A 0/1 matrix in canonical form. */
export interface BinaryMatrix {
  data: Uint8Array;
  rows: number;
  cols: number;
}

function isShapedArray(x: unknown): x is ShapedArray {
  return (
    x !== null &&
    typeof x === 'object' &&
    !Array.isArray(x) &&
    'values' in x &&
    'shape' in x &&
    Array.isArray((x as ShapedArray).shape)
  );
}

/** A matrix as it arrived: flat row-major values (typed array or numbers), not yet converted. */
interface RawMatrix {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
}

function isNumericTypedArray(x: unknown): boolean {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

/** Reads the shape and the flat values of any {@link MetricMatrix}, checking the shape and the value types. */
function toRawMatrix(x: unknown, arg: string, fn: string): RawMatrix {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) fail(fn, arg, 'is a disposed tensor');
    if (x.rank !== 2) fail(fn, arg, `must be a 2-D [samples, classes] tensor, got shape ${formatShape(x.shape)}`);
    return checkSize({ values: x.dataSync() as ArrayLike<number>, rows: x.shape[0], cols: x.shape[1] }, arg, fn);
  }
  if (isShapedArray(x)) {
    const { values, shape } = x;
    if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(fn, arg, `must have a 2-D shape [samples, classes], got shape ${JSON.stringify(shape)}`);
    }
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      fail(fn, arg, `values must be a typed array or an array of numbers, got ${describe(values)}`);
    }
    if (values.length !== shape[0] * shape[1]) {
      fail(fn, arg, `has ${values.length} values, which does not match its shape ${formatShape(shape)}`);
    }
    if (!isNumericTypedArray(values)) {
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== 'number') fail(fn, arg, `must contain numbers, found ${describe(values[i])} at flat index ${i}`);
      }
    }
    return checkSize({ values, rows: shape[0], cols: shape[1] }, arg, fn);
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    if (rows === 0) fail(fn, arg, 'must not be empty, got 0 rows (samples)');
    const first = x[0] as unknown;
    if (first === null || typeof first !== 'object' || typeof (first as ArrayLike<number>).length !== 'number') {
      fail(fn, arg, `must be a 2-D array (rows of numbers), got ${describe(first)} at row 0`);
    }
    const cols = (first as ArrayLike<number>).length;
    const allF32 = x.every((r) => r instanceof Float32Array);
    const data = allF32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = x[i] as ArrayLike<number>;
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        fail(fn, arg, `must be a 2-D array (rows of numbers), got ${describe(row)} at row ${i}`);
      }
      if (row.length !== cols) {
        fail(fn, arg, `must be rectangular: row 0 has ${cols} columns, row ${i} has ${row.length}`);
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') fail(fn, arg, `must contain numbers, found ${describe(v)} at row ${i}, column ${j}`);
        data[i * cols + j] = v;
      }
    }
    return checkSize({ values: data, rows, cols }, arg, fn);
  }
  return fail(fn, arg, `must be a 2-D tf.Tensor, { values, shape } or a nested number array, got ${describe(x)}`);
}

/** Converts any {@link MetricMatrix} to row-major numbers, checking the shape (not the values). */
export function toDenseMatrix(x: unknown, arg: string, fn: string): DenseMatrix {
  const { values, rows, cols } = toRawMatrix(x, arg, fn);
  const data = values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
  return { data, rows, cols };
}

function checkSize<M extends { rows: number; cols: number }>(m: M, arg: string, fn: string): M {
  if (m.rows === 0 || m.cols === 0) {
    fail(fn, arg, `must not be empty, got shape [${m.rows}, ${m.cols}] (need at least one sample and one class)`);
  }
  return m;
}

function at(cols: number, flat: number): string {
  return `row ${Math.floor(flat / cols)}, column ${flat % cols}`;
}

/** Scores: an N×K matrix of finite numbers (NaN and ±Infinity are rejected, naming the cell). */
export function toScoreMatrix(x: unknown, arg: string, fn: string): DenseMatrix {
  const m = toDenseMatrix(x, arg, fn);
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) fail(fn, arg, `must be finite, found ${v} at ${at(m.cols, i)}`);
  }
  return m;
}

/**
 * A 0/1 matrix (targets or a mask), of the shape of `shape.of` when given; any other value is
 * rejected, naming the cell.
 */
export function toBinaryMatrix(
  x: unknown,
  arg: string,
  fn: string,
  shape?: { rows: number; cols: number; of: string },
): BinaryMatrix {
  const m = checkShape(toRawMatrix(x, arg, fn), arg, fn, shape);
  const d = m.values;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v === 1) out[i] = 1;
    else if (v !== 0) fail(fn, arg, `must contain only 0 and 1, found ${v} at ${at(m.cols, i)}`);
  }
  return { data: out, rows: m.rows, cols: m.cols };
}


function checkShape<M extends { rows: number; cols: number }>(
  m: M,
  arg: string,
  fn: string,
  shape?: { rows: number; cols: number; of: string },
): M {
  if (shape && (m.rows !== shape.rows || m.cols !== shape.cols)) {
    fail(fn, arg, `must have the shape of '${shape.of}' [${shape.rows}, ${shape.cols}], got [${m.rows}, ${m.cols}]`);
  }
  return m;
}

export { checkOptionKeys } from '../core/options';

/** The checked, canonical inputs of a metric: scores, targets and an optional mask of known labels. */
export interface MetricInputs {
  scores: DenseMatrix;
  targets: BinaryMatrix;
  /** 1 = label known (counted), 0 = unknown (excluded); undefined = all known. */
  mask?: BinaryMatrix;
}

/** Converts and checks `scores`, `targets` and an optional `mask` (same N×K shape, binary targets and mask). */
export function toMetricInputs(scores: unknown, targets: unknown, mask: unknown, fn: string): MetricInputs {
  const s = toScoreMatrix(scores, 'scores', fn);
  const shape = { rows: s.rows, cols: s.cols, of: 'scores' };
  const t = toBinaryMatrix(targets, 'targets', fn, shape);
  const m = mask === undefined || mask === null ? undefined : toBinaryMatrix(mask, 'mask', fn, shape);
  return { scores: s, targets: t, mask: m };
}
