/**
 * Plotly figures in notebooks and on disk. In a notebook a figure is shown as `text/html` (a div and
 * a `Plotly.newPlot` call) plus `application/vnd.plotly.v1+json` for front ends that render it
 * natively. Outside a notebook the same functions return the HTML.
 *
 * Where plotly.js comes from is the figure renderer ({@link setFigureRenderer}, or the environment
 * variable `ASL_FIGURE_RENDERER`):
 * - `inline` (default): plotly.js (about 4.6 MB) is inlined once per kernel session, with the first
 *   figure, so executed notebooks and their HTML exports stay interactive offline (the book);
 * - `cdn`: each figure's HTML loads plotly.js from cdn.plot.ly (once per page): small notebooks that
 *   need a network connection to draw;
 * - `mimetype`: only the plotly MIME type (and text): the smallest notebooks, drawn by front ends with
 *   a plotly renderer (JupyterLab with jupyterlab-plotly, VS Code, nteract); HTML that embeds figures
 *   (training charts) loads plotly.js from the CDN.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml, type MimeBundle } from 'asl-workbook';
import { fail } from '../errors';
import { currentOutputSink } from './output-sink';
import { publish } from './publish';

/** A plotly.js figure: traces, layout and config, as `Plotly.newPlot` takes them. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Marks the inlined bundle, so the book builder can swap it for one shared file. */
export const PLOTLY_BUNDLE_ID = 'asl-plotly-bundle';

/** Path of the minified plotly.js bundle shipped with the workbook. */
export function plotlyJsPath(): string {
  try {
    return require.resolve('plotly.js-dist-min/plotly.min.js');
  } catch {
    return require.resolve('plotly.js-dist/plotly.js');
  }
}

let bundleSource: string | undefined;

/** The plotly.js source, safe to inline in a `<script>` element. */
export function plotlyJsSource(): string {
  bundleSource ??= fs.readFileSync(plotlyJsPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return bundleSource;
}

/** `<script>` element inlining plotly.js (about 4.6 MB). */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript" id="${PLOTLY_BUNDLE_ID}">${plotlyJsSource()}</script>`;
}

/** How figures get plotly.js: inlined once per notebook, from the CDN, or the plotly MIME type only. */
export type FigureRenderer = 'inline' | 'cdn' | 'mimetype';

const RENDERERS: readonly FigureRenderer[] = ['inline', 'cdn', 'mimetype'];
let sessionRenderer: FigureRenderer | undefined;
let warnedEnvironment = false;

/** The renderer in use: the session's choice, else `ASL_FIGURE_RENDERER`, else `inline`. */
export function figureRenderer(): FigureRenderer {
  if (sessionRenderer) return sessionRenderer;
  const env = process.env.ASL_FIGURE_RENDERER?.trim();
  if (!env) return 'inline';
  if ((RENDERERS as readonly string[]).includes(env)) return env as FigureRenderer;
  if (!warnedEnvironment) {
    warnedEnvironment = true;
    process.stderr.write(`ASL_FIGURE_RENDERER=${JSON.stringify(env)} is not one of ${RENDERERS.join(', ')}: using inline\n`);
  }
  return 'inline';
}

/** Chooses the renderer for this session (`'default'`: back to `ASL_FIGURE_RENDERER` / inline). */
export function setFigureRenderer(renderer: FigureRenderer | 'default'): void {
  if (renderer !== 'default' && !RENDERERS.includes(renderer)) {
    fail('setFigureRenderer', 'renderer', `must be one of ${RENDERERS.map((r) => `'${r}'`).join(', ')} or 'default', got ${JSON.stringify(renderer)}`);
  }
  sessionRenderer = renderer === 'default' ? undefined : renderer;
}

/** The version of the bundled plotly.js (what the CDN renderer loads too). */
export function plotlyVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(path.dirname(plotlyJsPath()), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '3.7.0';
  }
}

/** The CDN address of the bundled plotly.js version. */
export function plotlyCdnUrl(): string {
  return `https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`;
}

