import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { AslInputError, FASHION_MNIST_CLASSES, dataDir, parseIdx, readIdxFile } from '../../lib/index';
import { tempFile } from './fixtures';
import { readFashionMnistPair } from '../../lib/data/fashion-mnist';

/** An IDX buffer of unsigned bytes built by hand: 00 00 08 rank, big-endian dims, data. */
function idx(shape: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('IDX reader', () => {
  test('decodes shape and data, plain or gzipped', () => {
    const raw = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    for (const buf of [raw, zlib.gzipSync(raw)]) {
      const a = parseIdx(buf, 'x');
      assert.deepEqual(a.shape, [2, 3]);
      assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
    }
  });

  test('bad magic, type, rank, truncated and padded data are errors naming the source', () => {
    const raw = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    const bad = Buffer.from(raw);
    bad[0] = 1;
    assert.throws(() => parseIdx(bad, 'f.idx'), /f\.idx: bad IDX magic number 0x01000802/);
    const type = Buffer.from(raw);
    type[2] = 0x0d;
    assert.throws(() => parseIdx(type, 'f.idx'), /unsupported IDX type code 0xd/);
    assert.throws(() => parseIdx(raw, 'f.idx', 3), /expected a 3-D IDX array, got 2-D/);
    assert.throws(() => parseIdx(raw.subarray(0, raw.length - 2), 'f.idx'), /f\.idx: truncated IDX data: 4 bytes, expected 6/);
    assert.throws(() => parseIdx(raw.subarray(0, 9), 'f.idx'), /truncated IDX header/);
    assert.throws(() => parseIdx(Buffer.concat([raw, Buffer.from([0])]), 'f.idx'), /1 unexpected trailing bytes/);
    assert.throws(() => parseIdx(zlib.gzipSync(raw).subarray(0, 20), 'f.gz'), (e: unknown) => e instanceof AslInputError && /f\.gz: corrupt or truncated gzip/.test((e as Error).message));
    assert.throws(() => readIdxFile('/no/such.idx'), /readIdxFile: missing file: \/no\/such\.idx/);
  });

  test('readIdxFile reads a file', () => {
    const f = tempFile('a.idx', '');
    require('node:fs').writeFileSync(f, idx([3], [7, 8, 9]));
    assert.deepEqual(Array.from(readIdxFile(f, 1).data), [7, 8, 9]);
  });

  test('the shipped Fashion-MNIST test set: 10,000 images of 28×28, 1,000 per class', () => {
    const a = readFashionMnistPair(path.join(dataDir(), 'fashion-mnist'), 't10k');
    assert.equal(a.count, 10000);
    assert.equal(a.rows, 28);
    assert.equal(a.cols, 28);
    const counts = new Array(10).fill(0);
    for (const l of a.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
    assert.equal(FASHION_MNIST_CLASSES.length, 10);
  });

  test('mismatched image and label counts are an error', () => {
    const dir = path.dirname(tempFile('t10k-images-idx3-ubyte.gz', ''));
    const fs = require('node:fs') as typeof import('node:fs');
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(idx([2, 1, 1], [0, 0])));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idx([3], [0, 1, 2])));
    assert.throws(() => readFashionMnistPair(dir, 't10k'), /has 3 labels but .* has 2 images/);
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idx([2], [0, 12])));
    assert.throws(() => readFashionMnistPair(dir, 't10k'), /label 12 at item 1 is not a class 0–9/);
  });
});
