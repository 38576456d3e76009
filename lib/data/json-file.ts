/** Reading JSON files with errors that name the file and the line of a syntax error. */
import * as fs from 'node:fs';
import { fail } from '../core/errors';

/** Line (1-based) of character `pos` in `text`. */
export function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Reads a text file; a missing file is an error naming `fn` and the path. */
export function readTextFile(file: string, fn: string): string {
  if (!fs.existsSync(file)) fail(fn, undefined, `missing file: ${file}`);
  return fs.readFileSync(file, 'utf8');
}

/** Parses JSON; a syntax error names `source` and the line (from the parser's position). */
export function parseJsonText(text: string, source: string, fn: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? `:${lineOf(text, Number(m[1]))}` : '';
    return fail(fn, undefined, `${source}${where}: bad JSON (${msg})`);
  }
}
