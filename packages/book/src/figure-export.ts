/**
 * Static PNG export of saved figures (`<name>.json` specs written by `showFigure`) with headless
 * Chromium driven by playwright-core: one browser per run, plotly.js loaded once, then
 * `Plotly.toImage` per figure. Needs `playwright-core` and a Chromium (Debian's `/usr/bin/chromium`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plotlyJsPath } from 'asl-workbook-notebook';

/** Where to look for a Chromium binary, in order (or `ASL_CHROMIUM`). */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium flags that work in sandboxes without network (see the README). */
export const HEADLESS_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function findChromium(): string | undefined {
  const env = process.env.ASL_CHROMIUM;
  if (env) return fs.existsSync(env) ? env : undefined;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
}

export interface PngExportResult {
  written: string[];
  /** Why nothing was exported, when nothing was. */
  skipped?: string;
}

/** Renders every `*.json` figure spec in `dir` to a PNG beside it. */
export async function exportFigurePngs(dir: string, options: { width?: number; height?: number; scale?: number } = {}): Promise<PngExportResult> {
  const specs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  if (specs.length === 0) return { written: [], skipped: 'no figures' };
  const executablePath = findChromium();
  if (!executablePath) return { written: [], skipped: 'no Chromium found (install Debian chromium or set ASL_CHROMIUM)' };
  let chromium: typeof import('playwright-core').chromium;
  try {
    chromium = (require('playwright-core') as typeof import('playwright-core')).chromium;
  } catch {
    return { written: [], skipped: 'playwright-core is not installed' };
  }
  const browser = await chromium.launch({ executablePath, args: HEADLESS_CHROMIUM_ARGS });
  const written: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body><div id="plot"></div></body></html>');
    await page.addScriptTag({ path: plotlyJsPath() });
    for (const spec of specs) {
      const figure = JSON.parse(fs.readFileSync(path.join(dir, spec), 'utf8')) as { layout?: { width?: number; height?: number } };
      const width = figure.layout?.width ?? options.width ?? 800;
      const height = figure.layout?.height ?? options.height ?? 450;
      const dataUrl = (await page.evaluate(
        `(async () => { const f = ${JSON.stringify(figure)}; return await Plotly.toImage(f, { format: 'png', width: ${width}, height: ${height}, scale: ${options.scale ?? 1} }); })()`,
      )) as string;
      const file = path.join(dir, spec.replace(/\.json$/, '.png'));
      fs.writeFileSync(file, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
      written.push(file);
    }
  } finally {
    await browser.close();
  }
  return { written };
}