/** A script that loads plotly.js from the CDN once per page (figures wait for `window.Plotly`). */
export function plotlyCdnLoader(): string {
  const url = JSON.stringify(plotlyCdnUrl());
  return (
    `<script type="text/javascript">(function(){if(window.Plotly||document.getElementById('asl-plotly-cdn'))return;` +
    `var s=document.createElement('script');s.id='asl-plotly-cdn';s.charset='utf-8';s.src=${url};document.head.appendChild(s);})();</script>`
  );
}

let figureCounter = 0;
let inlinedThisSession = false;

/**
 * Whether plotly.js was already sent to the notebook in this kernel session. One flag for every
 * path that shows figures (showFigure, the kernel's rich display of last expressions), so the
 * ~4.6 MB bundle is inlined once.
 */
export function isPlotlyInlined(): boolean {
  return inlinedThisSession;
}

/** Records that plotly.js has been sent (or, with `false`, that the page lost it: inline again). */
export function notePlotlyInlined(inlined = true): void {
  inlinedThisSession = inlined;
}

export interface FigureHtmlOptions {
  /** Inline plotly.js before the figure (default false). */
  includePlotlyJs?: boolean;
  /** Element id of the plot div (default: generated). */
  divId?: string;
}

/**
 * The script (run after the figure is drawn) that links the sliders of a figure built by
 * `sliderExplorerFigure` (plot/explorer.ts): on every slider change each trace is shown when its `meta.at` matches
 * the sliders' positions. Used by {@link figureHtml}.
 */
export const LINKED_SLIDERS_SCRIPT =
  'function aslLinkSliders(el){' +
  'var s=el.layout&&el.layout.meta&&el.layout.meta.aslLinkedSliders;if(!s||!el.on)return;' +
  'el.on("plotly_sliderchange",function(){' +
  'var act=(el.layout.sliders||[]).map(function(x){return x.active;});' +
  'var vis=el.data.map(function(t){var at=t.meta&&t.meta.at;if(!at)return t.visible;' +
  'for(var k in at){if(act[Number(k)]!==at[k])return false;}return true;});' +
  'window.Plotly.restyle(el,{visible:vis});});}';

function isLinked(figure: PlotlyFigure): boolean {
  const meta = (figure.layout as { meta?: { aslLinkedSliders?: boolean } } | undefined)?.meta;
  return meta?.aslLinkedSliders === true;
}

/**
 * HTML for one figure: a div plus a script that draws it as soon as `window.Plotly` exists. With the
 * `inline` renderer `includePlotlyJs` inlines plotly.js first; with the others a small loader fetches
 * it from the CDN.
 */
export function figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  const id = options.divId ?? `asl-plot-${process.pid}-${++figureCounter}`;
  const json = JSON.stringify({ data: figure.data, layout: figure.layout ?? {}, config: { responsive: true, ...figure.config } })
    .replace(/</g, '\\u003c');
  const height = Number((figure.layout as { height?: number } | undefined)?.height ?? 420);
  const draw =
    `(function(){var f=${json};var el=document.getElementById(${JSON.stringify(id)});` +
    `function draw(){var r=window.Plotly.newPlot(el,f.data,f.layout,f.config);` +
    // Figures with linked sliders (plot/explorer.ts) restyle their traces from every slider's position.
    (isLinked(figure) ? `${LINKED_SLIDERS_SCRIPT}r.then(function(){aslLinkSliders(el);});` : '') +
    `}` +
    `if(window.Plotly){draw();return;}var n=0;var t=setInterval(function(){if(window.Plotly){clearInterval(t);draw();}` +
    `else if(++n>200){clearInterval(t);el.textContent='plotly.js is not loaded in this page: re-run the notebook from the top.';}},50);})();`;
  const renderer = figureRenderer();
  const loader = renderer === 'inline' ? (options.includePlotlyJs ? plotlyScriptTag() : '') : plotlyCdnLoader();
  return (
    loader +
    `<div id="${escapeHtml(id)}" class="asl-plot" style="width:100%;min-height:${height}px"></div>` +
    `<script type="text/javascript">${draw}</script>`
  );
}

