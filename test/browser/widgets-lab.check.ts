/**
 * Widget protocol 2.1 with the JavaScript of JupyterLab 4's widget manager: `@jupyter-widgets/base` 6,
 * `base-manager` 1 and `controls` 5 (the frontend half of ipywidgets 8), bundled into a page
 * (./widgets-lab/harness.ts) that talks to the workbook kernel through Jupyter's websocket, restores
 * widgets through the control comm when it connects, as JupyterLab does, and renders the views with
 * the real control views (noUiSlider sliders). JupyterLab itself cannot be installed here (not in
 * Debian; no PyPI), so this is the closest real 2.x frontend.
 *
 * Checks: the kernel negotiates protocol 2 from the control comm; chapter 1's explorer renders and
 * dragging its γ− slider redraws the gradient curves within a second; the saved widget state (what
 * JupyterLab writes into the notebook metadata) rebuilds the widgets with their values and figures
 * in a page without any kernel; no error in the browser console.
 *
 *   node --import tsx --test test/browser/widgets-lab.check.ts     (after `npm run build`)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { findChromium, HEADLESS_CHROMIUM_ARGS } from '../../packages/book/src/figure-export';
import { plotlyJsPath } from '../../packages/notebook/src/display/plotly';
import { ARTIFACTS, dragAndTimeRedraw, gradientTitle, startNotebookServer, taggedCell, type NotebookServer } from './widgets-server';

const KERNEL = 'asl-workbook-widgets-lab-test';

interface Harness {
  connect(wsUrl: string): Promise<void>;
  execute(code: string): Promise<{ status: string; ename?: string; evalue?: string }>;
  savedState(): Promise<unknown>;
  restoreOffline(state: unknown, modelIds: string[]): Promise<void>;
  shown: string[];
}

let server: NotebookServer | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let kernelId: string | undefined;
let savedState: unknown;
let shownIds: string[] = [];
const errors: string[] = [];

function watch(p: Page): void {
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  p.on('requestfailed', (r) => errors.push(`request failed: ${r.url().slice(0, 200)} (${r.failure()?.errorText})`));
}

before(async () => {
  const executablePath = findChromium();
  assert.ok(executablePath, 'no Chromium found: install Debian chromium (environment/debian-packages.txt)');
  const bundle = await build({
    entryPoints: [path.join(__dirname, 'widgets-lab', 'harness.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    outdir: 'out',
    loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl' },
    logLevel: 'error',
  });
  const js = bundle.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = bundle.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  // One self-contained page each (scripts and styles inline, no other request to authorise), served by
  // the Jupyter server itself (its /files/ route), so the page and the kernel websocket share an
  // origin, as JupyterLab's page and its kernels do.
  const inline = (text: string) => text.replace(/<\/script/gi, '<\\/script');
  const html = (extra: string) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${css}</style>${extra}</head>` +
    `<body><div id="cell-output" style="width:1100px"></div><script>${inline(js)}</script></body></html>`;
  server = await startNotebookServer(KERNEL, {
    'harness/index.html': html(''),
    'harness/offline.html': html(`<script>${inline(fs.readFileSync(plotlyJsPath(), 'utf8'))}</script>`),
  });
  browser = await chromium.launch({ executablePath, args: HEADLESS_CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1200, height: 1600 } });
  page = await context.newPage();
  watch(page);
  const started = await fetch(`${server.base}/api/kernels?token=${server.token}`, { method: 'POST', body: JSON.stringify({ name: KERNEL }) });
  const body = await started.text();
  assert.equal(started.status, 201, body);
  kernelId = (JSON.parse(body) as { id: string }).id;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  if (server && kernelId) await fetch(`${server.base}/api/kernels/${kernelId}?token=${server.token}`, { method: 'DELETE' }).catch(() => undefined);
  await browser?.close();
  server?.stop();
});

describe('widgets with the ipywidgets 8 frontend (JupyterLab 4 widget manager, protocol 2.1)', () => {
  test("the control comm negotiates protocol 2; chapter 1's explorer follows a dragged slider within a second", async () => {
    const s = server!;
    await page.goto(`${s.base}/files/harness/index.html?token=${s.token}`, { referer: `${s.base}/tree` });
    const ws = `${s.base.replace('http', 'ws')}/api/kernels/${kernelId}/channels?session_id=harness&token=${s.token}`;
    await page.evaluate((url) => (window as unknown as { harness: Harness }).harness.connect(url), ws).catch((e: Error) => {
      throw new Error(`${e.message}\n${s.log().split('\n').slice(-15).join('\n')}`);
    });
    const h = (code: string) => page.evaluate((c) => (window as unknown as { harness: Harness }).harness.execute(c), code);
    const warm = await h("import { widgetFrontend } from 'asl-workbook-notebook';\nconsole.log(JSON.stringify(widgetFrontend()));");
    assert.equal(warm.status, 'ok', warm.evalue);
    await page.waitForFunction(() => /"source":"control-comm"/.test(document.body.innerText), undefined, { timeout: 10_000 });
    assert.match(await page.innerText('#cell-output'), /"protocol":2,"source":"control-comm"/);

    const ran = await h(taggedCell('01-asymmetric-loss.ipynb', 'asl-live-explorer'));
    assert.equal(ran.status, 'ok', `${ran.ename}: ${ran.evalue}`);
    await page.waitForFunction(() => document.querySelectorAll('.widget-slider .noUi-handle').length >= 3, undefined, { timeout: 30_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.widget-output .asl-plot')).filter((p) => p.querySelector('svg.main-svg')).length >= 2, undefined, {
      timeout: 30_000,
    });
    const before = await gradientTitle(page);
    assert.match(before ?? '', /γ− = 4,/);

    const redrawMs = await dragAndTimeRedraw(page, '.widget-slider .noUi-handle', 40);
    const after = (await gradientTitle(page)) ?? '';
    const gamma = Number(/γ− = ([\d.]+)/.exec(after)?.[1]);
    assert.ok(gamma > 4, after);
    assert.ok(redrawMs < 1000, `the figure redrew ${redrawMs} ms after the drag ended`);
    process.stdout.write(`# protocol 2.1: γ− 4 → ${gamma}, gradient figure redrawn ${redrawMs} ms after the drag ended\n`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widgets-lab-explorer.png'), fullPage: true });

    savedState = await page.evaluate(() => (window as unknown as { harness: Harness }).harness.savedState());
    shownIds = await page.evaluate(() => (window as unknown as { harness: Harness }).harness.shown);
    fs.writeFileSync(path.join(ARTIFACTS, 'widgets-lab-state.json'), JSON.stringify(savedState, null, 1));
    const saved = savedState as { version_major: number; version_minor: number; state: Record<string, { model_name: string; model_module: string; state: Record<string, unknown> }> };
    assert.equal(saved.version_major, 2);
    const models = Object.values(saved.state);
    const sliders = models.filter((m) => m.model_name === 'FloatSliderModel');
    assert.equal(sliders.length, 3);
    assert.ok(sliders.some((m) => m.state.value === gamma), 'the saved state lacks the moved value');
    assert.ok(models.some((m) => m.model_name === 'OutputModel' && JSON.stringify(m.state.outputs).includes('gradient weight')));
    assert.deepEqual(errors, []);
  });

  test('the saved widget state rebuilds the widgets and their figures in a page without a kernel (a reopened notebook)', async () => {
    assert.ok(savedState, 'needs the first test');
    const offline = await context.newPage();
    watch(offline);
    await offline.goto(`${server!.base}/files/harness/offline.html?token=${server!.token}`, { referer: `${server!.base}/tree` });
    await offline.evaluate(({ state, ids }) => (window as unknown as { harness: Harness }).harness.restoreOffline(state, ids), { state: savedState, ids: shownIds });
    await offline.waitForFunction(() => document.querySelectorAll('.widget-slider .noUi-handle').length >= 3, undefined, { timeout: 20_000 });
    await offline.waitForFunction(() => Array.from(document.querySelectorAll('.widget-output .asl-plot')).filter((p) => p.querySelector('svg.main-svg')).length >= 2, undefined, {
      timeout: 20_000,
    });
    const readouts = await offline.locator('.widget-slider .widget-readout').allInnerTexts();
    const title = (await gradientTitle(offline)) ?? '';
    const gamma = /γ− = ([\d.]+)/.exec(title)?.[1];
    assert.ok(gamma && readouts.some((r) => Number(r) === Number(gamma)), `readouts ${readouts.join(', ')} vs figure ${title}`);
    await offline.screenshot({ path: path.join(ARTIFACTS, 'widgets-lab-restored-offline.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
