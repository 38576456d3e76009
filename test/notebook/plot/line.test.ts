import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DASHES, lineFigure, PALETTE } from 'asl-workbook-notebook';

test('lineFigure(series, options) builds one scatter trace per series with axes and title', () => {
  const fig = lineFigure(
    [
      { name: 'a', x: [0, 1], y: [1, 2] },
      { name: 'b', x: [0, 1], y: [3, 4], dash: 'dot', errorY: [0.1, 0.2] },
    ],
    { title: 'T', xTitle: 'X', yTitle: 'Y', yRange: [0, 5], height: 300 },
  );
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].x, [0, 1]);
  assert.deepEqual((fig.data[1].line as { dash: string }).dash, 'dot');
  assert.deepEqual(fig.data[1].error_y, { type: 'data', array: [0.1, 0.2], visible: true });
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.title.text, 'T');
  assert.equal(layout.xaxis.title.text, 'X');
  assert.deepEqual(layout.yaxis.range, [0, 5]);
  assert.equal(layout.height, 300);
});

test('lineFigure keeps many series distinguishable: colours cycle, then dash styles change', () => {
  const series = Array.from({ length: PALETTE.length + 2 }, (_, i) => ({ name: `s${i}`, x: [0], y: [i] }));
  const lines = lineFigure(series).data.map((d) => d.line as { color: string; dash: string });
  const pairs = new Set(lines.map((l) => `${l.color}/${l.dash}`));
  assert.equal(pairs.size, series.length);
  assert.equal(lines[PALETTE.length].dash, DASHES[1]);
});

test('lineFigure log axes take the range in data units', () => {
  const layout = lineFigure([{ name: 'a', x: [1, 10], y: [1, 2] }], { xLog: true, xRange: [1, 100] }).layout as Record<string, any>;
  assert.equal(layout.xaxis.type, 'log');
  assert.deepEqual(layout.xaxis.range, [0, 2]);
});
