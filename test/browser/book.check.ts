/**
 * Browser test of the built book (run after `npm run reproduce`, as `npm test` does): opens every page
 * of results/book in headless Chromium (Debian's, driven by playwright-core) and checks that every
 * plot rendered (plotly's SVG present and non-empty), every table has rows, the page logged no errors
 * and loaded nothing from outside results/book (the book works offline, copied anywhere); that every
 * chapter page has its chapter's title, previous / contents / next links to existing pages, rendered
 * mathematics (no raw TeX left) and none of the hidden set-up cells; and that chapter 1's explorer
 * redraws when its γ− slider moves.
 *
 *   node --import tsx --test test/browser/book.check.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { findChromium, HEADLESS_CHROMIUM_ARGS } from 'asl-workbook-book';

const bookDir = process.env.ASL_BOOK_DIR ?? path.resolve(__dirname, '..', '..', 'results', 'book');
const pages = fs.existsSync(bookDir) ? fs.readdirSync(bookDir).filter((f) => f.endsWith('.html')).sort() : [];

let browser: Browser;

before(async () => {
  const executablePath = findChromium();
  assert.ok(executablePath, 'no Chromium found: install Debian chromium (environment/debian-packages.txt)');
  browser = await chromium.launch({ executablePath, args: [...HEADLESS_CHROMIUM_ARGS, '--allow-file-access-from-files'] });
});
after(async () => browser?.close());

/**
 * Chapter 1's explorer (a figure with linked plotly sliders): the visible traces, then the same after
 * clicking the right end of the γ− slider (plotly moves it to its last step).
 */
async function dragExplorer(tab: import('playwright-core').Page): Promise<{ before: string[]; after: string[] }> {
  const plot = await tab.$('.asl-plot:has(g.slider-container)');
  assert.ok(plot, 'chapter 1 has no figure with sliders (the explorer)');
  const visible = () =>
    plot.evaluate((el) =>
      ((el as unknown as { data: Array<{ visible?: boolean | string; name?: string; y?: number[] }> }).data ?? [])
        .filter((t) => t.visible !== false)
        .map((t) => `${t.name}:${(t.y ?? []).slice(0, 60).join(',')}`),
    );
  const before = await visible();
  const rail = await plot.$('g.slider-container .slider-rail-touch-rect');
  assert.ok(rail, 'the explorer has no slider rail');
  await rail.scrollIntoViewIfNeeded();
  const box = await rail.boundingBox();
  assert.ok(box, 'the slider rail is not visible');
  await tab.mouse.click(box.x + box.width - 3, box.y + box.height / 2);
  await tab.waitForTimeout(300);
  return { before, after: await visible() };
}

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
      const outside: string[] = [];
      tab.on('request', (r) => {
        const url = r.url();
        if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return;
        if (!url.startsWith(`file://${bookDir}/`)) outside.push(url);
      });
      await tab.goto(`file://${path.join(bookDir, page)}`, { waitUntil: 'load' });
      // MathJax typesets after load; wait for it where the page has maths.
      await tab.evaluate(async () => {
        const mj = (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax;
        if (mj?.startup?.promise) await mj.startup.promise;
      });
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
        const nav = Array.from(document.querySelectorAll('nav.asl-nav')).map((n) => ({
          prev: n.querySelector('a.asl-nav-prev')?.getAttribute('href') ?? null,
          index: n.querySelector('a.asl-nav-index')?.getAttribute('href') ?? null,
          next: n.querySelector('a.asl-nav-next')?.getAttribute('href') ?? null,
        }));
        const inputs = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea, .code_cell .input_area')).map((e) => e.textContent ?? '');
        const h1 = document.querySelector('h1')?.textContent?.replace(/¶/g, '').trim() ?? '';
        // Text outside rendered maths, code and scripts that still looks like TeX.
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const rawTex: string[] = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const parent = n.parentElement;
          if (!parent || parent.closest('script, style, pre, code, mjx-container, .jp-CodeCell .jp-InputArea, .code_cell .input_area, .jp-OutputArea-output pre, svg')) continue;
          const t = n.textContent ?? '';
          if (/\$\$|\\(frac|gamma|sigma|mathcal|log)\b/.test(t)) rawTex.push(t.trim().slice(0, 80));
        }
        return { plots, tables, links, nav, inputs, h1, title: document.title, maths: document.querySelectorAll('mjx-container').length, rawTex };
      });
      let explorer: { before: string[]; after: string[] } | undefined;
      if (page.startsWith('01-')) explorer = await dragExplorer(tab);
      await tab.close();
      assert.deepEqual(outside, [], `${page} loaded something from outside results/book`);
      for (const p of report.plots) {
        assert.ok(p.svg && p.width > 0 && p.height > 0 && p.marks > 0, `${page}: plot ${p.id} did not render (${JSON.stringify(p)})`);
      }
      for (const t of report.tables) assert.ok(t.rows > 0, `${page}: table "${t.caption}" has no rows`);
      if (page === 'index.html') {
        for (const href of report.links) assert.ok(fs.existsSync(path.join(bookDir, href)), `index links to missing ${href}`);
        assert.ok(report.links.length >= 1, 'index lists no chapters');
      } else {
        assert.ok(report.plots.length + report.tables.length > 0, `${page}: no plots and no tables`);
        // The chapter's title is the page's title; previous / contents / next links lead to existing pages.
        assert.ok(report.h1.length > 0, `${page}: no chapter heading`);
        assert.equal(report.title, report.h1, `${page}: page title "${report.title}" is not the chapter's title`);
        assert.ok(report.nav.length >= 1, `${page}: no navigation bar`);
        const chapters = pages.filter((p) => p !== 'index.html');
        const at = chapters.indexOf(page);
        for (const n of report.nav) {
          assert.equal(n.index, 'index.html', `${page}: no contents link`);
          assert.equal(n.prev, at > 0 ? chapters[at - 1] : null, `${page}: previous link`);
          assert.equal(n.next, at < chapters.length - 1 ? chapters[at + 1] : null, `${page}: next link`);
        }
        // Set-up cells (imports, initBackend) run but are hidden from the book.
        const setup = report.inputs.filter((t) => /initBackend\(|describeBackend\(|tensors alive/.test(t));
        assert.deepEqual(setup, [], `${page}: set-up or diagnostic cells are visible`);
        assert.deepEqual(report.rawTex, [], `${page}: raw TeX left untypeset`);
      }
      if (explorer) {
        assert.ok(explorer.before.length > 0, `${page}: the explorer shows no curves`);
        assert.notDeepEqual(explorer.after, explorer.before, `${page}: moving the explorer's γ− slider did not change the curves`);
      }
      assert.deepEqual(errors, [], `${page} logged errors`);
    });
  }
});
