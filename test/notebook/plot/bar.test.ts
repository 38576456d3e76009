import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from 'asl-workbook';
import { barFigure, PALETTE } from 'asl-workbook-notebook';

test('barFigure(series, options) builds one grouped bar trace per series with error bars', () => {
  const fig = barFigure(
    [
      { name: 'debtags', categories: ['asl', 'bce'], values: [30, 20], errors: [1, NaN] },
      { name: 'multifashion', categories: ['asl', 'bce'], values: [12, 10] },
    ],
    { title: 'T', valueTitle: 'mAP', categoryTitle: 'loss', textDigits: 1 },
  );
  assert.equal(fig.data.length, 2);
  assert.equal(fig.data[0].type, 'bar');
  assert.deepEqual(fig.data[0].x, ['asl', 'bce']);
  assert.deepEqual(fig.data[0].y, [30, 20]);
  assert.deepEqual(fig.data[0].error_y, { type: 'data', array: [1, 0], visible: true, thickness: 1.5 });
  assert.equal(fig.data[1].error_y, undefined);
  assert.deepEqual(fig.data[0].text, ['30.0', '20.0']);
  assert.deepEqual((fig.data[1].marker as { color: string }).color, PALETTE[1]);
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.barmode, 'group');
  assert.equal(layout.title.text, 'T');
  assert.equal(layout.yaxis.title.text, 'mAP');
  assert.deepEqual(layout.xaxis.categoryarray, ['asl', 'bce']);
  assert.equal(layout.showlegend, true);
});

test('barFigure horizontal: values on x, categories on y (top to bottom in the given order), error_x', () => {
  const fig = barFigure([{ name: 'a', categories: ['x', 'y', 'z'], values: [3, 2, 1], errors: [0.1, 0.2, 0.3], colors: ['red', 'blue', 'blue'] }], {
    orientation: 'h',
    categoryOrder: ['z', 'y', 'x'],
  });
  assert.deepEqual(fig.data[0].x, [3, 2, 1]);
  assert.deepEqual(fig.data[0].y, ['x', 'y', 'z']);
  assert.ok(fig.data[0].error_x);
  assert.deepEqual((fig.data[0].marker as { color: string[] }).color, ['red', 'blue', 'blue']);
  const layout = fig.layout as Record<string, any>;
  assert.deepEqual(layout.yaxis.categoryarray, ['x', 'y', 'z']);
  assert.equal(layout.showlegend, false);
  assert.equal(layout.height, 300); // 120 + 20 px × 3 bars, at least 300
  assert.equal((barFigure([{ name: 'a', categories: ['x', 'y', 'z'], values: [1, 2, 3] }, { name: 'b', categories: ['x', 'y', 'z'], values: [1, 2, 3] }, { name: 'c', categories: ['x', 'y', 'z'], values: [1, 2, 3] }], { orientation: 'h' }).layout as Record<string, any>).height, 120 + 20 * 9);
});

test('barFigure rejects empty series and mismatched lengths', () => {
  assert.throws(() => barFigure([]), AslInputError);
  assert.throws(() => barFigure([{ name: 'a', categories: ['x'], values: [1, 2] }]), /values/);
  assert.throws(() => barFigure([{ name: 'a', categories: ['x'], values: [1], errors: [1, 2] }]), /errors/);
});
