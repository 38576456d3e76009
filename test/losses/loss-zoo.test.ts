/**
 * Every registry loss against an independent float64 re-implementation written from its paper
 * formula: value, gradient (central finite differences of the float64 form vs tfjs autodiff / the
 * fused analytic gradient) and the known-label mask; plus the special cases that reduce to BCE,
 * focal loss or ASL.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { aslNegativeGradientDetached, aslPositiveGradientDetached, aslValue, createLoss, seededRandom, type LossParamValue } from '../../lib/index';
import { assertClose, finiteDifferences, setupBackend, values } from '../helpers';

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const sp = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const lse = (xs: number[]) => {
  if (xs.length === 0) return -Infinity;
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};

const N = 4;
const C = 6;
const rand = seededRandom(7);
// Logits in [−3, 3], kept away from SPLC's relabelling threshold (logit 0.405 for τ = 0.6).
const Z = Array.from({ length: N * C }, () => {
  let v = -3 + 6 * rand();
  if (Math.abs(v - Math.log(0.6 / 0.4)) < 0.05) v += 0.2;
  return v;
});
const Yv = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0];
const M = Array.from({ length: N * C }, (_, i) => (i % 5 === 2 ? 0 : 1));

type Ref = (z: number[], y: number[], m: number[]) => number;

/** Sum over known elements of a per-element float64 loss. */
const elementwise = (f: (z: number, y: number, col: number) => number): Ref => (z, y, m) =>
  z.reduce((s, zi, i) => s + (m[i] ? f(zi, y[i], i % C) : 0), 0);

/** Closed-form gradient of ASL with the focusing weight detached (official training; not a finite difference). */
const aslDetachedGrad = (gammaNeg: number, gammaPos: number, clip: number) => (z: number[], y: number[], m: number[]) =>
  z.map((zi, i) => (!m[i] ? 0 : y[i] ? aslPositiveGradientDetached(sig(zi), gammaPos) : aslNegativeGradientDetached(sig(zi), gammaNeg, clip)));

