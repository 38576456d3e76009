/**
 * Widgets in a real frontend: Debian's Jupyter Notebook 6.4 with its widget extension
 * (jupyter-js-widgets 2.1.4, widget protocol 1), the workbook kernel, headless Chromium driven by
 * playwright-core. The notebook holds chapter 1's live explorer cell and chapter 9's train-and-watch
 * cell (taken from notebooks/ by their tags) and lives in a temporary folder outside the checkout,
 * so it also checks that the kernel finds the workbook through its NODE_PATH.
 *
 * Checks: the explorer renders (three sliders, two figures), dragging the γ− slider redraws the
 * gradient curves within a second, no error in the browser console, the widgets come back after a
 * save and reload (the kernel is asked for their state), the panel trains on Start, and `prompt()`
 * asks in the page and returns what was typed. Screenshots go to results/test-artifacts/.
 *
 *   node --import tsx --test test/browser/widgets.check.ts     (after `npm run build`)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium, HEADLESS_CHROMIUM_ARGS } from '../../packages/book/src/figure-export';
import { ARTIFACTS, dragAndTimeRedraw, gradientTitle, startNotebookServer, taggedCell, type NotebookServer } from './widgets-server';

const KERNEL = 'asl-workbook-widgets-test';

let server: NotebookServer | undefined;
let browser: Browser;
let page: Page;
let base: string;
let TOKEN: string;
const consoleErrors: string[] = [];

before(async () => {
  const executablePath = findChromium();
  assert.ok(executablePath, 'no Chromium found: install Debian chromium (environment/debian-packages.txt)');
  const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
  server = await startNotebookServer(KERNEL, {
    'live.ipynb': JSON.stringify({
      cells: [
        cell(taggedCell('01-asymmetric-loss.ipynb', 'asl-live-explorer')),
        cell(taggedCell('09-beyond-asl.ipynb', 'asl-train-and-watch')),
        cell("import { prompt } from 'asl-workbook-notebook';\nconst who = await prompt('Your name? ');\n`hello, ${who}`"),
      ],
      metadata: { kernelspec: { name: KERNEL, display_name: 'ASL Workbook (widgets test)', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  });
  base = server.base;
  TOKEN = server.token;
  browser = await chromium.launch({ executablePath, args: HEADLESS_CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url;
    // Debian's jupyter-js-widgets 2.1.4 ships CSS with a truncated data URL ("data:image/gif;base64,R0lGO...")
    // for the checked option of every select; any Dropdown (a Python one too) makes Chromium log it.
    if (url === 'data:image/gif;base64,R0lGO...' && m.text().includes('ERR_INVALID_URL')) return;
    consoleErrors.push(`console: ${m.text()} (${url.slice(0, 120)})`);
  });
  page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url().slice(0, 200)} (${r.failure()?.errorText})`));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** The data of the explorer's gradient figure (negative label), read from the plotly div. */
async function gradientCurve(): Promise<{ title: string; y: number[] } | undefined> {
  return page.evaluate(() => {
    const plots = Array.from(document.querySelectorAll('.asl-plot')) as Array<HTMLElement & { data?: Array<{ y: number[] }>; layout?: { title?: { text?: string } } }>;
    const g = plots.find((p) => p.layout?.title?.text?.startsWith('gradient weight'));
    return g?.data ? { title: g.layout?.title?.text ?? '', y: Array.from(g.data[1].y) } : undefined;
  });
}

async function openNotebook(): Promise<void> {
  await page.goto(`${base}/notebooks/live.ipynb?token=${TOKEN}`, { waitUntil: 'load' });
  await page.waitForFunction(
    () => {
      const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean; info_reply?: unknown } } } }).Jupyter;
      return !!J?.notebook?.kernel?.is_connected() && !!J.notebook.kernel.info_reply;
    },
    undefined,
    { timeout: 60_000 },
  );
}

