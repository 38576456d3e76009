import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AslInputError, toDenseMatrix, } from '../../lib/index';
import { setupBackend } from '../helpers';
import { toBinaryMatrix, toScoreMatrix } from '../../lib/metrics/matrix';

before(setupBackend);

describe('metric inputs: toDenseMatrix, toScoreMatrix, toBinaryMatrix', () => {
  test('every accepted form gives the same row-major values; float32 stays float32', () => {
    const rows = [
      [0.5, -1],
      [2, 0.25],
    ];
    const forms: unknown[] = [
      rows,
      rows.map((r) => Float32Array.from(r)),
      { values: [0.5, -1, 2, 0.25], shape: [2, 2] },
      { values: Float64Array.from([0.5, -1, 2, 0.25]), shape: [2, 2] },
      { values: Int8Array.from([1, -1, 2, 0]), shape: [2, 2] },
    ];
    for (const f of forms.slice(0, 4)) {
      const m = toDenseMatrix(f, 'x', 'fn');
      assert.deepEqual([m.rows, m.cols, Array.from(m.data)], [2, 2, [0.5, -1, 2, 0.25]]);
    }
    assert.ok(toDenseMatrix(forms[1], 'x', 'fn').data instanceof Float32Array);
    assert.ok(toDenseMatrix(forms[0], 'x', 'fn').data instanceof Float64Array);
    assert.deepEqual(Array.from(toDenseMatrix(forms[4], 'x', 'fn').data), [1, -1, 2, 0]);
    const t = tf.tensor2d(rows);
    const m = toScoreMatrix(t, 'x', 'fn');
    assert.ok(m.data instanceof Float32Array);
    assert.deepEqual(Array.from(m.data), [0.5, -1, 2, 0.25]);
    t.dispose();
  });

  test('toBinaryMatrix accepts 0/1 numbers, booleans tensors and integer arrays, and checks the shape', () => {
    const shape = { rows: 1, cols: 3, of: 'scores' };
    assert.deepEqual(Array.from(toBinaryMatrix([[1, 0, 1]], 'targets', 'fn', shape).data), [1, 0, 1]);
    assert.deepEqual(Array.from(toBinaryMatrix({ values: Uint8Array.from([0, 1, 1]), shape: [1, 3] }, 'targets', 'fn', shape).data), [0, 1, 1]);
    const b = tf.tensor2d([[true, false, true]], undefined, 'bool');
    assert.deepEqual(Array.from(toBinaryMatrix(b, 'targets', 'fn', shape).data), [1, 0, 1]);
    b.dispose();
    assert.throws(
      () => toBinaryMatrix([[1, 0]], 'targets', 'fn', shape),
      (e: unknown) => e instanceof AslInputError && e.message === "fn: argument 'targets' must have the shape of 'scores' [1, 3], got [1, 2]",
    );
  });

  test('errors name the function, the argument, the expectation and the cell', () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof AslInputError);
        return e.message;
      }
      assert.fail('did not throw');
    };
    assert.equal(msg(() => toScoreMatrix([[0, NaN]], 'scores', 'f')), "f: argument 'scores' must be finite, found NaN at row 0, column 1");
    assert.equal(msg(() => toBinaryMatrix([[0], [3]], 'targets', 'f')), "f: argument 'targets' must contain only 0 and 1, found 3 at row 1, column 0");
    assert.equal(msg(() => toDenseMatrix([[0, '1']] as never, 'scores', 'f')), "f: argument 'scores' must contain numbers, found string 1 at row 0, column 1");
    assert.equal(msg(() => toDenseMatrix({ values: [0, '1'], shape: [1, 2] } as never, 'scores', 'f')), "f: argument 'scores' must contain numbers, found string 1 at flat index 1");
    assert.equal(msg(() => toDenseMatrix({ values: [0, 1], shape: [2] }, 'scores', 'f')), "f: argument 'scores' must have a 2-D shape [samples, classes], got shape [2]");
    assert.equal(msg(() => toDenseMatrix('abc', 'scores', 'f')), "f: argument 'scores' must be a 2-D tf.Tensor, { values, shape } or a nested number array, got string abc");
    assert.equal(msg(() => toDenseMatrix({ values: [], shape: [0, 3] }, 'scores', 'f')), "f: argument 'scores' must not be empty, got shape [0, 3] (need at least one sample and one class)");
    const t = tf.tensor2d([[1]]);
    t.dispose();
    assert.equal(msg(() => toDenseMatrix(t, 'scores', 'f')), "f: argument 'scores' is a disposed tensor");
  });
});