/** A standalone HTML page for one figure; `plotlySrc` is a script URL, or omitted to inline plotly.js. */
export function figurePage(figure: PlotlyFigure, title: string, plotlySrc?: string): string {
  const head = plotlySrc ? `<script src="${escapeHtml(plotlySrc)}"></script>` : plotlyScriptTag();
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}</head>` +
    `<body>${figureHtml(figure)}</body></html>\n`;
}

function figureTitle(figure: PlotlyFigure): string {
  const t = (figure.layout as { title?: string | { text?: string } } | undefined)?.title;
  return (typeof t === 'string' ? t : t?.text) ?? 'figure';
}

function slug(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'figure';
}

let savedCounter = 0;

/**
 * Writes `<dir>/<name>.html` (interactive, sharing one `plotly.min.js` in `dir`) and `<name>.json`
 * (the figure spec, for PNG export). Returns the HTML path.
 */
export function saveFigure(figure: PlotlyFigure, dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const lib = path.join(dir, 'plotly.min.js');
  if (!fs.existsSync(lib)) fs.copyFileSync(plotlyJsPath(), lib);
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, figurePage(figure, figureTitle(figure), 'plotly.min.js'));
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(figure));
  return file;
}

/**
 * When figures are being collected (`ASL_FIGURES_DIR` is set, as `npm run reproduce` does), saves the
 * figure there as `<name>.html` + `<name>.json`; the default name is the notebook's name, a counter
 * and the figure's title. Every path that shows a figure calls it (showFigure, and the kernel's
 * display of a figure as a cell's last expression). Figures shown inside a widget's Output area are
 * not collected: they are live views that change with the controls. Returns the HTML path, if saved.
 */
export function collectFigure(figure: PlotlyFigure, name?: string): string | undefined {
  const dir = process.env.ASL_FIGURES_DIR;
  if (!dir || currentOutputSink()) return undefined;
  const prefix = process.env.ASL_NOTEBOOK ? `${process.env.ASL_NOTEBOOK}-` : '';
  return saveFigure(figure, dir, name ?? `${prefix}${String(++savedCounter).padStart(2, '0')}-${slug(figureTitle(figure))}`);
}

export interface ShowFigureOptions {
  /** File name (without extension) when figures are saved; default: notebook name + counter + title. */
  name?: string;
  /** Inline plotly.js again even if this kernel session already did (e.g. after clearing outputs). */
  inlinePlotly?: boolean;
}

/**
 * The MIME bundle of a figure: HTML (see {@link figureHtml}), plotly JSON, plain-text summary; with
 * the `mimetype` renderer only the last two.
 */
export function figureBundle(figure: PlotlyFigure, options: FigureHtmlOptions = {}): MimeBundle {
  const bundle: MimeBundle = {
    'text/plain': `Plotly figure "${figureTitle(figure)}" (${figure.data.length} trace${figure.data.length === 1 ? '' : 's'})`,
    'application/vnd.plotly.v1+json': { data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} },
  };
  if (figureRenderer() !== 'mimetype') bundle['text/html'] = figureHtml(figure, options);
  return bundle;
}

/**
 * With the `inline` renderer: puts plotly.js in the page (an output of its own) unless this session
 * already did. Widgets that will show figures later (an Output area) call it when shown, so their
 * figures draw when they come from a callback. Returns whether it displayed anything.
 */
export function ensurePlotlyInPage(): boolean {
  if (figureRenderer() !== 'inline' || inlinedThisSession) return false;
  if (!publish({ 'text/html': plotlyScriptTag() })) return false;
  inlinedThisSession = true;
  return true;
}

/**
 * Shows a figure in the notebook (plotly.js inlined with the first figure of the session) and,
 * when `ASL_FIGURES_DIR` is set (as `npm run reproduce` does), also saves it as a standalone file.
 * Outside a notebook nothing is displayed and the figure's HTML is returned (with plotly.js inlined
 * the first time); in a notebook it returns undefined, so a cell ending with it prints nothing more.
 */
export function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): string | undefined {
  collectFigure(figure, options.name);
  const inline = figureRenderer() === 'inline' && (options.inlinePlotly || !inlinedThisSession);
  const bundle = figureBundle(figure, { includePlotlyJs: inline });
  if (!publish(bundle)) return bundle['text/html'] as string;
  if (inline) inlinedThisSession = true;
  return undefined;
}
