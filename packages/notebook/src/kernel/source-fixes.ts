/**
 * Source rewrites applied to a cell before tslab compiles it, for two gaps in tslab's converter:
 *
 * 1. Shorthand properties of earlier cells' variables. tslab rewrites references to variables of
 *    earlier cells as `exports.x`, but it resolves an identifier through the type checker, and in a
 *    shorthand property `{ seeds }` that gives the property, not the variable: the output keeps a bare
 *    `seeds`, which fails at run time ("seeds is not defined"). `{ seeds }` means `{ seeds: seeds }`
 *    in JavaScript, so every shorthand property is written out in full (same value, same type).
 * 2. A top-level `for await (…)`. tslab wraps a cell in an async function when the compiler reports
 *    a top-level `await` expression (TS1308), but a `for await` loop gives another diagnostic, so the
 *    cell failed with "Unexpected reserved word". Such a cell gets `await undefined;` in front of its
 *    first line, which makes tslab wrap it; nothing else changes.
 *
 * Both only insert text inside a line: the cell's lines stay where they are (tracebacks name the
 * right line; columns after an insertion move by its length).
 */
import * as ts from '@tslab/typescript-for-tslab';

interface Insertion {
  at: number;
  text: string;
}

function isFunctionLike(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isClassExpression(node) ||
    ts.isGetAccessor(node) ||
    ts.isSetAccessor(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/** Rewrites a cell's source as described above; returns it unchanged when nothing applies. */
export function fixCellSource(src: string): string {
  const file = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const insertions: Insertion[] = [];
  let topLevelForAwait = false;
  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isShorthandPropertyAssignment(node)) {
      insertions.push({ at: node.name.getEnd(), text: `: ${node.name.text}` });
    }
    if (ts.isForOfStatement(node) && node.awaitModifier && !inFunction) topLevelForAwait = true;
    const inner = inFunction || isFunctionLike(node);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(file, false);
  if (topLevelForAwait) {
    const first = file.statements[0];
    insertions.push({ at: first ? first.getStart(file) : 0, text: 'await undefined; ' });
  }
  if (insertions.length === 0) return src;
  insertions.sort((a, b) => b.at - a.at);
  let out = src;
  for (const { at, text } of insertions) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