describe('widgets in Jupyter Notebook 6.4 (Debian widget extension, protocol 1)', () => {
  test("chapter 1's explorer renders, and dragging γ− redraws the gradient curves within a second", async () => {
    await openNotebook();
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_cells(i: number[]): void } } }).Jupyter.notebook.execute_cells([0]));
    await page.waitForFunction(() => document.querySelectorAll('.widget-area .widget-hslider, .widget-area .widget-slider').length >= 3, undefined, { timeout: 90_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.asl-plot')).filter((p) => p.querySelector('svg.main-svg')).length >= 2, undefined, {
      timeout: 60_000,
    });
    const before = await gradientCurve();
    assert.ok(before, 'the gradient figure is not there');
    assert.match(before.title, /γ− = 4,/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widgets-notebook6-explorer-before.png'), fullPage: true });

    // The γ− slider: the first slider of the explorer; drag its handle to the right.
    const redrawMs = await dragAndTimeRedraw(page, '.widget-area .ui-slider-handle', 60);
    const afterDrag = await gradientCurve();
    assert.ok(afterDrag);
    const gamma = Number(/γ− = ([\d.]+)/.exec(afterDrag.title)?.[1]);
    assert.ok(gamma > 4, `γ− did not increase: ${afterDrag.title}`);
    assert.notDeepEqual(afterDrag.y, before.y, 'the curve did not change');
    // Larger γ− attenuates easy negatives more: the weight at a small p falls.
    assert.ok(afterDrag.y[20] < before.y[20], `weight at small p did not fall (${before.y[20]} → ${afterDrag.y[20]})`);
    assert.ok(redrawMs < 1000, `the figure redrew ${redrawMs} ms after the drag ended (over a second)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widgets-notebook6-explorer-after-drag.png'), fullPage: true });
    process.stdout.write(`# γ− 4 → ${gamma}: gradient figure redrawn ${redrawMs} ms after the drag ended\n`);
    assert.deepEqual(consoleErrors, []);
  });

  test('after saving and reloading the page, the widgets come back with their values (state from the kernel)', async () => {
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { save_notebook(): Promise<unknown> } } }).Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !(window as unknown as { Jupyter: { notebook: { dirty: boolean } } }).Jupyter.notebook.dirty, undefined, { timeout: 20_000 });
    const readout = await page.locator('.widget-area .widget-readout').first().textContent();
    await openNotebook();
    await page.waitForFunction(() => document.querySelectorAll('.widget-area .ui-slider-handle').length >= 3, undefined, { timeout: 30_000 });
    const restored = await page.locator('.widget-area .widget-readout').first().textContent();
    assert.equal(restored?.trim(), readout?.trim());
    // The output area gets its figures back, and follows the sliders again.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.widget-area .output .asl-plot')).filter((p) => p.querySelector('svg.main-svg')).length >= 2, undefined, {
      timeout: 20_000,
    });
    assert.ok(await gradientTitle(page));
    assert.ok((await dragAndTimeRedraw(page, '.widget-area .ui-slider-handle', -80)) < 5_000);
    assert.deepEqual(consoleErrors, []);
  });

  test("chapter 9's panel trains on Start and shows the live chart", async () => {
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_cells(i: number[]): void } } }).Jupyter.notebook.execute_cells([1]));
    const start = page.locator('button.widget-button', { hasText: 'Start' });
    await start.waitFor({ timeout: 60_000 });
    await start.click();
    await page.locator('button.widget-button', { hasText: 'Stop' }).waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => /best val mAP/.test(document.body.innerText), undefined, { timeout: 120_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.widget-area .output .asl-plot')).some((p) => p.querySelector('svg.main-svg')), undefined, {
      timeout: 30_000,
    });
    await page.locator('button.widget-button', { hasText: 'Start' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'widgets-notebook6-train-and-watch.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  });

  test('prompt() asks in the notebook and the cell gets the typed answer', async () => {
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_cells(i: number[]): void } } }).Jupyter.notebook.execute_cells([2]));
    const input = page.locator('input.raw_input');
    await input.waitFor({ timeout: 30_000 });
    assert.match((await page.locator('.raw_input_container').first().innerText()).trim(), /^Your name\?/);
    await input.fill('Ada');
    await input.press('Enter');
    await page.waitForFunction(() => /'hello, Ada'/.test(document.body.innerText), undefined, { timeout: 20_000 });
    assert.deepEqual(consoleErrors, []);
  });
});
