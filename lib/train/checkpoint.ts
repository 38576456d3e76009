/**
 * Training checkpoints: one file holding a JSON header and float32 arrays, written atomically
 * (to `<file>.tmp-<pid>`, fsync'd, then renamed over the target), so a run killed at any moment
 * leaves either the previous checkpoint or the new one, never a torn file.
 *
 * Layout: the 8 bytes `ASLCKPT1`, a little-endian uint32 header length, the UTF-8 JSON header
 * (`{ meta, arrays: [{ name, length, offset }] }`), zero padding to a multiple of 4, then the arrays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../core/errors';

const MAGIC = 'ASLCKPT1';

export interface CheckpointContents<M = unknown> {
  meta: M;
  arrays: Record<string, Float32Array>;
}

/** Writes a checkpoint atomically (creating the folder). */
export function writeCheckpoint<M>(file: string, contents: CheckpointContents<M>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let offset = 0;
  const entries = Object.entries(contents.arrays).map(([name, a]) => {
    const e = { name, length: a.length, offset };
    offset += a.length;
    return e;
  });
  const header = Buffer.from(JSON.stringify({ meta: contents.meta, arrays: entries }), 'utf8');
  const pre = 8 + 4 + header.length;
  const pad = (4 - (pre % 4)) % 4;
  const buf = Buffer.alloc(pre + pad + offset * 4);
  buf.write(MAGIC, 0, 'ascii');
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  const data = new Float32Array(buf.buffer, buf.byteOffset + pre + pad, offset);
  for (const e of entries) data.set(contents.arrays[e.name], e.offset);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, buf);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Reads a checkpoint written by {@link writeCheckpoint}; throws a clear error on a damaged file. */
export function readCheckpoint<M = unknown>(file: string): CheckpointContents<M> {
  const fn = 'readCheckpoint';
  if (!fs.existsSync(file)) fail(fn, 'file', `does not exist: ${file}`);
  const buf = fs.readFileSync(file);
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) fail(fn, 'file', `is not an asl-workbook checkpoint: ${file}`);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) fail(fn, 'file', `is truncated (header): ${file}`);
  let header: { meta: M; arrays: { name: string; length: number; offset: number }[] };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + len));
  } catch {
    return fail(fn, 'file', `has a damaged header: ${file}`);
  }
  const pre = 12 + len;
  const pad = (4 - (pre % 4)) % 4;
  const total = header.arrays.reduce((s, e) => s + e.length, 0);
  if (buf.length !== pre + pad + total * 4) fail(fn, 'file', `is truncated (${buf.length} bytes, expected ${pre + pad + total * 4}): ${file}`);
  const copy = new Uint8Array(buf.subarray(pre + pad)).slice();
  const data = new Float32Array(copy.buffer, 0, total);
  const arrays: Record<string, Float32Array> = {};
  for (const e of header.arrays) arrays[e.name] = data.slice(e.offset, e.offset + e.length);
  return { meta: header.meta, arrays };
}
