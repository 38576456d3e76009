import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from 'asl-workbook';
import { figureBundle, figureHtml, figureRenderer, lineFigure, plotlyCdnUrl, setDisplayPublisher, setFigureRenderer, showFigure } from 'asl-workbook-notebook';
import { notePlotlyInlined, PLOTLY_BUNDLE_ID } from '../../../packages/notebook/src/display/plotly';

const fig = lineFigure([{ name: 'a', x: [1, 2, 3, 4, 5], y: [5, 4, 3, 2, 1] }], { title: 'five' });

afterEach(() => {
  setFigureRenderer('default');
  delete process.env.ASL_FIGURE_RENDERER;
  setDisplayPublisher(undefined);
  notePlotlyInlined(false);
});

describe('figure renderers', () => {
  test('inline (default): plotly.js once per session, then figures without it', () => {
    assert.equal(figureRenderer(), 'inline');
    const shown: string[] = [];
    setDisplayPublisher((b) => void shown.push(b['text/html'] as string));
    showFigure(fig);
    showFigure(fig);
    assert.ok(shown[0].includes(`id="${PLOTLY_BUNDLE_ID}"`));
    assert.ok(shown[0].length > 3_000_000);
    assert.ok(!shown[1].includes(PLOTLY_BUNDLE_ID));
    assert.ok(shown[1].length < 10_000);
  });

  test('cdn: a small loader of the bundled version from cdn.plot.ly, in every figure, never the bundle', () => {
    setFigureRenderer('cdn');
    assert.match(plotlyCdnUrl(), /^https:\/\/cdn\.plot\.ly\/plotly-\d+\.\d+\.\d+\.min\.js$/);
    const html = figureHtml(fig, { includePlotlyJs: true });
    assert.ok(html.includes(plotlyCdnUrl()));
    assert.ok(!html.includes(PLOTLY_BUNDLE_ID));
    assert.ok(html.length < 10_000);
  });

  test('mimetype: only the plotly MIME type and text; HTML that embeds figures falls back to the CDN loader', () => {
    setFigureRenderer('mimetype');
    assert.deepEqual(Object.keys(figureBundle(fig)).sort(), ['application/vnd.plotly.v1+json', 'text/plain']);
    assert.ok(figureHtml(fig).includes(plotlyCdnUrl()));
  });

  test('ASL_FIGURE_RENDERER chooses when the session did not; the session wins; bad values are refused or ignored', () => {
    process.env.ASL_FIGURE_RENDERER = 'cdn';
    assert.equal(figureRenderer(), 'cdn');
    setFigureRenderer('mimetype');
    assert.equal(figureRenderer(), 'mimetype');
    setFigureRenderer('default');
    process.env.ASL_FIGURE_RENDERER = 'svg';
    assert.equal(figureRenderer(), 'inline');
    assert.throws(() => setFigureRenderer('png' as never), (e: Error) => e instanceof AslInputError && /must be one of 'inline', 'cdn', 'mimetype' or 'default'/.test(e.message));
  });
});
