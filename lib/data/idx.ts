/**
 * The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte
 * magic number (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per
 * dimension, then the values. Only unsigned bytes (type 0x08) are used by these data sets.
 * Files may be gzipped (detected by the gzip magic bytes 1f 8b).
 */
import * as zlib from 'node:zlib';
import { fail } from '../core/errors';
import { readFileBytes } from './files';

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimensions, e.g. `[10000, 28, 28]` for images or `[10000]` for labels. */
  shape: number[];
  data: Uint8Array;
}

/**
 * Decodes an IDX buffer (gzipped or not). Checks the magic number, the type code (0x08, unsigned
 * byte), the expected rank when given, and that the data length equals the product of the
 * dimensions; a truncated or padded file is an error naming `source`.
 */
export function parseIdx(buffer: Uint8Array, source = 'buffer', expectedRank?: number): IdxArray {
  const fn = 'parseIdx';
  let buf = buffer;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      fail(fn, 'buffer', `${source}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) fail(fn, 'buffer', `${source}: file too short for an IDX header (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    fail(fn, 'buffer', `${source}: bad IDX magic number 0x${Buffer.from(buf.subarray(0, 4)).toString('hex')} (expected 0x0000TTNN)`);
  }
  if (buf[2] !== 0x08) fail(fn, 'buffer', `${source}: unsupported IDX type code 0x${buf[2].toString(16)} (expected 0x08, unsigned byte)`);
  const rank = buf[3];
  if (rank < 1) fail(fn, 'buffer', `${source}: IDX rank must be at least 1, got 0`);
  if (expectedRank !== undefined && rank !== expectedRank) {
    fail(fn, 'buffer', `${source}: expected a ${expectedRank}-D IDX array, got ${rank}-D`);
  }
  const header = 4 + 4 * rank;
  if (buf.length < header) fail(fn, 'buffer', `${source}: truncated IDX header (${buf.length} of ${header} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const have = buf.length - header;
  if (have < count) fail(fn, 'buffer', `${source}: truncated IDX data: ${have} bytes, expected ${count} for shape [${shape.join(', ')}]`);
  if (have > count) fail(fn, 'buffer', `${source}: ${have - count} unexpected trailing bytes after IDX data of shape [${shape.join(', ')}]`);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + header, count) };
}

/** Reads and decodes an IDX file (gzipped or not); a missing or unreadable file is an error naming the path. */
export function readIdxFile(file: string, expectedRank?: number): IdxArray {
  return parseIdx(readFileBytes(file, 'readIdxFile'), file, expectedRank);
}
