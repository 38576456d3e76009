/**
 * Browser test of the built book (run after `npm run reproduce`, as `npm test` does): opens every page
 * of results/book in headless Chromium (Debian's, driven by playwright-core) and checks that every
 * plot rendered (plotly's SVG present and non-empty), every table has rows, and the page logged no errors.
 *
 *   node --import tsx --test test/browser/book.check.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { findChromium, HEADLESS_CHROMIUM_ARGS } from '../../lib/index';

const bookDir = process.env.ASL_BOOK_DIR ?? path.resolve(__dirname, '..', '..', 'results', 'book');
const pages = fs.existsSync(bookDir) ? fs.readdirSync(bookDir).filter((f) => f.endsWith('.html')).sort() : [];

let browser: Browser;

before(async () => {
  const executablePath = findChromium();
  assert.ok(executablePath, 'no Chromium found: install Debian chromium (environment/debian-packages.txt)');
  browser = await chromium.launch({ executablePath, args: [...HEADLESS_CHROMIUM_ARGS, '--allow-file-access-from-files'] });
});
after(async () => browser?.close());

describe('the book (results/book)', () => {
  test('exists and has an index and at least one chapter', () => {
    assert.ok(pages.includes('index.html'), `no results/book/index.html: run \`npm run reproduce -- --quick\` first`);
    assert.ok(pages.length >= 2, 'no chapter pages');
  });

  for (const page of pages) {
    test(`${page}: plots rendered, tables have rows, no errors`, async () => {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
      await tab.goto(`file://${path.join(bookDir, page)}`, { waitUntil: 'load' });
      const plotCount = await tab.evaluate(() => document.querySelectorAll('.asl-plot').length);
      if (plotCount > 0) {
        await tab.waitForFunction(
          () => Array.from(document.querySelectorAll('.asl-plot')).every((d) => d.querySelector('svg.main-svg')),
          undefined,
          { timeout: 30_000 },
        );
      }
      const report = await tab.evaluate(() => {
        const plots = Array.from(document.querySelectorAll('.asl-plot')).map((d) => {
          const svg = d.querySelector('svg.main-svg');
          const box = svg?.getBoundingClientRect();
          const marks = d.querySelectorAll('path, rect.point, g.trace, .heatmaplayer image, image').length;
          return { id: d.id, svg: !!svg, width: box?.width ?? 0, height: box?.height ?? 0, marks };
        });
        const tables = Array.from(document.querySelectorAll('table.asl-table, table.dataframe')).map((t) => ({
          caption: t.querySelector('caption')?.textContent ?? '',
          rows: t.querySelectorAll('tbody tr').length,
        }));
        const links = Array.from(document.querySelectorAll('a[href$=".html"]')).map((a) => a.getAttribute('href') ?? '');
        return { plots, tables, links };
      });
      await tab.close();
      for (const p of report.plots) {
        assert.ok(p.svg && p.width > 0 && p.height > 0 && p.marks > 0, `${page}: plot ${p.id} did not render (${JSON.stringify(p)})`);
      }
      for (const t of report.tables) assert.ok(t.rows > 0, `${page}: table "${t.caption}" has no rows`);
      if (page === 'index.html') {
        for (const href of report.links) assert.ok(fs.existsSync(path.join(bookDir, href)), `index links to missing ${href}`);
        assert.ok(report.links.length >= 1, 'index lists no chapters');
      } else {
        assert.ok(report.plots.length + report.tables.length > 0, `${page}: no plots and no tables`);
      }
      assert.deepEqual(errors, [], `${page} logged errors`);
    });
  }
});
