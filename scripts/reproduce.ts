/**
 * `npm run reproduce [-- --quick] [--only NAME] [--results DIR] [--jobs N] [--cell-timeout S]
 *                    [--notebook-timeout S] [--no-experiments] [--no-png] [--no-build]`
 *
 * First runs every experiment of the book (packages/book/dist/run-experiments.js: training runs on all
 * cores into the run cache; skipped with --only or --no-experiments, where each chapter computes what
 * it needs), then executes the notebooks in notebooks/ through real Jupyter (nbclient) with the
 * workbook's kernel, `--jobs` at a time (default: 2; as many experiments run side by side), and writes the book to the git-ignored results/:
 *   results/notebooks/<name>.ipynb   executed notebooks
 *   results/book/index.html          the book's index, one page per chapter (<name>.html)
 *   results/figures/                 every figure as standalone HTML, its JSON spec and a PNG
 *   results/tables/                  tables the chapters save (CSV)
 *   results/REPORT.md                the paper's claims next to this run's measurements
 *   results/reproduce.json           what ran, how long, what failed
 * Fails loudly (exit 1), naming the notebook and the cell, if any cell errors.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const quick = flag('--quick');
const profile = quick ? 'quick' : 'full';
const only = option('--only', '');
const cellTimeout = Number(option('--cell-timeout', quick ? '600' : '1800'));
const notebookTimeout = Number(option('--notebook-timeout', quick ? '900' : '3600'));
const jobs = Math.max(1, Number(option('--jobs', String(Math.min(2, os.cpus().length)))));

/** Runs a command, collecting its output (and streaming lines that start with `prefix`). */
function runCommand(
  cmd: string,
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; echo?: (line: string) => void },
): Promise<{ status: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stdout += text;
      if (options.echo) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(options.echo);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr, error: e.message });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, error: timedOut ? `timed out after ${options.timeoutMs / 1000} s` : undefined });
    });
  });
}

const results = path.resolve(root, option('--results', 'results'));
const dirs = {
  notebooks: path.join(results, 'notebooks'),
  book: path.join(results, 'book'),
  figures: path.join(results, 'figures'),
  tables: path.join(results, 'tables'),
};

function log(message: string): void {
  process.stdout.write(`reproduce: ${message}\n`);
}

function findPython(): string {
  const candidates = [process.env.ASL_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import nbclient, nbconvert, nbformat'], { stdio: 'ignore' });
    if (r.status === 0) return c;
  }
  throw new Error('no Python with nbclient/nbconvert found: run `bash environment/setup.sh` (it prints the install command)');
}

