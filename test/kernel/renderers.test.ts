import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as aq from 'arquero';
import { JUPYTER_DISPLAY, TrainingHistory, multiLabelReport, type MimeBundle } from 'asl-workbook';
import { displayValue, lineFigure, registerTrainingRenderers, mimeBundleOf, mimeBundleOfAsync, plainTextOf, registerValueRenderer, setDisplayPublisher, type PublishOptions } from 'asl-workbook-notebook';
import {
  arqueroBundle,
  danfoBundle,
  fitHistoryBundle,
  isArqueroTable,
  isDanfoFrame,
  isFitHistory,
  isPlotlyFigure,
  isTensorLike,
  tensorBundle,
} from '../../packages/notebook/src/display/renderers';
import { setupBackend } from '../helpers';

// danfojs-node is CommonJS; loaded lazily because it is slow to import.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const dfd = require('danfojs-node') as typeof import('danfojs-node');

before(setupBackend);

const html = (b: MimeBundle | undefined) => String(b?.['text/html'] ?? '');
const text = (b: MimeBundle | undefined) => String(b?.['text/plain'] ?? '');

describe('mimeBundleOf: plain values', () => {
  test('undefined shows nothing; every other value has text/plain', () => {
    assert.equal(mimeBundleOf(undefined), undefined);
    assert.deepEqual(mimeBundleOf(42), { 'text/plain': '42' });
    assert.deepEqual(mimeBundleOf(null), { 'text/plain': 'null' });
    assert.deepEqual(mimeBundleOf('ab'), { 'text/plain': "'ab'" });
    assert.deepEqual(mimeBundleOf({ a: [1, 2] }), { 'text/plain': '{ a: [ 1, 2 ] }' });
  });

  test('plainTextOf is util.inspect (the Node REPL form)', () => {
    assert.equal(plainTextOf([1, 'x']), "[ 1, 'x' ]");
    assert.equal(plainTextOf(new Map([[1, 2]])), 'Map(1) { 1 => 2 }');
  });
});

describe('display methods (Symbol.for("Jupyter.display"))', () => {
  test('the bundle of the method is used, with text/plain added when missing', () => {
    const value = { [Symbol.for('Jupyter.display')]: () => ({ 'text/html': '<b>x</b>' }), n: 1 };
    const b = mimeBundleOf(value);
    assert.equal(html(b), '<b>x</b>');
    assert.equal(text(b), plainTextOf(value));
  });

  test('the lib key JUPYTER_DISPLAY is the same symbol', () => {
    assert.equal(JUPYTER_DISPLAY, Symbol.for('Jupyter.display'));
  });

  test('an async display method is awaited by mimeBundleOfAsync', async () => {
    const value = { [Symbol.for('Jupyter.display')]: async () => ({ 'text/plain': 'later', 'text/markdown': '**later**' }) };
    assert.deepEqual(await mimeBundleOfAsync(value), { 'text/plain': 'later', 'text/markdown': '**later**' });
  });

  test('a display method that throws falls back to text/plain and says why', () => {
    const value = {
      [Symbol.for('Jupyter.display')]: () => {
        throw new Error('no luck');
      },
    };
    const b = mimeBundleOf(value);
    assert.deepEqual(Object.keys(b ?? {}), ['text/plain']);
    assert.match(text(b), /rich display failed: no luck/);
  });

  test('registered renderers come before the built-in ones', () => {
    registerValueRenderer('test-numbers', (v) => (typeof v === 'number' && v === 7 ? { 'text/plain': 'seven' } : undefined));
    try {
      assert.equal(text(mimeBundleOf(7)), 'seven');
      assert.equal(text(mimeBundleOf(8)), '8');
    } finally {
      registerValueRenderer('test-numbers', () => undefined);
    }
  });
});

describe('tfjs tensors', () => {
  test('a 2-D tensor: dtype, shape and values as text, an HTML table with indices', () => {
    const t = tf.tensor2d([
      [1.5, 2],
      [3, 4.25],
    ]);
    assert.ok(isTensorLike(t));
    const b = mimeBundleOf(t);
    assert.match(text(b), /^Tensor float32 \[2, 2\]\n\[\[1\.5, 2 +\],\n \[3 +, 4\.25\]\]$/);
    assert.match(html(b), /<table class="asl-tensor dataframe"><caption[^>]*>Tensor float32 \[2, 2\]<\/caption>/);
    assert.match(html(b), /<tr><th>1<\/th><td style="text-align:right">3<\/td><td style="text-align:right">4\.25<\/td><\/tr>/);
    t.dispose();
  });

  test('a 1-D tensor is one row; an int32 scalar shows its value', () => {
    const v = tf.tensor1d([1, 2, 3], 'int32');
    assert.match(html(tensorBundle(v)), /<thead><tr><th>0<\/th><th>1<\/th><th>2<\/th><\/tr><\/thead><tbody><tr><td[^>]*>1<\/td>/);
    const s = tf.scalar(5, 'int32');
    assert.equal(html(tensorBundle(s)), '<p><code>Tensor int32 []</code>: <b>5</b></p>');
    tf.dispose([v, s]);
  });

  test('large or 3-D tensors are shown as text; a variable says so; a disposed tensor is named', () => {
    const big = tf.zeros([40, 40]);
    assert.match(html(tensorBundle(big)), /^<pre>Tensor float32 \[40, 40\]/);
    const cube = tf.ones([2, 2, 2]);
    assert.match(html(tensorBundle(cube)), /^<pre>/);
    const w = tf.variable(tf.zeros([2]));
    assert.match(text(mimeBundleOf(w)), /^Variable float32 \[2\]/);
    const gone = tf.ones([3]);
    gone.dispose();
    assert.equal(text(tensorBundle(gone)), 'Tensor float32 [3] (disposed)');
    tf.dispose([big, cube, w]);
  });

  test('rendering leaks no tensor', () => {
    const t = tf.tensor2d([[1, 2]]);
    const n = tf.memory().numTensors;
    mimeBundleOf(t);
    assert.equal(tf.memory().numTensors, n);
    t.dispose();
  });
});

