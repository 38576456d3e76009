import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as aq from 'arquero';
import * as dfd from 'danfojs-node';
import { escapeHtml, formatCell, isDisplayable, JUPYTER_DISPLAY, tableHtml, tableText, toPlainTable, type MimeBundle } from 'asl-workbook';
import {
  collectFigure,
  figureBundle,
  figureHtml,
  inNotebook,
  lineFigure,
  newDisplay,
  publish,
  saveFigure,
  setDisplayPublisher,
  showFigure,
  showTable,
  type PublishOptions,
} from 'asl-workbook-notebook';
import { PLOTLY_BUNDLE_ID } from '../../../packages/notebook/src/display/plotly';

const fig = lineFigure([{ name: 'a', x: [0, 1], y: [2, 3] }], { title: 'My <figure>' });

afterEach(() => setDisplayPublisher(undefined));

describe('MIME helpers', () => {
  test('escapeHtml escapes the five special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  test('isDisplayable recognises the Jupyter.display method', () => {
    assert.equal(JUPYTER_DISPLAY, Symbol.for('Jupyter.display'));
    assert.ok(isDisplayable({ [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': 'x' }) }));
    assert.ok(!isDisplayable({}));
    assert.ok(!isDisplayable(null));
  });
});

describe('publishing', () => {
  test('outside a notebook nothing is published and helpers return HTML', () => {
    assert.equal(inNotebook(), false);
    assert.equal(publish({ 'text/plain': 'x' }), false);
    const html = showFigure(fig);
    assert.ok(html && html.includes(`id="${PLOTLY_BUNDLE_ID}"`), 'the first figure inlines plotly.js');
    assert.match(showTable([{ a: 1 }]) ?? '', /<table/);
  });
  test('an installed publisher receives bundles; newDisplay updates the same display id', () => {
    const sent: Array<[MimeBundle, PublishOptions]> = [];
    setDisplayPublisher((b, o) => sent.push([b, o]));
    assert.equal(inNotebook(), true);
    assert.equal(showTable([{ a: 1 }]), undefined, 'in a notebook showTable returns nothing');
    const d = newDisplay();
    d.update({ 'text/plain': 'step 1' });
    d.update({ 'text/plain': 'step 2' });
    assert.equal(sent.length, 3);
    assert.match(String(sent[0][0]['text/html']), /<table/);
    assert.deepEqual(sent[1][1], { displayId: d.id, update: false });
    assert.deepEqual(sent[2][1], { displayId: d.id, update: true });
  });
  test('showFigure inlines plotly.js once per session, then only the figure', () => {
    const sent: MimeBundle[] = [];
    setDisplayPublisher((b) => sent.push(b));
    showFigure(fig);
    showFigure(fig);
    const inlined = sent.map((b) => String(b['text/html']).includes(PLOTLY_BUNDLE_ID));
    assert.equal(inlined[1], false, 'the second figure does not inline plotly.js again');
    assert.ok(sent.every((b) => 'application/vnd.plotly.v1+json' in b && 'text/plain' in b));
  });
});

describe('figures', () => {
  test('figureHtml is a div plus a script that waits for Plotly; JSON is safe inside <script>', () => {
    const html = figureHtml({ data: [{ name: '</script><b>' }], layout: {} }, { divId: 'p1' });
    assert.match(html, /<div id="p1" class="asl-plot"/);
    assert.match(html, /window\.Plotly\.newPlot/);
    assert.ok(!html.includes('</script><b>'), 'a </script> inside data must be escaped');
  });
  test('figureBundle has text/plain, text/html and the plotly MIME type', () => {
    const b = figureBundle(fig);
    assert.match(String(b['text/plain']), /Plotly figure "My <figure>" \(1 trace\)/);
    assert.deepEqual(Object.keys(b).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
  });
  test('saveFigure writes an HTML page sharing plotly.min.js, and the JSON spec', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-fig-'));
    const file = saveFigure(fig, dir, 'f1');
    assert.ok(fs.existsSync(path.join(dir, 'plotly.min.js')));
    assert.match(fs.readFileSync(file, 'utf8'), /<script src="plotly.min.js"><\/script>/);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'f1.json'), 'utf8')), JSON.parse(JSON.stringify(fig)));
  });
});

describe('tables', () => {
  const records = [
    { name: 'cat', ap: 0.123456, n: 3 },
    { name: 'dog', ap: 1, n: 10 },
  ];
  test('toPlainTable accepts records, arquero tables, danfo DataFrames and {columns, rows}', () => {
    const expected = { columns: ['name', 'ap', 'n'], rows: [['cat', 0.123456, 3], ['dog', 1, 10]] };
    assert.deepEqual(toPlainTable(records), expected);
    assert.deepEqual(toPlainTable(aq.from(records)), expected);
    assert.deepEqual(toPlainTable(new dfd.DataFrame(records) as never), expected);
    assert.deepEqual(toPlainTable(expected), expected);
    assert.throws(() => toPlainTable(42 as never), /must be a danfo DataFrame, an arquero table/);
  });
  test('formatCell keeps integers and rounds other numbers to significant digits', () => {
    assert.equal(formatCell(3), '3');
    assert.equal(formatCell(0.123456), '0.1235');
    assert.equal(formatCell(0.123456, 2), '0.12');
    assert.equal(formatCell(null), '');
    assert.equal(formatCell(NaN), 'NaN');
  });
  test('tableHtml limits rows, escapes cells and right-aligns numbers; tableText aligns columns', () => {
    const html = tableHtml([...records, { name: '<x>', ap: 0, n: 0 }], { limit: 2, caption: 'APs' });
    assert.match(html, /<caption>APs<\/caption>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3, 'header + 2 rows');
    assert.match(html, /1 more rows \(3 in all\)/);
    assert.match(html, /text-align:right">0.1235/);
    assert.match(tableHtml([{ a: '<x>' }]), /&lt;x&gt;/);
    assert.equal(tableText(records), 'name  ap      n\n----  ------  --\ncat   0.1235  3\ndog   1       10');
  });
});

describe('collectFigure', () => {
  test('saves figures only while ASL_FIGURES_DIR is set, named after the notebook and the title', () => {
    const saved = { dir: process.env.ASL_FIGURES_DIR, nb: process.env.ASL_NOTEBOOK };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-collect-'));
    try {
      delete process.env.ASL_FIGURES_DIR;
      assert.equal(collectFigure(fig), undefined);
      process.env.ASL_FIGURES_DIR = dir;
      process.env.ASL_NOTEBOOK = '07-x';
      const file = collectFigure(fig);
      assert.match(path.basename(file ?? ''), /^07-x-\d\d-my\.html$/);
      assert.equal(collectFigure(fig, 'named'), path.join(dir, 'named.html'));
    } finally {
      if (saved.dir === undefined) delete process.env.ASL_FIGURES_DIR;
      else process.env.ASL_FIGURES_DIR = saved.dir;
      if (saved.nb === undefined) delete process.env.ASL_NOTEBOOK;
      else process.env.ASL_NOTEBOOK = saved.nb;
    }
  });
});
