/**
 * Training checkpoints that cannot lie: one file holding a JSON header and float32 arrays, a SHA-256
 * checksum over both, written atomically.
 *
 * Layout: the 8 bytes `ASLCKPT2`, a little-endian uint32 header length, the UTF-8 JSON header
 * (`{ meta, arrays: [{ name, length, offset }] }`), zero padding to a multiple of 4, the arrays, and
 * the 32-byte SHA-256 of everything before it.
 *
 * Guarantees:
 * - a write goes to `<file>.tmp-<pid>`, is fsync'd and renamed over the target, so a run killed at any
 *   moment leaves the previous checkpoint or the new one, never a torn file; temp files left by killed
 *   writers (their process is gone) are removed by the next write in that folder;
 * - non-finite values (NaN, ±∞) are refused on write and on read, naming the file and the tensor;
 * - on read the checksum is verified (a flipped byte anywhere is detected), the header's structure is
 *   checked, and callers check their `meta` with their own schema (see ./train-state.ts).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { fail } from '../core/errors';
import { parseWithSchema } from '../core/schema';

const MAGIC = 'ASLCKPT2';
const OLD_MAGIC = 'ASLCKPT1';
const DIGEST = 32;

export interface CheckpointContents<M = unknown> {
  meta: M;
  arrays: Record<string, Float32Array>;
}

const headerSchema = z
  .object({
    meta: z.unknown(),
    arrays: z.array(z.object({ name: z.string(), length: z.number().int().min(0), offset: z.number().int().min(0) }).strict()),
  })
  .strict();

/** The first non-finite value of an array, as `(index, value)`, or undefined. */
function firstNonFinite(a: Float32Array): [number, number] | undefined {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return [i, a[i]];
  return undefined;
}

/** Throws when any array holds a non-finite value, naming the file and the tensor. */
export function assertFiniteArrays(arrays: Record<string, Float32Array>, fn: string, file: string, names?: (key: string) => string): void {
  for (const [key, a] of Object.entries(arrays)) {
    const bad = firstNonFinite(a);
    if (bad) fail(fn, 'file', `${file}: tensor '${names ? names(key) : key}' holds ${bad[1]} at index ${bad[0]}: a checkpoint must hold finite weights`);
  }
}

/** Removes `<base>.tmp-<pid>` files next to `file` whose writer process no longer exists. */
export function removeStaleTempFiles(file: string): string[] {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Writes a checkpoint atomically (creating the folder); refuses non-finite arrays. */
export function writeCheckpoint<M>(file: string, contents: CheckpointContents<M>): void {
  assertFiniteArrays(contents.arrays, 'writeCheckpoint', file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeStaleTempFiles(file);
  let offset = 0;
  const entries = Object.entries(contents.arrays).map(([name, a]) => {
    const e = { name, length: a.length, offset };
    offset += a.length;
    return e;
  });
  const header = Buffer.from(JSON.stringify({ meta: contents.meta, arrays: entries }), 'utf8');
  const pre = 8 + 4 + header.length;
  const pad = (4 - (pre % 4)) % 4;
  const body = pre + pad + offset * 4;
  const buf = Buffer.alloc(body + DIGEST);
  buf.write(MAGIC, 0, 'ascii');
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  const data = new Float32Array(buf.buffer, buf.byteOffset + pre + pad, offset);
  for (const e of entries) data.set(contents.arrays[e.name], e.offset);
  createHash('sha256').update(buf.subarray(0, body)).digest().copy(buf, body);
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

/**
 * Reads a checkpoint written by {@link writeCheckpoint}: checksum, structure and finiteness checked;
 * every error names the file. `meta` is returned unchecked: validate it with your schema.
 */
export function readCheckpoint(file: string): CheckpointContents<unknown> {
  const fn = 'readCheckpoint';
  let buf: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) fail(fn, 'file', `${file} is a directory, not a checkpoint file`);
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fail(fn, 'file', `${file} does not exist`);
    throw e;
  }
  const magic = buf.length >= 8 ? buf.toString('ascii', 0, 8) : '';
  if (magic === OLD_MAGIC) fail(fn, 'file', `${file} was written by an older version of the workbook (no checksum); train again to get a checkpoint this version can verify`);
  if (buf.length < 12 + DIGEST || magic !== MAGIC) fail(fn, 'file', `${file} is not an asl-workbook checkpoint`);
  const body = buf.length - DIGEST;
  const digest = createHash('sha256').update(buf.subarray(0, body)).digest();
  if (!digest.equals(buf.subarray(body))) fail(fn, 'file', `${file} is damaged: its checksum does not match its contents (truncated, edited or corrupted)`);
  const len = buf.readUInt32LE(8);
  if (12 + len > body) fail(fn, 'file', `${file} is damaged: its header runs past the end`);
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8', 12, 12 + len));
  } catch {
    return fail(fn, 'file', `${file} is damaged: its header is not JSON`);
  }
  const header = parseWithSchema(headerSchema, raw, fn, `${file}: header`);
  const pre = 12 + len;
  const pad = (4 - (pre % 4)) % 4;
  const total = header.arrays.reduce((s, e) => s + e.length, 0);
  if (body !== pre + pad + total * 4) fail(fn, 'file', `${file} is damaged: ${body} bytes of header and data, expected ${pre + pad + total * 4}`);
  const data = new Float32Array(new Uint8Array(buf.subarray(pre + pad, body)).buffer, 0, total);
  const arrays: Record<string, Float32Array> = {};
  for (const e of header.arrays) {
    if (e.offset + e.length > total) fail(fn, 'file', `${file} is damaged: array '${e.name}' lies outside the data`);
    arrays[e.name] = data.slice(e.offset, e.offset + e.length);
  }
  assertFiniteArrays(arrays, fn, file);
  return { meta: header.meta, arrays };
}