async function main(): Promise<number> {
  const start = Date.now();
  // Always rebuild: a stale lib/dist would run old code under new notebooks. Builds and kernel
  // registration of concurrent runs in one checkout are serialised with flock where it exists.
  const locked = (cmd: string[]) => (hasFlock ? ['flock', path.join(root, '.cache', 'reproduce.lock'), ...cmd] : cmd);
  const hasFlock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  fs.mkdirSync(path.join(root, '.cache'), { recursive: true });
  if (!flag('--no-build')) {
    log('building the packages (npm run build)');
    const [cmd, ...rest] = locked(['npm', 'run', '--silent', 'build']);
    execFileSync(cmd, rest, { cwd: root, stdio: 'inherit' });
  }
  // Registers (or refreshes) the kernel of THIS checkout in a private Jupyter folder (so another checkout's
  // registration never runs these notebooks); installs Jupyter where it may, else says how.
  const jupyterPrefix = path.join(root, '.jupyter-env');
  const [setupCmd, ...setupArgs] = locked(['bash', path.join(root, 'environment', 'setup.sh'), '--quiet', '--prefix', jupyterPrefix]);
  const setup = spawnSync(setupCmd, setupArgs, {
    cwd: root,
    stdio: 'inherit',
  });
  if (setup.status !== 0) {
    log('environment/setup.sh failed (see above)');
    return 1;
  }
  const python = findPython();
  const book = await import('asl-workbook-book');
  const display = await import('asl-workbook-notebook');

  const notebooks = fs
    .readdirSync(path.join(root, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb') && (!only || f.includes(only)))
    .sort();
  if (notebooks.length === 0) {
    log(`no notebooks match ${only || 'notebooks/*.ipynb'}`);
    return 1;
  }
  if (!only) {
    for (const d of [dirs.book, dirs.figures, dirs.tables, dirs.notebooks, path.join(results, 'claims')]) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  // The book is self-contained: plotly, MathJax (SVG output, no fonts to fetch) and require.js ship in
  // its assets/ folder, so results/book/ works offline on any machine.
  const assets = path.join(dirs.book, 'assets');
  fs.mkdirSync(assets, { recursive: true });
  fs.copyFileSync(display.plotlyJsPath(), path.join(assets, 'plotly.min.js'));
  fs.copyFileSync(require.resolve('mathjax/es5/tex-svg.js'), path.join(assets, 'tex-svg.js'));
  fs.copyFileSync(require.resolve('requirejs/require.js'), path.join(assets, 'require.min.js'));

  log(`profile ${profile}: ${notebooks.length} notebook(s), ${jobs} at a time, kernel asl-workbook, Python ${python}`);
  const env = {
    ...process.env,
    // The book inlines plotly.js (then replaced by assets/plotly.min.js), whatever the user's setting.
    ASL_FIGURE_RENDERER: 'inline',
    ASL_PROFILE: profile,
    ASL_RESULTS_DIR: results,
    ASL_FIGURES_DIR: dirs.figures,
    ASL_TABLES_DIR: dirs.tables,
    JUPYTER_PATH: [path.join(jupyterPrefix, 'share', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };

  // 1. Every experiment, on both cores, into the run cache (the chapters then only read).
  let experimentSeconds = 0;
  if (!only && !flag('--no-experiments')) {
    const t0 = Date.now();
    log('running the book\'s experiments (cached runs are reused)');
    const exp = await runCommand(process.execPath, [path.join(root, 'packages', 'book', 'dist', 'run-experiments.js'), ...(quick ? ['--quick'] : []), '--jobs', String(jobs)], {
      cwd: root,
      env,
      timeoutMs: 4 * 3600 * 1000,
      echo: (line) => process.stdout.write(`${line}\n`),
    });
    experimentSeconds = (Date.now() - t0) / 1000;
    if (exp.status !== 0) {
      process.stderr.write(`reproduce: the experiments failed (${exp.error ?? `exit ${exp.status}`})\n${exp.stderr.slice(-4000)}\n`);
      return 1;
    }
    log(`experiments: ${experimentSeconds.toFixed(0)} s`);
  }

  // 2. The chapters, `jobs` at a time; each page gets its title and previous / index / next links.
  const entries = notebooks.map((file) => {
    const name = file.replace(/\.ipynb$/, '');
    const source = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', file), 'utf8')) as {
      cells: Array<{ cell_type: string; source: string | string[] }>;
      metadata?: { asl_book?: { start_first?: boolean } };
    };
    // A chapter that trains while it runs (metadata asl_book.start_first) starts before the others.
    return { file, name, title: book.notebookTitle(source.cells, name), startFirst: source.metadata?.asl_book?.start_first === true };
  });
  const chapters: import('asl-workbook-book').ChapterEntry[] = new Array(entries.length);
  const executeChapter = async (i: number) => {
    const { file, name, title } = entries[i];
    const t0 = Date.now();
    log(`[${i + 1}/${entries.length}] ${name}: executing…`);
    const nav: string[] = ['--title', title];
    if (i > 0) nav.push('--prev', `${entries[i - 1].name}.html:${entries[i - 1].title}`);
    if (i < entries.length - 1) nav.push('--next', `${entries[i + 1].name}.html:${entries[i + 1].title}`);
    const run = await runCommand(
      python,
      [
        path.join(root, 'scripts', 'execute_notebook.py'),
        path.join(root, 'notebooks', file),
        path.join(dirs.notebooks, file),
        path.join(dirs.book, `${name}.html`),
        '--kernel', 'asl-workbook',
        '--timeout', String(cellTimeout),
        '--cwd', path.join(root, 'notebooks'),
        ...nav,
      ],
      { cwd: root, env: { ...env, ASL_NOTEBOOK: name }, timeoutMs: notebookTimeout * 1000 },
    );
    const seconds = (Date.now() - t0) / 1000;
    const last = run.stdout.trim().split('\n').pop() ?? '';
    let outcome: { ok: boolean; cell?: number | null; ename?: string; evalue?: string; source?: string };
    try {
      outcome = JSON.parse(last);
    } catch {
      const why = run.error ?? `exit ${run.status}`;
      outcome = { ok: false, cell: null, ename: 'ExecutionFailed', evalue: `${why}\n${run.stderr.slice(-2000)}` };
    }
    if (outcome.ok) {
      log(`[${i + 1}/${entries.length}] ${name}: ok (${seconds.toFixed(1)} s)`);
      chapters[i] = { name, title, ok: true, seconds, page: `${name}.html` };
    } else {
      const where = outcome.cell === null || outcome.cell === undefined ? 'before any cell' : `cell ${outcome.cell}`;
      const error = `${where}: ${outcome.ename}: ${(outcome.evalue ?? '').split('\n')[0]}`;
      process.stderr.write(
        `reproduce: FAILED ${name} at ${where}\n  ${outcome.ename}: ${outcome.evalue}\n` +
          (outcome.source ? `  cell source:\n    ${outcome.source.split('\n').join('\n    ')}\n` : '') +
          `  partial output: ${path.relative(root, path.join(dirs.notebooks, file))}\n`,
      );
      chapters[i] = { name, title, ok: false, seconds, page: `${name}.html`, error };
    }
  };
  const chaptersStart = Date.now();
  await book.mapConcurrent(entries, jobs, (_, i) => executeChapter(i), (e) => e.startFirst);
  const chapterSeconds = (Date.now() - chaptersStart) / 1000;
  log(`chapters: ${chapterSeconds.toFixed(0)} s wall (${jobs} at a time)`);
  for (const c of chapters) log(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.seconds.toFixed(0).padStart(5)} s  ${c.name}`);

  const backendLine = `profile ${profile}; built ${new Date().toISOString()}; ${process.platform} ${process.arch}, node ${process.version}`;
  fs.writeFileSync(path.join(dirs.book, 'index.html'), book.bookIndexHtml('The Asymmetric Loss workbook', chapters, backendLine));

  const claims = book.readClaims(results);
  fs.writeFileSync(path.join(results, 'REPORT.md'), book.reportMarkdown(claims, backendLine));
  log(`REPORT.md: ${claims.length} claim(s) from ${new Set(claims.map((c) => c.chapter)).size} chapter(s)`);

  let png: import('asl-workbook-book').PngExportResult = { written: [] };
  if (!flag('--no-png')) {
    png = await book.exportFigurePngs(dirs.figures);
    log(png.skipped ? `PNG export skipped: ${png.skipped}` : `PNG export: ${png.written.length} figure(s)`);
  }
  const totalSeconds = (Date.now() - start) / 1000;
  fs.writeFileSync(
    path.join(results, 'reproduce.json'),
    JSON.stringify({ profile, totalSeconds, experimentSeconds, chapterSeconds, jobs, chapters, pngs: png.written.length }, null, 2) + '\n',
  );
  const failed = chapters.filter((c) => !c.ok);
  log(`${chapters.length - failed.length}/${chapters.length} notebook(s) ok in ${totalSeconds.toFixed(0)} s; book: ${path.relative(root, path.join(dirs.book, 'index.html'))}`);
  if (failed.length) {
    for (const c of failed) process.stderr.write(`reproduce: FAILED ${c.name} (${c.error})\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`reproduce: ${e.message}\n`);
    process.exit(1);
  },
);
