import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cutout, parseCsv, randAugmentLite, RAND_AUGMENT_OPS, ByteImageDataset } from '../../lib/index';
import { assertClose } from '../helpers';
import { applyAugmentOp } from '../../lib/data/augment';

/** A constant-sequence random source. */
const fixed = (...v: number[]) => {
  let i = 0;
  return () => v[i++ % v.length];
};

describe('cutout', () => {
  test('a square of side round(0.5 × side) at the drawn centre, filled with the drawn colour', () => {
    const s = new Float32Array(8 * 8 * 3).fill(0.5);
    // centre (y, x) = (floor(0.5·8), floor(0.5·8)) = (4, 4); side 4 → rows/cols 2..5; fill (0.1, 0.2, 0.3)
    cutout(s, [8, 8, 3], fixed(0.5, 0.5, 0.1, 0.2, 0.3));
    let changed = 0;
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const inside = y >= 2 && y < 6 && x >= 2 && x < 6;
        const px = Array.from(s.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
        if (inside) {
          assertClose(px, [0.1, 0.2, 0.3], 1e-6);
          changed++;
        } else assert.deepEqual(px, [0.5, 0.5, 0.5]);
      }
    assert.equal(changed, 16);
  });

  test('clipped at the border', () => {
    const s = new Float32Array(8 * 8).fill(1);
    cutout(s, [8, 8, 1], fixed(0, 0, 0));
    assert.equal(s.filter((v) => v === 0).length, 4); // rows/cols 0..1 of a side-4 square centred at (0, 0)
  });
});

describe('RandAugment-lite operations', () => {
  const img = () => Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => (i % 7) / 7);

  test('flip twice is the identity; flip mirrors columns', () => {
    const a = img();
    const b = a.slice();
    applyAugmentOp('flipHorizontal', b, [4, 4, 3], 1, 1);
    assert.deepEqual(Array.from(b.subarray(0, 3)), Array.from(a.subarray(9, 12)));
    applyAugmentOp('flipHorizontal', b, [4, 4, 3], 1, 1);
    assert.deepEqual(b, a);
  });

  test('translate shifts by round(0.3 · f · side) and fills with 0', () => {
    const a = Float32Array.from({ length: 10 }, (_, i) => i + 1);
    applyAugmentOp('translateX', a, [1, 10, 1], 1, 1); // d = 3
    assert.deepEqual(Array.from(a), [0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('brightness scales and clips; contrast keeps the mean when not clipping; values stay in [0, 1]', () => {
    const a = Float32Array.from([0.2, 0.4, 0.9]);
    applyAugmentOp('brightness', a, [1, 3, 1], 0.5, 1); // × 1.45
    assertClose(Array.from(a), [0.29, 0.58, 1], 1e-6);
    const b = Float32Array.from([0.4, 0.5, 0.6]);
    applyAugmentOp('contrast', b, [1, 3, 1], 1, -1); // × 0.1 around 0.5
    assertClose(Array.from(b), [0.49, 0.5, 0.51], 1e-6);
    for (let seed = 0; seed < 20; seed++) {
      const c = img();
      randAugmentLite(c, [4, 4, 3], fixed((seed * 0.37) % 1, (seed * 0.61) % 1, (seed * 0.17) % 1, 0.3), { n: 3, m: 9 });
      assert.ok(c.every((v) => v >= 0 && v <= 1));
    }
    assert.equal(RAND_AUGMENT_OPS.length, 8);
  });
});

describe('CSV reader', () => {
  test('quotes, doubled quotes, embedded newlines, CRLF; records carry their first line', () => {
    const r = parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n\nlast,1');
    assert.deepEqual(r.map((x) => x.fields), [['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', 'z'], ['last', '1']]);
    assert.deepEqual(r.map((x) => x.line), [1, 2, 3, 6]);
    assert.throws(() => parseCsv('a\n"open,\n', 'f.csv'), /f\.csv:2: unterminated quoted field/);
  });
});

describe('ByteImageDataset', () => {
  test('checks sizes; take() rejects out-of-range indices', async () => {
    assert.throws(
      () => new ByteImageDataset({ name: 'b', classNames: ['x'], inputShape: [2, 2, 1], pixels: new Uint8Array(3), targets: new Uint8Array(1) }),
      /argument 'pixels' length 3 ≠ 1 samples × 4 values/,
    );
    const ds = new ByteImageDataset({ name: 'b', classNames: ['x'], inputShape: [1], pixels: Uint8Array.from([255, 51]), targets: Uint8Array.from([1, 0]) });
    await assert.rejects(ds.take([2]), /index 2 out of range/);
    const b = await ds.take([1, 0]);
    assertClose(Array.from(b.x.dataSync()), [0.2, 1], 1e-6);
    assert.deepEqual(Array.from(b.y.dataSync()), [0, 1]);
    b.x.dispose();
    b.y.dispose();
    await assert.rejects(async () => {
      for await (const _ of ds.batches({ batchSize: 0 })) void _;
    }, /argument 'batchSize' must be a positive integer/);
  });
});