const cases: Array<{
  name: string;
  params?: Record<string, LossParamValue>;
  ref: Ref;
  epoch?: number;
  /** Reference gradient where finite differences of `ref` do not apply (detached weights). */
  grad?: (z: number[], y: number[], m: number[]) => number[];
}> = [
  { name: 'bce', ref: elementwise((z, y) => sp(z) - y * z) },
  { name: 'bce', params: { posWeight: 3 }, ref: elementwise((z, y) => (y ? 3 * sp(-z) : sp(z))) },
  { name: 'focal', ref: elementwise((z, y) => (y ? sig(-z) ** 2 * sp(-z) : sig(z) ** 2 * sp(z))) },
  {
    name: 'focal',
    params: { gamma: 1.5, alpha: 0.25 },
    ref: elementwise((z, y) => (y ? 0.25 * sig(-z) ** 1.5 * sp(-z) : 0.75 * sig(z) ** 1.5 * sp(z))),
  },
  { name: 'asl', ref: elementwise((z, y) => aslValue(z, y as 0 | 1, 4, 0, 0.05)), grad: aslDetachedGrad(4, 0, 0.05) },
  {
    name: 'asl',
    params: { gammaNeg: 2, gammaPos: 1, clip: 0.1, implementation: 'autodiff' },
    ref: elementwise((z, y) => aslValue(z, y as 0 | 1, 2, 1, 0.1)),
    grad: aslDetachedGrad(2, 1, 0.1),
  },
  { name: 'asl', params: { gammaNeg: 2, gammaPos: 1, clip: 0.2, detachFocalWeight: false }, ref: elementwise((z, y) => aslValue(z, y as 0 | 1, 2, 1, 0.2)) },
  {
    name: 'asl',
    params: { gammaNeg: 3, gammaPos: 0.5, clip: 0.1, detachFocalWeight: false, implementation: 'autodiff' },
    ref: elementwise((z, y) => aslValue(z, y as 0 | 1, 3, 0.5, 0.1)),
  },
  {
    name: 'hill',
    ref: elementwise((z, y) => (y ? sig(-(z - 1)) ** 2 * sp(-(z - 1)) : (1.5 - sig(z)) * sig(z) ** 2)),
  },
  {
    name: 'splc',
    epoch: 1,
    ref: elementwise((z, y) => {
      const zm = y ? z - 1 : z;
      const yc = y || sig(zm) > 0.6 ? 1 : 0;
      return yc ? sig(-zm) ** 2 * sp(-zm) : sig(zm) ** 2 * sp(zm);
    }),
  },
  {
    name: 'splc',
    epoch: 0,
    ref: elementwise((z, y) => (y ? sig(-(z - 1)) ** 2 * sp(-(z - 1)) : sig(z) ** 2 * sp(z))),
  },
  {
    name: 'poly1',
    params: { epsilon: 2 },
    ref: elementwise((z, y) => {
      const pt = y ? sig(z) : 1 - sig(z);
      return -Math.log(pt) + 2 * (1 - pt);
    }),
  },
  {
    name: 'poly1',
    params: { epsilon: -1, gamma: 2 },
    ref: elementwise((z, y) => {
      const pt = y ? sig(z) : 1 - sig(z);
      return -((1 - pt) ** 2) * Math.log(pt) - (1 - pt) ** 3;
    }),
  },
  {
    name: 'apl',
    params: { epsilonNeg: 0.5, detachFocalWeight: false },
    ref: elementwise((z, y) => {
      const p = sig(z);
      if (y) return -Math.log(p) - (1 - p) + 1.25 * (1 - p) ** 2;
      const pm = Math.max(p - 0.05, 0);
      return pm ** 4 * (-Math.log(1 - pm) - 0.5 * pm);
    }),
  },
  {
    name: 'bce-smooth',
    params: { smoothing: 0.2, convention: 'symmetric' },
    ref: elementwise((z, y) => sp(z) - (y ? 0.8 : 0.2) * z),
  },
  {
    name: 'class-balanced',
    params: { beta: 0.9, classCounts: [50, 5, 1, 20, 2, 8] },
    ref: (() => {
      const counts = [50, 5, 1, 20, 2, 8];
      const raw = counts.map((n) => 0.1 / (1 - 0.9 ** n));
      const w = raw.map((r) => (r * C) / raw.reduce((a, b) => a + b, 0));
      return elementwise((z, y, c) => w[c] * (sp(z) - y * z));
    })(),
  },
  {
    name: 'distribution-balanced',
    params: { classCounts: [50, 5, 1, 20, 2, 8], numSamples: 100 },
    ref: (z, y, m) => {
      const counts = [50, 5, 1, 20, 2, 8];
      let total = 0;
      for (let n = 0; n < N; n++) {
        const repeat = counts.reduce((s, nc, c) => s + (y[n * C + c] ? 1 / nc : 0), 0);
        for (let c = 0; c < C; c++) {
          const i = n * C + c;
          if (!m[i]) continue;
          const r = repeat > 0 ? 1 / counts[c] / repeat : Infinity;
          const rHat = 0.1 + sig(10 * (r - 0.2));
          const zp = z[i] - 0.05 * Math.log(100 / counts[c] - 1);
          const bce = y[i] ? rHat * sp(-zp) : (rHat / 2) * sp(2 * zp);
          const pt = y[i] ? sig(zp) : sig(-2 * zp);
          total += 2 * (1 - pt) ** 2 * bce;
        }
      }
      return total;
    },
  },
  {
    name: 'zlpr',
    ref: (z, y, m) => {
      let total = 0;
      for (let n = 0; n < N; n++) {
        const neg: number[] = [0];
        const pos: number[] = [0];
        for (let c = 0; c < C; c++) {
          const i = n * C + c;
          if (!m[i]) continue;
          (y[i] ? pos : neg).push(y[i] ? -z[i] : z[i]);
        }
        total += lse(neg) + lse(pos);
      }
      return total;
    },
  },
  {
    name: 'two-way',
    ref: (z, y, m) => {
      const term = (idx: number[]) => {
        const pos = idx.filter((i) => m[i] && y[i]);
        const neg = idx.filter((i) => m[i] && !y[i]);
        if (pos.length === 0) return 0;
        const a = 1 * lse(neg.map((i) => z[i] / 1)) + 4 * lse(pos.map((i) => -z[i] / 4));
        return a === -Infinity ? 0 : sp(a);
      };
      let total = 0;
      for (let n = 0; n < N; n++) total += term(Array.from({ length: C }, (_, c) => n * C + c));
      for (let c = 0; c < C; c++) total += term(Array.from({ length: N }, (_, n) => n * C + c));
      return total;
    },
  },
];

