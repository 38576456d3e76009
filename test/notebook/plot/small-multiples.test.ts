import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from 'asl-workbook';
import { OUTSIDE_LEGEND, lineFigure, smallMultiplesFigure, barFigure } from 'asl-workbook-notebook';

describe('figure layout', () => {
  test('legends sit outside the plotting area', () => {
    assert.deepEqual(lineFigure([{ name: 'a', x: [0], y: [1] }]).layout?.legend, OUTSIDE_LEGEND);
    assert.ok((OUTSIDE_LEGEND.x as number) > 1, 'right of the plot');
    assert.deepEqual(barFigure([{ name: 'a', categories: ['x'], values: [1] }, { name: 'b', categories: ['x'], values: [2] }]).layout?.legend, OUTSIDE_LEGEND);
  });
  test('small multiples: one panel per group on a grid, shared y, one legend entry per series name', () => {
    const panel = (t: string) => ({ title: t, series: [{ name: 'positives', x: [0, 1], y: [1, 2] }, { name: 'negatives', x: [0, 1], y: [2, 1] }] });
    const f = smallMultiplesFigure([panel('asl'), panel('bce'), panel('focal'), panel('hill'), panel('zlpr')], { columns: 3, yTitle: 'w' });
    const layout = f.layout as Record<string, any>;
    assert.deepEqual(layout.grid.rows, 2);
    assert.deepEqual(layout.grid.columns, 3);
    assert.equal(f.data.length, 10);
    assert.equal(f.data.filter((d) => d.showlegend).length, 2);
    assert.deepEqual(f.data.map((d) => d.xaxis).slice(0, 4), ['x', 'x', 'x2', 'x2']);
    assert.equal(layout.yaxis2.matches, 'y');
    assert.deepEqual(layout.annotations.map((a: { text: string }) => a.text), ['asl', 'bce', 'focal', 'hill', 'zlpr']);
    assert.throws(() => smallMultiplesFigure([]), AslInputError);
  });
});
