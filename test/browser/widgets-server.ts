/**
 * What the widget browser tests share: a Jupyter Notebook 6.4 server (Debian's) in a temporary
 * folder with a private copy of the workbook's kernel spec, and the chapters' live cells by tag.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots and saved widget state of the widget tests (results/ is not committed). */
export const ARTIFACTS = path.join(ROOT, 'results', 'test-artifacts');

/** The source of the cell of `notebook` (in notebooks/) tagged `tag`. */
export function taggedCell(notebook: string, tag: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', notebook), 'utf8')) as { cells: Array<{ source: string | string[]; metadata: { tags?: string[] } }> };
  const cell = nb.cells.find((c) => c.metadata.tags?.includes(tag));
  assert.ok(cell, `notebooks/${notebook} has no cell tagged ${tag}`);
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface NotebookServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  token: string;
  /** The folder the server serves (and kernels start in): outside the checkout. */
  notebooks: string;
  kernelName: string;
  /** What the server printed so far (for failure messages). */
  log(): string;
  stop(): void;
}

/** Starts Jupyter Notebook on a free port, serving a temporary folder; the kernel spec is `kernelName`. */
export async function startNotebookServer(kernelName: string, files: Record<string, string> = {}): Promise<NotebookServer> {
  assert.ok(fs.existsSync(path.join(ROOT, 'packages', 'notebook', 'dist', 'kernel', 'main.js')), 'run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-widgets-'));
  const made = spawnSync(process.execPath, [path.join(ROOT, 'environment', 'kernelspec.mjs'), path.join(tmp, 'jupyter', 'kernels', kernelName), '--name', kernelName, '--display-name', 'ASL Workbook (widgets test)'], {
    encoding: 'utf8',
  });
  assert.equal(made.status, 0, made.stderr);
  const notebooks = path.join(tmp, 'notebooks');
  fs.mkdirSync(notebooks);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(notebooks, name)), { recursive: true });
    fs.writeFileSync(path.join(notebooks, name), text);
  }
  const port = await freePort();
  const token = `asl-${process.pid}-${Date.now().toString(36)}`;
  const args = ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, `--NotebookApp.token=${token}`, `--notebook-dir=${notebooks}`];
  if (process.getuid?.() === 0) args.push('--allow-root'); // containers and CI often run as root
  const server = spawn('/usr/bin/python3', args, {
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(tmp, 'jupyter'),
      JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
      JUPYTER_DATA_DIR: path.join(tmp, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  server.once('exit', () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      stop();
      assert.fail(`Jupyter Notebook exited:\n${log}`);
    }
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      assert.fail(`Jupyter Notebook did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, token, notebooks, kernelName, log: () => log, stop };
}

/** The title of chapter 1's explorer gradient figure in the page (undefined before it is drawn). */
export async function gradientTitle(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const plots = Array.from(document.querySelectorAll('.asl-plot')) as Array<HTMLElement & { layout?: { title?: { text?: string } } }>;
    return plots.find((d) => d.layout?.title?.text?.startsWith('gradient weight'))?.layout?.title?.text;
  });
}

/**
 * Drags the first slider handle matching `handleSelector` by `dx` pixels (in steps, as a hand would)
 * and returns how many milliseconds after the release the explorer's gradient figure showed the
 * slider's final value (its readout). Waiting for the final value, not for the first redraw: an
 * update for a value the handle passed on its way can still be in flight at the release, and its
 * redraw would be taken for the last one.
 */
export async function dragAndTimeRedraw(page: Page, handleSelector: string, dx: number): Promise<number> {
  const box = await page.locator(handleSelector).first().boundingBox();
  assert.ok(box, `no slider handle ${handleSelector}`);
  const y = box.y + box.height / 2;
  const x = box.x + box.width / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(x + (dx * i) / 6, y);
  await page.mouse.up();
  const released = Date.now();
  // The dragged slider's label and final value, as the explorer's title writes them ("γ− = 6.5, …").
  const { label, value } = await page.evaluate((sel) => {
    const slider = document.querySelector(sel)?.closest('.widget-slider');
    const readout = slider?.querySelector('.widget-readout') as (HTMLElement & { value?: string }) | null | undefined;
    return { label: slider?.querySelector('.widget-label')?.textContent?.trim() ?? '', value: readout ? Number(readout.value ?? readout.innerText) : NaN };
  }, handleSelector);
  assert.ok(label && Number.isFinite(value), `no label and readout next to the slider handle ${handleSelector}`);
  const pattern = new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} = (-?[\\d.]+)`);
  const shows = (title: string | undefined) => Math.abs(Number(pattern.exec(title ?? '')?.[1]) - value) < 1e-9;
  while (!shows(await gradientTitle(page))) {
    if (Date.now() - released > 5_000) assert.fail(`the gradient figure never showed ${label} = ${value} (title: ${await gradientTitle(page)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - released;
}
