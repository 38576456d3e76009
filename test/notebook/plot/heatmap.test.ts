import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from 'asl-workbook';
import { heatmapFigure } from 'asl-workbook-notebook';

test('heatmapFigure(z, options) builds one heatmap trace with categorical axes, labels and titles', () => {
  const fig = heatmapFigure([[1, 2, 3], [4, 5, 6]], { x: [0, 0.05, 0.1], y: [0, 4], title: 'T', xTitle: 'm', yTitle: 'γ−', colorbarTitle: 'mAP' });
  assert.equal(fig.data.length, 1);
  const trace = fig.data[0] as Record<string, any>;
  assert.equal(trace.type, 'heatmap');
  assert.deepEqual(trace.x, ['0', '0.05', '0.1']);
  assert.deepEqual(trace.y, ['0', '4']);
  assert.deepEqual(trace.z, [[1, 2, 3], [4, 5, 6]]);
  assert.equal(trace.colorbar.title.text, 'mAP');
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.title.text, 'T');
  assert.equal(layout.xaxis.title.text, 'm');
  assert.equal(layout.yaxis.type, 'category');
  // Numeric-looking labels: the annotation of column 2 (label 0.1) sits at category index 2, row 1 at index 1.
  const a = layout.annotations as Array<Record<string, unknown>>;
  assert.deepEqual([a[5].x, a[5].y, a[5].text], [2, 1, '6.0']);
});

test('heatmapFigure annotates every finite cell with its value at the requested digits, skipping NaN and null', () => {
  const fig = heatmapFigure([[1.234, NaN], [null, 9.876]], { x: ['a', 'b'], y: ['r0', 'r1'], digits: 2 });
  const ann = (fig.layout as Record<string, any>).annotations as Array<Record<string, any>>;
  // Placed by category index (column j, row i), so numeric-looking labels cannot misplace them.
  assert.deepEqual(ann.map((a) => [a.x, a.y, a.text]), [[0, 0, '1.23'], [1, 1, '9.88']]);
  // Missing cells are null in the trace (plotly leaves them blank).
  assert.deepEqual((fig.data[0] as Record<string, any>).z, [[1.234, null], [null, 9.876]]);
  // Light text on the low (dark) end of Viridis, dark text on the high end.
  assert.equal(ann[0].font.color, '#ffffff');
  assert.equal(ann[1].font.color, '#000000');
});

test('heatmapFigure outlines the best cell (row i, column j spans i ± 0.5, j ± 0.5), unless markMax is false', () => {
  const z = [[1, 2, 3], [4, 9, 6]];
  const shapes = (heatmapFigure(z).layout as Record<string, any>).shapes as Array<Record<string, number>>;
  assert.equal(shapes.length, 1);
  assert.deepEqual([shapes[0].x0, shapes[0].x1, shapes[0].y0, shapes[0].y1], [0.5, 1.5, 0.5, 1.5]);
  assert.equal(((heatmapFigure(z, { markMax: false }).layout as Record<string, any>).shapes as unknown[]).length, 0);
  // Default labels are the indices.
  assert.deepEqual((heatmapFigure(z).data[0] as Record<string, any>).x, ['0', '1', '2']);
});

test('heatmapFigure rejects ragged or empty matrices and label counts that do not match', () => {
  assert.throws(() => heatmapFigure([]), AslInputError);
  assert.throws(() => heatmapFigure([[]]), AslInputError);
  assert.throws(() => heatmapFigure([[1, 2], [3]]), /heatmapFigure.*z\[1\].*2 values/);
  assert.throws(() => heatmapFigure([[1, 2]], { x: [0] }), /options\.x/);
  assert.throws(() => heatmapFigure([[1, 2]], { y: [0, 1] }), /options\.y/);
});