before(setupBackend);

describe('registry losses against float64 re-implementations (reduction sum, with a mask)', () => {
  for (const k of cases) {
    const label = `${k.name}(${JSON.stringify(k.params ?? {})}${k.epoch !== undefined ? `, epoch ${k.epoch}` : ''})`;
    const loss = createLoss(k.name, k.params);
    const call = (t: tf.Tensor, mask: number[]) =>
      loss.call(t, tf.tensor2d(Yv, [N, C]), { reduction: 'sum', mask: tf.tensor2d(mask, [N, C]), context: { epoch: k.epoch ?? 0 } });

    test(`${label}: value equals the float64 formula`, () => {
      const v = values(tf.tidy(() => call(tf.tensor2d(Z, [N, C]), M)));
      const ref = k.ref(Z, Yv, M);
      assertClose(v, ref, 2e-5 * Math.max(1, Math.abs(ref)));
    });

    test(`${label}: gradient equals ${k.grad ? 'the closed form' : 'finite differences of the float64 formula'}`, () => {
      const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => call(t, M))(tf.tensor2d(Z, [N, C]))));
      const fd = k.grad ? k.grad(Z, Yv, M) : finiteDifferences((z) => k.ref(z, Yv, M), Z, 1e-5);
      assertClose(g, fd, 2e-4);
    });

    test(`${label}: an unknown label contributes nothing to value or gradient`, () => {
      const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => call(t, M))(tf.tensor2d(Z, [N, C]))));
      M.forEach((m, i) => {
        if (!m) assert.ok(g[i] === 0, `gradient at unknown index ${i}: ${g[i]}`);
      });
      // Moving unknown logits (even to extremes) leaves the value unchanged.
      const moved = Z.map((z, i) => (M[i] ? z : i % 2 ? 60 : -60));
      const a = values(tf.tidy(() => call(tf.tensor2d(Z, [N, C]), M)));
      const b = values(tf.tidy(() => call(tf.tensor2d(moved, [N, C]), M)));
      assertClose(b, a, 1e-5 * Math.max(1, Math.abs(a[0])));
    });
  }
});

