/**
 * Reading data files with errors that name the path. Every loader reads through these, so a missing
 * file, a folder given where a file is expected, an unreadable file or bytes that are not UTF-8 text
 * all fail the same way: `loadCoco: /data/coco/annotations is a folder, expected a file`, never a
 * bare `EISDIR`.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import { fail } from '../core/errors';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** Why reading `file` failed, in words that name it (from a Node.js `fs` error). */
export function fileErrorMessage(error: unknown, file: string): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  switch (code) {
    case 'ENOENT':
      return `missing file: ${file}`;
    case 'ENOTDIR':
      return `missing file: ${file} (a folder on its path is a file)`;
    case 'EISDIR':
      return `${file} is a folder, expected a file`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${file}: permission denied`;
    default:
      return `cannot read ${file} (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Reads a whole file. A missing file, a folder, or an unreadable file is an AslInputError naming
 * `fn` and the path; `hint` is appended to the missing-file message (e.g. how to build the file).
 */
export function readFileBytes(file: string, fn: string, hint?: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const message = fileErrorMessage(e, file);
    return fail(fn, undefined, hint && message.startsWith('missing file') ? `${message} (${hint})` : message);
  }
}

/** Fails unless `dir` is an existing folder (the message names it). */
export function requireFolder(dir: string, fn: string, what = 'folder'): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    fail(fn, undefined, `missing ${what}: ${dir}`);
  }
  if (!stat.isDirectory()) fail(fn, undefined, `${dir} is a file, expected a ${what}`);
}

/** Whether `file` exists and is a regular file (not a folder). */
export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `text` without a leading byte-order mark (U+FEFF). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The 1-based line of the first byte sequence that is not UTF-8 (lines split at LF, which UTF-8 never uses inside a character). */
function firstBadUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line++;
      start = i + 1;
    }
  }
  return line;
}

/**
 * Decodes file bytes as UTF-8 text without a leading byte-order mark. Bytes that are not UTF-8 are
 * an error naming `source` and the line, not text silently patched with U+FFFD.
 */
export function decodeUtf8(bytes: Uint8Array, source: string, fn: string): string {
  const bom = bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
  const body = bom ? bytes.subarray(3) : bytes;
  if (!isUtf8(body)) fail(fn, undefined, `${source}:${firstBadUtf8Line(body)}: not UTF-8 text (save the file as UTF-8)`);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** Reads a UTF-8 text file (a byte-order mark is dropped); every failure names `fn` and the path. */
export function readTextFile(file: string, fn: string): string {
  return decodeUtf8(readFileBytes(file, fn), file, fn);
}
