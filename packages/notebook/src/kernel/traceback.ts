/**
 * Jupyter error content (`ename`, `evalue`, `traceback`) for the kernel's three kinds of failure:
 * a runtime error (its stack frames in cells are mapped back to cell lines, with the cell's code
 * around them), a compile error (TypeScript diagnostics, with the offending cell line and a caret),
 * and an interrupt. Traceback entries carry ANSI colours, as IPython's do; front ends render them.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { inspect } from 'node:util';
import type { Diagnostic } from 'tslab/dist/converter';
import { isInterruptError } from './interrupt';
import type { LineMap } from './line-map';

/** The error fields of an `error` message and an error `execute_reply`. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One compiled cell, as the traceback needs it. */
export interface CellRecord {
  /** The script name its code runs under (`//# sourceURL`). */
  url: string;
  /** How the cell is named in tracebacks, e.g. `In [3]`. */
  label: string;
  /** The cell's lines, as written. */
  lines: string[];
  /** Compiled line → cell line. */
  map?: LineMap;
}

const RED = '\u001b[0;31m';
const GREEN = '\u001b[0;32m';
const CYAN = '\u001b[0;36m';
const BOLD_RED = '\u001b[1;31m';
const RESET = '\u001b[0m';

/** Removes ANSI colour codes (for logs and tests). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Lines `line - context .. line + context` of a cell, the one at fault marked with an arrow. */
export function codeExcerpt(lines: readonly string[], line: number, column?: number, context = 2): string {
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + context);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const num = String(n).padStart(width);
    if (n === line) {
      out.push(`${GREEN}--> ${num}${RESET} | ${lines[n - 1]}`);
      if (column !== undefined) out.push(`${' '.repeat(4 + width)} | ${' '.repeat(column - 1)}${RED}^${RESET}`);
    } else {
      out.push(`    ${num} | ${lines[n - 1]}`);
    }
  }
  return out.join('\n');
}

/** Looks up compiled cells by script name. */
export type CellLookup = (url: string) => CellRecord | undefined;

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function errorName(e: Error): string {
  const ctor = (e as { constructor?: { name?: unknown } }).constructor?.name;
  if (e.name && e.name !== 'Error') return e.name;
  return typeof ctor === 'string' && ctor ? ctor : 'Error';
}

/** The content of a runtime error (stack frames in cells mapped to cell lines). */
export function runtimeErrorContent(error: unknown, cells: CellLookup): ErrorContent {
  if (isInterruptError(error)) return interruptContent(error, cells);
  if (!(error instanceof Error) && !(error && typeof error === 'object' && 'stack' in error && 'message' in error)) {
    const evalue = inspect(error);
    return { ename: 'Uncaught', evalue, traceback: [`${BOLD_RED}Uncaught${RESET} ${evalue}`, '(a value that is not an Error was thrown: it has no stack)'] };
  }
  const e = error as Error;
  const ename = errorName(e);
  const evalue = String(e.message ?? '');
  const traceback = [`${BOLD_RED}${ename}${RESET}: ${evalue}`, ...frames(e, cells)];
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) {
    const c = cause instanceof Error ? `${errorName(cause)}: ${cause.message}` : inspect(cause);
    traceback.push(`${CYAN}Caused by${RESET} ${c}`);
  }
  if ((e as { code?: unknown }).code === 'MODULE_NOT_FOUND') {
    const name = /Cannot find module '([^']+)'/.exec(evalue)?.[1];
    if (name) traceback.push(moduleNotFoundHint(name));
  }
  return { ename, evalue, traceback };
}

