/**
 * Reading JSON files: the one way loaders read JSON. A UTF-8 byte-order mark is accepted, and a
 * syntax error names the file, the line and the column: `instances.json:14:12: bad JSON: …`.
 */
import { fail } from '../core/errors';
import { readTextFile, stripBom } from './files';

/** Line (1-based) of character `pos` in `text`. */
export function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Line and column (both 1-based) of character `pos` in `text`. */
export function lineColumnOf(text: string, pos: number): { line: number; column: number } {
  const end = Math.min(Math.max(pos, 0), text.length);
  const lineStart = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
  return { line: lineOf(text, end), column: end - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrtu';

/** End of the JSON string starting at `i` (a `"`), or `-1 - offset` of its first error. */
function scanString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return -1 - j;
    if (c === 92) {
      if (!ESCAPES.includes(t[j + 1] ?? '')) return -1 - (j + 1);
      if (t[j + 1] === 'u') {
        for (let h = 2; h < 6; h++) if (!/[0-9a-fA-F]/.test(t[j + h] ?? '')) return -1 - (j + h);
        j += 4;
      }
      j++;
    }
  }
  return -1 - t.length;
}

/**
 * The offset of the first JSON syntax error in `t` (`t.length` when it ends too early), or
 * undefined when `t` is valid JSON. Used where the engine's message gives no position. Iterative,
 * so deep nesting cannot overflow the stack.
 */
export function jsonSyntaxErrorOffset(t: string): number | undefined {
  const stack: string[] = [];
  let i = 0;
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after' = 'value';
  const skipSpace = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i])) i++;
  };
  for (;;) {
    skipSpace();
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < t.length ? i : undefined;
      if (t[i] === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if (t[i] === (top === '{' ? '}' : ']')) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if (i >= t.length) return i;
    const c = t[i];
    if (expect === 'key' || expect === 'key-or-close') {
      if (c === '}' && expect === 'key-or-close') {
        i++;
        stack.pop();
        expect = 'after';
        continue;
      }
      if (c !== '"') return i;
      const end = scanString(t, i);
      if (end < 0) return -1 - end;
      i = end;
      skipSpace();
      if (t[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    if (c === ']' && expect === 'value-or-close') {
      i++;
      stack.pop();
      expect = 'after';
    } else if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
    } else if (c === '"') {
      const end = scanString(t, i);
      if (end < 0) return -1 - end;
      i = end;
      expect = 'after';
    } else {
      const literal = ['true', 'false', 'null'].find((w) => w[0] === c);
      if (literal) {
        for (let k = 0; k < literal.length; k++) if (t[i + k] !== literal[k]) return i + k;
        i += literal.length;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(t)) return i;
        i = NUMBER.lastIndex;
      }
      expect = 'after';
    }
  }
}

/**
 * Parses JSON text (a leading byte-order mark is dropped). A syntax error is an AslInputError naming
 * `source`, the line and the column: `x.json:14:12: bad JSON: Expected double-quoted property name`.
 */
export function parseJsonText(text: string, source: string, fn: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(raw);
    const pos = m ? Number(m[1]) : jsonSyntaxErrorOffset(body);
    let where = '';
    if (pos !== undefined) {
      const { line, column } = lineColumnOf(body, pos);
      where = `:${line}:${column}`;
    }
    // The engine's wording without its position or its quotation of the text.
    const what = raw
      .replace(/ in JSON at position \d+| at position \d+|\s*\(line \d+ column \d+\)/g, '')
      .replace(/, (?:"|\.\.\.")[\s\S]*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'the text ends too early');
    return fail(fn, undefined, `${source}${where}: bad JSON: ${what}`);
  }
}

/** Reads and parses a JSON file; every failure (missing, folder, not UTF-8, bad JSON) names the path. */
export function readJsonFile(file: string, fn: string): unknown {
  return parseJsonText(readTextFile(file, fn), file, fn);
}