describe('tables', () => {
  test('danfo DataFrame: index column, values, caption with the shape', () => {
    const df = new dfd.DataFrame({ a: [1, 2.5], b: ['x', 'y'] }, { index: ['r1', 'r2'] });
    assert.ok(isDanfoFrame(df));
    const b = mimeBundleOf(df);
    assert.match(html(b), /<caption>DataFrame 2 rows × 2 columns<\/caption><thead><tr><th><\/th><th>a<\/th><th>b<\/th><\/tr>/);
    assert.match(html(b), /<tr><td>r1<\/td><td style="text-align:right">1<\/td><td>x<\/td><\/tr>/);
    assert.match(text(b), /^DataFrame 2 rows × 2 columns\n╔/);
  });

  test('danfo Series: its name as the column', () => {
    const df = new dfd.DataFrame({ a: [1, 2] });
    const b = danfoBundle(df['a'] as never);
    assert.match(html(b), /<caption>Series 2 rows × 1 columns<\/caption><thead><tr><th><\/th><th>a<\/th>/);
  });

  test('arquero table: first rows as HTML and aligned text, the rest counted', () => {
    const t = aq.table({ k: [1, 2, 3], name: ['a', 'b', 'c'] });
    assert.ok(isArqueroTable(t));
    const b = arqueroBundle(t, { maxRows: 2 });
    assert.match(html(b), /<caption>arquero table 3 rows × 2 columns<\/caption>/);
    assert.match(html(b), /… 1 more rows \(3 in all\)/);
    assert.equal(text(b).split('\n')[1], 'k  name');
    assert.equal(text(b).split('\n').length, 6);
  });
});

describe('plotly figures', () => {
  test('a figure spec gives interactive HTML and the plotly JSON', () => {
    const fig = lineFigure([{ name: 'loss', x: [1, 2], y: [3, 1] }], { title: 'Loss' });
    assert.ok(isPlotlyFigure(fig));
    const b = mimeBundleOf(fig);
    assert.deepEqual(Object.keys(b ?? {}).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    assert.match(html(b), /class="asl-plot"/);
    assert.doesNotMatch(html(b), /asl-plotly-bundle/);
    assert.match(html(mimeBundleOf(fig, { includePlotlyJs: true })), /id="asl-plotly-bundle"/);
    assert.equal(text(b), 'Plotly figure "Loss" (1 trace)');
  });

  test('objects that only look a bit like figures are not figures', () => {
    assert.equal(isPlotlyFigure({ data: [1, 2] }), false);
    assert.equal(isPlotlyFigure({ data: [{ x: [1] }], other: 1 }), false);
    assert.equal(isPlotlyFigure({ data: [{ type: 'bar' }] }), true);
  });
});

describe('training results', () => {
  test('a tfjs History (model.fit) is a loss curve and a per-epoch table', () => {
    const h = { epoch: [0, 1], history: { loss: [0.9, 0.5], val_loss: [1, 0.7] }, params: {} };
    assert.ok(isFitHistory(h));
    const b = fitHistoryBundle(h);
    assert.match(text(b), /^Training history: 2 epochs \(loss, val_loss\)/);
    assert.match(html(b), /class="asl-plot"/);
    assert.match(html(b), /<th>epoch<\/th><th>loss<\/th><th>val_loss<\/th>/);
    assert.deepEqual((b['application/vnd.plotly.v1+json'] as { data: Array<{ y: number[] }> }).data[1].y, [1, 0.7]);
  });

  test("the lib's TrainingHistory renders through its display method, with charts from the notebook package", () => {
    registerTrainingRenderers(); // what the kernel does at start-up
    const h = new TrainingHistory(
      [{ epoch: 0, trainLoss: 1, valLoss: 0.8, valMap: 50, valMapEma: Number.NaN, best: true } as never],
      'demo',
    );
    const b = mimeBundleOf(h);
    assert.match(text(b), /^training history 'demo'/);
    assert.match(html(b), /class="asl-plot"/);
  });

  test("the lib's MultiLabelReport renders as its summary and per-class AP table", () => {
    const report = multiLabelReport(
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.7, 0.6],
      ],
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    );
    const b = mimeBundleOf(report);
    assert.ok(text(b).length > 0);
    assert.match(html(b), /<table/);
    assert.match(html(b), /mAP/);
  });
});

describe('displayValue', () => {
  let shown: Array<[MimeBundle, PublishOptions]> = [];
  before(() => setDisplayPublisher((b, o) => void shown.push([b, o])));
  after(() => setDisplayPublisher(undefined));

  test('publishes the bundle a value would have as a result, with its display id', () => {
    shown = [];
    assert.equal(displayValue(aq.table({ a: [1] }), { displayId: 'd1' }), true);
    assert.equal(shown.length, 1);
    assert.match(html(shown[0][0]), /<table/);
    assert.equal(shown[0][1].displayId, 'd1');
    assert.equal(displayValue(undefined), false);
    assert.equal(shown.length, 1);
  });
});