function frames(e: Error, cells: CellLookup): string[] {
  const stackLines = String(e.stack ?? '').split('\n').filter((l) => /^\s*at /.test(l));
  const parsed = stackLines.map((text) => {
    const m = FRAME.exec(text);
    const cell = m ? cells(m[2]) : undefined;
    // A dependency's frame, source-mapped to a file that is not here (tfjs maps to its own sources),
    // or a frame inside node_modules: shown as a count, not line by line.
    const file = m?.[2] ?? '';
    const dependency = !cell && isAbsolute(file) && (/[/\\]node_modules[/\\]/.test(file) || !existsSync(file));
    return { text: text.trim(), fn: m?.[1], cell, dependency, line: m ? Number(m[3]) : 0, column: m ? Number(m[4]) : 0 };
  });
  const lastCell = parsed.map((f) => !!f.cell).lastIndexOf(true);
  // Frames below the outermost cell frame are the kernel's own (vm, tslab's executor): drop them.
  const kept = lastCell >= 0 ? parsed.slice(0, lastCell + 1) : parsed.filter((f) => !/\(node:internal|^at node:internal/.test(f.text));
  const out: string[] = [];
  let skippedLib = 0;
  let dependencies = 0;
  const flushDependencies = () => {
    if (dependencies) out.push(`    … ${dependencies} frame${dependencies === 1 ? '' : 's'} in dependencies`);
    dependencies = 0;
  };
  for (const f of kept) {
    if (f.dependency) {
      dependencies++;
      continue;
    }
    flushDependencies();
    if (f.cell) {
      if (skippedLib) out.push(`    … ${skippedLib} more frame${skippedLib === 1 ? '' : 's'}`), (skippedLib = 0);
      const pos = f.cell.map?.toCell(f.line, f.column);
      // Functions of earlier cells are called through the executor's exports (a Proxy).
      const fn = f.fn?.replace(/^async /, '').replace(/^(?:exports|Proxy|Object)\./, '');
      const where = fn && fn !== '<anonymous>' ? `, in ${fn}` : '';
      if (pos) {
        out.push(`${CYAN}${f.cell.label}${RESET}, line ${pos.line}${pos.column ? `, column ${pos.column}` : ''}${where}\n${codeExcerpt(f.cell.lines, pos.line, pos.column)}`);
      }
      // else: the kernel's wrapper around the cell (no line of the cell): not shown.
    } else if (out.length < 12 || lastCell >= 0) {
      if (out.filter((l) => l.startsWith('    at ')).length >= 10) skippedLib++;
      else out.push(`    ${f.text}`);
    }
  }
  flushDependencies();
  if (skippedLib) out.push(`    … ${skippedLib} more frame${skippedLib === 1 ? '' : 's'}`);
  return out;
}

/** The content of an interrupt (names the cell line it stopped at when the stack shows it). */
export function interruptContent(error: unknown, cells: CellLookup): ErrorContent {
  const evalue = 'the cell was interrupted; variables keep the values they had';
  const traceback = [`${BOLD_RED}KeyboardInterrupt${RESET}: ${evalue}`];
  if (error instanceof Error && error.name !== 'KeyboardInterrupt') {
    const at = frames(error, cells).filter((f) => !f.startsWith('    at '));
    traceback.push(...at);
  }
  return { ename: 'KeyboardInterrupt', evalue, traceback };
}

/** The content of TypeScript diagnostics of a cell (columns already in cell coordinates). */
export function diagnosticsContent(diagnostics: readonly Diagnostic[], cell: CellRecord): ErrorContent {
  const count = diagnostics.length;
  const first = diagnostics[0];
  const evalue = first ? `${first.messageText} (TS${first.code})${count > 1 ? ` and ${count - 1} more` : ''}` : 'compilation failed';
  const traceback = [`${BOLD_RED}TSError${RESET}: ${count} TypeScript error${count === 1 ? '' : 's'} in ${cell.label}`];
  for (const d of diagnostics.slice(0, 10)) {
    const line = d.start.line + 1;
    const column = d.start.character + 1;
    if (d.fileName) {
      traceback.push(`${CYAN}${d.fileName}${RESET}, line ${line}, column ${column}: ${d.messageText} (TS${d.code})`);
    } else {
      traceback.push(`${CYAN}${cell.label}${RESET}, line ${line}, column ${column}: ${d.messageText} (TS${d.code})\n${codeExcerpt(cell.lines, line, column, 1)}`);
    }
  }
  if (count > 10) traceback.push(`… ${count - 10} more`);
  const missing = diagnostics.find((d) => d.code === 2307);
  const name = missing ? /module '([^']+)'/.exec(String(missing.messageText))?.[1] : undefined;
  if (name) traceback.push(moduleNotFoundHint(name));
  return { ename: 'TSError', evalue, traceback };
}

/**
 * What to do when a package cannot be found from a notebook: where the kernel looked, and the two
 * ways to make it work (install the package beside the notebook, or register the kernel from a
 * project that has it, which puts that project's node_modules in the kernel's NODE_PATH).
 */
export function moduleNotFoundHint(name: string, cwd = process.cwd(), nodePath = process.env.NODE_PATH): string {
  if (name.startsWith('.') || isAbsolute(name)) {
    return `${CYAN}Hint${RESET}: '${name}' is a path: it is resolved from the notebook's folder (${cwd}).`;
  }
  const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
  const workbook = pkg.startsWith('asl-workbook') || pkg === '@tensorflow/tfjs';
  return [
    `${CYAN}Hint${RESET}: the kernel looks for '${pkg}' in the node_modules folders of ${cwd} and the folders above it, then in NODE_PATH (${nodePath ? nodePath : 'not set'}).`,
    `  Either install it beside the notebook:  npm install ${workbook ? 'asl-workbook asl-workbook-notebook @tensorflow/tfjs' : pkg}`,
    `  or register the kernel from a project that has it:  npx asl-kernel install   (run in that project; its node_modules becomes the kernel's NODE_PATH), then restart the kernel.`,
  ].join('\n');
}