describe('special cases', () => {
  const z = tf.tensor2d(Z, [N, C]);
  const y = tf.tensor2d(Yv, [N, C]);
  const v = (name: string, params: Record<string, LossParamValue> = {}, epoch = 0) =>
    values(createLoss(name, params).call(z, y, { reduction: 'sum', context: { epoch } }))[0];
  const bce = () => v('bce');
  const focal = (g: number) => v('focal', { gamma: g });

  test('ASL(0, 0, 0) = BCE and ASL(γ, γ, 0) = focal(γ), fused and autodiff', () => {
    for (const implementation of ['fused', 'autodiff']) {
      assertClose(v('asl', { gammaNeg: 0, gammaPos: 0, clip: 0, implementation }), bce(), 1e-4);
      assertClose(v('asl', { gammaNeg: 2, gammaPos: 2, clip: 0, implementation }), focal(2), 1e-4);
      assertClose(v('asl', { gammaNeg: 3, gammaPos: 3, clip: 0, implementation }), focal(3), 1e-4);
    }
  });
  test('focal(γ = 0) = BCE; BCE(π = 1) = BCE', () => {
    assertClose(focal(0), bce(), 1e-4);
    assertClose(v('bce', { posWeight: 1 }), bce(), 1e-5);
  });
  test('Hill: m = 0, γ = 0 positives are BCE positives; its negative gradient vanishes at p = 0 and p = 2λ/3', () => {
    const pos = values(createLoss('hill', { margin: 0, gamma: 0 }).call(z, y, { reduction: 'none' }));
    const b = values(createLoss('bce').call(z, y, { reduction: 'none' }));
    Yv.forEach((t, i) => t && assertClose(pos[i], b[i], 1e-5, `index ${i}`));
    const lambda = 1.2;
    const pStar = (2 * lambda) / 3;
    const zs = [-30, Math.log(pStar / (1 - pStar))];
    const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => createLoss('hill', { lambda }).call(t, tf.zeros([1, 2]), { reduction: 'sum' }))(tf.tensor2d([zs]))));
    assertClose(g, [0, 0], 1e-6);
  });
  test('SPLC: before changeEpoch (or τ = 1) it is focal loss with a margin; m = 0 gives focal(γ)', () => {
    assertClose(v('splc', { margin: 0 }, 0), focal(2), 1e-4);
    assertClose(v('splc', { margin: 0, tau: 1 }, 5), focal(2), 1e-4);
    assertClose(v('splc', { margin: 0, gamma: 0 }, 0), bce(), 1e-4);
    assert.ok(v('splc', {}, 1) !== v('splc', {}, 0), 'correction changes the value after changeEpoch');
  });
  test('Poly-1: ε = 0 is BCE (γ = 0) or focal (γ > 0)', () => {
    assertClose(v('poly1', { epsilon: 0 }), bce(), 1e-4);
    assertClose(v('poly1', { epsilon: 0, gamma: 2 }), focal(2), 1e-4);
  });
  test('APL: ε₁ = ε₂ = ε− = 0 is ASL', () => {
    assertClose(v('apl', { epsilonPos1: 0, epsilonPos2: 0, epsilonNeg: 0 }), v('asl'), 1e-4);
  });
  test('label smoothing: ε = 0 is BCE; the loss of a label is minimal at p = y′', () => {
    assertClose(v('bce-smooth', { smoothing: 0 }), bce(), 1e-4);
    const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => createLoss('bce-smooth', { smoothing: 0.1 }).call(t, tf.tensor2d([[1, 0]]), { reduction: 'sum' }))(tf.tensor2d([[Math.log(0.95 / 0.05), Math.log(0.05 / 0.95)]]))));
    assertClose(g, [0, 0], 1e-6);
  });
  test('class-balanced: β = 0 is BCE; distribution-balanced with r̂ ≡ 1, no NTR, no focal is BCE', () => {
    assertClose(v('class-balanced', { beta: 0, classCounts: [1, 2, 3, 4, 5, 6] }), bce(), 1e-4);
    assertClose(v('distribution-balanced', { alpha: 0.5, beta: 0, initBias: 0, negScale: 1, gamma: 0 }), bce(), 1e-4);
  });
  test('ZLPR with one class is BCE', () => {
    const z1 = tf.tensor2d(Z.slice(0, 8), [8, 1]);
    const y1 = tf.tensor2d([1, 0, 0, 1, 0, 1, 0, 0], [8, 1]);
    assertClose(values(createLoss('zlpr').call(z1, y1, { reduction: 'sum' })), values(createLoss('bce').call(z1, y1, { reduction: 'sum' })), 1e-4);
  });
  test('gradient signs: positives get dL/dz ≤ 0, negatives ≥ 0 (element-wise losses)', () => {
    for (const name of ['bce', 'focal', 'asl', 'hill', 'poly1', 'apl', 'class-balanced', 'distribution-balanced']) {
      const g = values(tf.tidy(() => tf.grad((t: tf.Tensor) => createLoss(name).call(t, y, { reduction: 'sum' }))(z)));
      g.forEach((gi, i) => assert.ok(Yv[i] ? gi <= 1e-7 : gi >= -1e-7, `${name} index ${i}: ${gi}`));
    }
  });
  test('ASL probability shifting: zero loss and gradient for negatives with p < m', () => {
    const zs = tf.tensor2d([[-4, -3.5, Math.log(0.04 / 0.96)]]);
    const loss = createLoss('asl', { clip: 0.05 });
    assertClose(values(loss.call(zs, tf.zeros([1, 3]), { reduction: 'none' })), [0, 0, 0], 0);
    assertClose(values(tf.tidy(() => tf.grad((t: tf.Tensor) => loss.call(t, tf.zeros([1, 3])))(zs))), [0, 0, 0], 0);
  });
});
