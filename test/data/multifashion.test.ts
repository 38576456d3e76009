import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  MULTIFASHION_CLASSES,
  MULTIFASHION_PALETTE,
  computeLabelStatistics,
  dataDir,
  hidePositiveLabels,
  loadFashionMnist,
  loadMultiFashion,
  multiFashionClassProbabilities,
  multiFashionClassRanking,
} from '../../lib/index';
import { assertClose, setupBackend } from '../helpers';
import { tempDir } from './fixtures';
import { readFashionMnistPair, fashionMnistPools } from '../../lib/data/fashion-mnist';

before(async () => {
  process.env.ASL_CACHE_DIR = tempDir('asl-cache-');
  await setupBackend();
});

const SMALL = { trainSize: 300, valSize: 100, canvasSize: 32, source: 'shipped' as const };

describe('MultiFashion', () => {
  test('80 (colour, type) classes; Zipf class probabilities over a fixed ranking', () => {
    assert.equal(MULTIFASHION_CLASSES.length, 80);
    assert.equal(MULTIFASHION_CLASSES[0], 'red T-shirt/top');
    assert.equal(MULTIFASHION_CLASSES[79], 'white Ankle boot');
    const rank = multiFashionClassRanking();
    assert.deepEqual([...rank].sort((a, b) => a - b), Array.from({ length: 80 }, (_, i) => i));
    const p = multiFashionClassProbabilities(1);
    assertClose(p.reduce((a, b) => a + b, 0), 1, 1e-12);
    // p(rank r) ∝ 1/(r+1): rank 0 is twice rank 1, rank 79 is 1/80 of rank 0
    assertClose(p[rank[0]] / p[rank[1]], 2, 1e-12);
    assertClose(p[rank[0]] / p[rank[79]], 80, 1e-9);
    const uniform = multiFashionClassProbabilities(0);
    assertClose(Array.from(uniform), new Array(80).fill(1 / 80), 1e-12);
  });

  test('deterministic by seed, cached keyed by parameters', async () => {
    const a = await loadMultiFashion({ ...SMALL, seed: 3 });
    assert.equal(a.info.fromCache, false);
    assert.ok(a.info.cacheFile && fs.existsSync(a.info.cacheFile));
    const b = await loadMultiFashion({ ...SMALL, seed: 3 });
    assert.equal(b.info.fromCache, true);
    assert.deepEqual(await b.train.targets(), await a.train.targets());
    assert.deepEqual(b.val.samplePixels(7), a.val.samplePixels(7));
    const fresh = await loadMultiFashion({ ...SMALL, seed: 3, cache: false });
    assert.deepEqual(fresh.train.samplePixels(11), a.train.samplePixels(11));
    const other = await loadMultiFashion({ ...SMALL, seed: 4 });
    assert.equal(other.info.fromCache, false);
    assert.notDeepEqual(await other.train.targets(), await a.train.targets());
    assert.notEqual(other.info.cacheFile, a.info.cacheFile);
  });

  test('every coloured pixel has the colour of one of the image’s positive labels; 1–4 labels per image', async () => {
    const s = await loadMultiFashion({ ...SMALL, seed: 1 });
    const t = await s.train.targets();
    const unit = MULTIFASHION_PALETTE.map((c) => {
      const n = Math.hypot(...c.rgb);
      return c.rgb.map((v) => v / n);
    });
    for (let i = 0; i < 100; i++) {
      const colours = new Set<number>();
      let labels = 0;
      for (let c = 0; c < 80; c++) if (t[i * 80 + c]) {
        colours.add(Math.floor(c / 10));
        labels++;
      }
      assert.ok(labels >= 1 && labels <= 4, `image ${i} has ${labels} labels`);
      const px = s.train.samplePixels(i);
      for (let p = 0; p < px.length; p += 3) {
        const n = Math.hypot(px[p], px[p + 1], px[p + 2]);
        if (n < 120) continue;
        let best = -1;
        let bestDot = -1;
        unit.forEach((u, k) => {
          const dot = (u[0] * px[p] + u[1] * px[p + 1] + u[2] * px[p + 2]) / n;
          if (dot > bestDot) [best, bestDot] = [k, dot];
        });
        assert.ok(colours.has(best), `image ${i}: pixel of colour ${MULTIFASHION_PALETTE[best].name} but labels ${[...colours]}`);
      }
    }
  });

  test('default statistics: ≈ 2.9 labels per image, negative:positive ≈ 26, long tail', async () => {
    const s = await loadMultiFashion({ source: 'shipped', cache: false });
    const st = computeLabelStatistics(await s.train.targets(), s.train.classNames);
    assert.equal(st.samples, 8000);
    assert.ok(st.labelCardinality > 2.7 && st.labelCardinality < 3.1, `cardinality ${st.labelCardinality}`);
    assert.ok(st.negPosRatio > 24 && st.negPosRatio < 29, `neg:pos ${st.negPosRatio}`);
    const sorted = st.sortedClasses();
    // a few common classes, many rare ones: the top 10 of 80 classes hold over a third of all positives
    const top10 = sorted.slice(0, 10).reduce((a, c) => a + c.positives, 0);
    assert.ok(top10 / st.positives > 1 / 3, `top-10 share ${top10 / st.positives}`);
    assert.ok(sorted[0].positives / sorted[40].positives > 10);
    assert.equal(st.tail().classesWithoutPositives, 0);
  });

  test('train and val items come from disjoint source images (a partition of the shipped set)', () => {
    const pools = fashionMnistPools('shipped');
    const all = readFashionMnistPair(path.join(dataDir(), 'fashion-mnist'), 't10k');
    assert.equal(pools.train.count, 8000);
    assert.equal(pools.val.count, 2000);
    const px = 784;
    const same = (a: Uint8Array, i: number, b: Uint8Array, j: number) => Buffer.compare(a.subarray(i * px, (i + 1) * px), b.subarray(j * px, (j + 1) * px)) === 0;
    // val item j is shipped image 5j + 4; train items are the other indices, in order
    for (const j of [0, 1, 999, 1999]) assert.ok(same(pools.val.images, j, all.images, 5 * j + 4));
    for (const [i, src] of [[0, 0], [3, 3], [4, 5], [7999, 9998]]) assert.ok(same(pools.train.images, i, all.images, src));
  });

  test('missingLabelRate hides training positives only, as negatives or as unknown', async () => {
    const clean = await loadMultiFashion({ ...SMALL, seed: 2 });
    const noisy = await loadMultiFashion({ ...SMALL, seed: 2, missingLabelRate: 0.3 });
    const ct = await clean.train.targets();
    const nt = await noisy.train.targets();
    let pos = 0;
    let hidden = 0;
    for (let i = 0; i < ct.length; i++) {
      assert.ok(nt[i] <= ct[i], 'only positives are hidden');
      pos += ct[i];
      hidden += ct[i] - nt[i];
    }
    assert.equal(hidden, noisy.info.hiddenPositives);
    assert.ok(Math.abs(hidden / pos - 0.3) < 0.05, `hidden fraction ${hidden / pos}`);
    assert.deepEqual(await noisy.val.targets(), await clean.val.targets());
    assert.deepEqual(noisy.info.cleanTrainTargets, ct);
    assert.equal(noisy.train.hasMask, false);
    const unknown = await loadMultiFashion({ ...SMALL, seed: 2, missingLabelRate: 0.3, missingLabelMode: 'unknown' });
    const mask = await unknown.train.knownMask();
    assert.equal(mask.length - mask.reduce((a, b) => a + b, 0), hidden);
    assert.equal(unknown.val.hasMask, false);
  });

  test('hidePositiveLabels on a hand example', () => {
    const t = Uint8Array.from([1, 0, 1, 1, 0, 1]);
    const none = hidePositiveLabels(t, 0, 1);
    assert.deepEqual(Array.from(none.targets), Array.from(t));
    const m = hidePositiveLabels(t, 0.999999, 1, 'unknown');
    assert.deepEqual(Array.from(m.targets), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(m.mask!), [0, 1, 0, 0, 1, 0]);
    assert.equal(m.hidden, 4);
  });

  test('batches: [B, S, S, 3] in [0, 1], seeded shuffle, augmentation only on request, no tensor leak', async () => {
    const s = await loadMultiFashion({ ...SMALL, seed: 5 });
    const before = tf.memory().numTensors;
    const order = async (seed: number) => {
      const idx: number[] = [];
      for await (const b of s.train.batches({ batchSize: 64, shuffle: true, seed, dropLast: true })) {
        assert.deepEqual(b.x.shape, [64, 32, 32, 3]);
        const v = b.x.dataSync();
        assert.ok(v.every((x) => x >= 0 && x <= 1));
        idx.push(...b.indices!);
        tf.dispose([b.x, b.y]);
      }
      return idx;
    };
    const a = await order(1);
    assert.equal(a.length, 256); // 300 → 4 full batches
    assert.deepEqual(await order(1), a);
    assert.notDeepEqual(await order(2), a);
    const plain = await s.train.take([0]);
    const aug = await s.train.take([0], true, () => 0.5);
    assert.notDeepEqual(Array.from(aug.x.dataSync()), Array.from(plain.x.dataSync()));
    assertClose(plain.x.dataSync()[0] * 255, s.train.samplePixels(0)[0], 1e-4);
    tf.dispose([plain.x, plain.y, aug.x, aug.y]);
    assert.equal(tf.memory().numTensors, before);
  });

  test('cutoutFactor sets the side of the cutout square (default 0.3 of the canvas)', async () => {
    const count = async (options: object) => {
      const s = await loadMultiFashion({ ...SMALL, seed: 5, ...options });
      const seq = [0.5, 0.5, 0.123, 0.123, 0.123];
      let i = 0;
      const b = await s.train.take([0], true, () => seq[i++ % seq.length]);
      const x = b.x.dataSync();
      let n = 0;
      for (let p = 0; p < x.length; p += 3) if (Math.abs(x[p] - 0.123) < 1e-6 && Math.abs(x[p + 2] - 0.123) < 1e-6) n++;
      tf.dispose([b.x, b.y]);
      return n;
    };
    assert.equal(await count({ cutoutFactor: 0.25 }), 64); // side round(0.25 × 32) = 8
    assert.equal(await count({}), 100); // side round(0.3 × 32) = 10
    assert.equal(await count({ augmentation: 'none' }), 0);
  });

  test('single-label mode is plain Fashion-MNIST with one-hot targets', async () => {
    const s = await loadMultiFashion({ mode: 'single-label', source: 'shipped', trainSize: 50 });
    assert.equal(s.train.classNames.length, 10);
    assert.deepEqual(s.train.inputShape, [28, 28, 1]);
    assert.equal(s.train.size, 50);
    assert.equal(s.val.size, 2000);
    const t = await s.train.targets();
    for (let i = 0; i < 50; i++) assert.equal(t.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0), 1);
    const f = await loadFashionMnist({ source: 'shipped', valSize: 10 });
    assert.equal(f.val.size, 10);
  });

  test('invalid options are AslInputErrors naming the argument', async () => {
    await assert.rejects(loadMultiFashion({ canvasSize: 8 }), /loadMultiFashion: argument 'canvasSize' must be an integer ≥ 16/);
    await assert.rejects(loadMultiFashion({ missingLabelRate: 1 }), /argument 'missingLabelRate'/);
    await assert.rejects(loadMultiFashion({ itemCountWeights: [0, 0] }), /argument 'itemCountWeights'/);
    await assert.rejects(loadMultiFashion({ mode: 'multi' as never }), /argument 'mode'/);
  });
});
