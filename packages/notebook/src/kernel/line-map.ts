/**
 * Maps positions in a cell's compiled JavaScript back to the cell's TypeScript lines.
 *
 * tslab's converter emits no source map, so the kernel keeps its own: before compiling, every
 * statement of the cell gets a marker comment `/*asl-ln:K*\/` in front of its first token (statement
 * starts are never inside strings or templates, and TypeScript keeps a statement's leading comments in
 * its output). In the output, a line maps to the statement of the nearest marker at or above it, plus
 * its distance from that marker line (TypeScript keeps the line breaks inside a statement), clamped
 * to the statement's last line. Markers change no line of the cell, only columns on the lines where
 * they are inserted; {@link MarkedCell.toSourceColumn} undoes that for compiler diagnostics.
 */
import * as ts from '@tslab/typescript-for-tslab';

/** A statement of the cell: zero-based first line, first column and last line. */
export interface StatementSpan {
  line: number;
  column: number;
  endLine: number;
}

/** A cell with statement markers inserted. */
export interface MarkedCell {
  /** The cell as written. */
  source: string;
  /** The cell with markers, as handed to the compiler. */
  marked: string;
  /** The statements, indexed by marker number. */
  spans: StatementSpan[];
  /** Converts a zero-based column of the marked text on `line` to the column in the cell. */
  toSourceColumn(line: number, column: number): number;
}

const MARKER = /\/\*asl-ln:(\d+)\*\//g;

function markerText(k: number): string {
  return `/*asl-ln:${k}*/`;
}

function isStatementSlot(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  const statements = (parent as { statements?: ts.NodeArray<ts.Node> }).statements;
  if (statements && statements.indexOf(node) >= 0) return true;
  // Unbraced bodies: `if (x) throw e;`, `for (...) f(i);`, `label: stmt`.
  if (ts.isBlock(node)) return false;
  if (ts.isIfStatement(parent)) return parent.thenStatement === node || parent.elseStatement === node;
  if (ts.isIterationStatement(parent, false) || ts.isLabeledStatement(parent) || ts.isWithStatement(parent)) {
    return (parent as { statement?: ts.Node }).statement === node;
  }
  return false;
}

/** Inserts one marker before each statement of `source` (type-only statements excepted). */
export function markCellSource(source: string): MarkedCell {
  const sf = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const starts: Array<{ offset: number; span: StatementSpan }> = [];
  const visit = (node: ts.Node): void => {
    if (
      isStatementSlot(node) &&
      !ts.isInterfaceDeclaration(node) &&
      !ts.isTypeAliasDeclaration(node) &&
      !ts.isEmptyStatement(node)
    ) {
      const start = node.getStart(sf);
      const a = sf.getLineAndCharacterOfPosition(start);
      const b = sf.getLineAndCharacterOfPosition(node.getEnd());
      starts.push({ offset: start, span: { line: a.line, column: a.character, endLine: b.line } });
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  starts.sort((x, y) => x.offset - y.offset);
  // Several statements can start at one offset (`a: b;`): one marker, the outermost statement.
  const unique = starts.filter((s, i) => i === 0 || s.offset !== starts[i - 1].offset);
  const spans = unique.map((s) => s.span);
  let marked = '';
  let at = 0;
  // Per line: the marked-text columns where markers were inserted and their lengths.
  const inserted = new Map<number, Array<{ column: number; length: number }>>();
  unique.forEach((s, k) => {
    marked += source.slice(at, s.offset);
    const text = markerText(k);
    const list = inserted.get(s.span.line) ?? [];
    const shift = list.reduce((n, m) => n + m.length, 0);
    list.push({ column: s.span.column + shift, length: text.length });
    inserted.set(s.span.line, list);
    marked += text;
    at = s.offset;
  });
  marked += source.slice(at);
  return {
    source,
    marked,
    spans,
    toSourceColumn(line: number, column: number): number {
      let c = column;
      for (const m of inserted.get(line) ?? []) {
        if (column >= m.column + m.length) c -= m.length;
        else if (column >= m.column) c -= column - m.column;
      }
      return c;
    },
  };
}

/** A position in a cell: one-based line, and one-based column when it could be located. */
export interface CellPosition {
  line: number;
  column?: number;
}

/** The line map of one compiled cell. */
export interface LineMap {
  /** Maps a one-based line and column of the compiled output to the cell, or undefined for glue code. */
  toCell(line: number, column: number): CellPosition | undefined;
}

const TOKEN = /[A-Za-z_$][\w$]*|\d[\w.]*|\S/y;

/** Builds the line map of `output` (the compiled JavaScript of `cell.marked`). */
export function buildLineMap(cell: MarkedCell, output: string): LineMap {
  const outLines = output.split('\n');
  const srcLines = cell.source.split('\n');
  // For each output line: [marker index, output line of that marker, end column of the marker].
  const owner: Array<[number, number, number] | undefined> = [];
  let current: [number, number, number] | undefined;
  outLines.forEach((text, i) => {
    MARKER.lastIndex = 0;
    let m: RegExpExecArray | null;
    let first: [number, number, number] | undefined;
    while ((m = MARKER.exec(text))) first ??= [Number(m[1]), i, m.index + m[0].length];
    if (first) current = first;
    owner.push(current);
  });
  return {
    toCell(line: number, column: number): CellPosition | undefined {
      const o = owner[line - 1];
      if (!o) return undefined;
      const [k, markerLine, markerEnd] = o;
      const span = cell.spans[k];
      if (!span) return undefined;
      const srcLine = Math.min(span.line + (line - 1 - markerLine), span.endLine);
      const outText = outLines[line - 1] ?? '';
      const srcText = srcLines[srcLine] ?? '';
      // Locate the column: the token at the output position, found in the source line.
      let guess: number;
      if (line - 1 === markerLine && srcLine === span.line) {
        guess = span.column + (column - 1 - markerEnd) - (outText[markerEnd] === ' ' ? 1 : 0);
      } else {
        const outIndent = outText.length - outText.trimStart().length;
        const srcIndent = srcText.length - srcText.trimStart().length;
        guess = srcIndent + (column - 1 - outIndent);
      }
      TOKEN.lastIndex = column - 1;
      const token = TOKEN.exec(outText)?.[0];
      let located: number | undefined;
      if (token) {
        if (srcText.startsWith(token, guess)) located = guess;
        else {
          const first = srcText.indexOf(token);
          if (first >= 0 && srcText.indexOf(token, first + 1) < 0) located = first;
        }
      }
      return { line: srcLine + 1, column: located === undefined ? undefined : located + 1 };
    },
  };
}
