/**
 * The hand-assembled wasm-SIMD kernels (lib/backend/simd): the module writer, the blocked matrix
 * product against a float64 reference for edge shapes, strides and transposes, and the Adam kernel
 * against the update written out in float64. These run on a memory of their own (no tfjs), as the
 * kernels only need a `WebAssembly.Memory` and an allocator.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionBuilder, assembleModule, heapGemm, simdKernelsFor, simdKernelModuleBytes, GEMM_KC, GEMM_MC, GEMM_MR, GEMM_NR } from '../../lib/backend/index';
import type { WasmHeap } from '../../lib/backend/index';
import { seededRandom } from '../../lib/core/random';

/** The WebAssembly API, typed here (the project compiles without DOM types). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  Module: { new (bytes: Uint8Array): object; exports(module: object): Array<{ name: string }> };
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** A heap with a bump allocator (free is a no-op), `pages` × 64 KiB. */
function testHeap(pages = 512): WasmHeap & { alloc(values: Float32Array | number): number; f32(): Float32Array } {
  const memory = new WA.Memory({ initial: pages });
  let top = 1024;
  const malloc = (bytes: number) => {
    const p = top;
    top += Math.ceil(bytes / 16) * 16 + 16;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  return {
    memory,
    malloc,
    free: () => {},
    alloc(values) {
      const n = typeof values === 'number' ? values : values.length;
      const p = malloc(4 * n);
      if (typeof values !== 'number') new Float32Array(memory.buffer, p, n).set(values);
      return p;
    },
    f32: () => new Float32Array(memory.buffer),
  };
}

function randomArray(n: number, rnd: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => rnd() * 2 - 1);
}

describe('wasm module writer', () => {
  it('assembles functions with i32 arithmetic, loops, negative and multi-byte constants', () => {
    const add = new FunctionBuilder('addConst', ['i32'], ['i32']);
    add.get(add.params[0]).i32Const(-70000).i32Add();
    // sum(n) = 0 + 1 + … + (n − 1), with a block/loop/br_if.
    const sum = new FunctionBuilder('sum', ['i32'], ['i32']);
    const [n] = sum.params;
    const i = sum.local('i32');
    const acc = sum.local('i32');
    sum.block().loop();
    sum.get(i).get(n).i32GeS().brIf(1);
    sum.addLocal(acc, i).addTo(i, 1).br(0);
    sum.end().end();
    sum.get(acc);
    const bytes = assembleModule([add, sum]);
    assert.ok(WA.validate(bytes));
    const inst = new WA.Instance(new WA.Module(bytes), { env: { memory: new WA.Memory({ initial: 1 }) } });
    const ex = inst.exports as { addConst(x: number): number; sum(x: number): number };
    assert.equal(ex.addConst(5), 5 - 70000);
    assert.equal(ex.sum(100), 4950);
    assert.equal(ex.sum(0), 0);
  });

  it('f32x4 loads, arithmetic and stores work on the imported memory', () => {
    // out[0..4) = sqrt(a[0..4) · b[0..4)) + splat(c)
    const f = new FunctionBuilder('kernel', ['i32', 'i32', 'i32', 'f32']);
    const [a, b, out, c] = f.params;
    f.get(out).get(a).v128Load().get(b).v128Load().f32x4Mul().f32x4Sqrt().get(c).f32x4Splat().f32x4Add().v128Store();
    const memory = new WA.Memory({ initial: 1 });
    const inst = new WA.Instance(new WA.Module(assembleModule([f])), { env: { memory } });
    const view = new Float32Array(memory.buffer);
    view.set([1, 4, 9, 16], 0);
    view.set([1, 1, 1, 4], 4);
    (inst.exports as { kernel(a: number, b: number, o: number, c: number): void }).kernel(0, 16, 32, 0.5);
    assert.deepEqual(Array.from(view.subarray(8, 12)), [1.5, 2.5, 3.5, 8.5]);
  });

  it('the kernel module validates and exports the product, Adam, convolution, batch-norm, ReLU, pooling and mean kernels', () => {
    const bytes = simdKernelModuleBytes();
    assert.ok(WA.validate(bytes));
    const names = WA.Module.exports(new WA.Module(bytes)).map((e) => e.name).sort();
    assert.deepEqual(names, ['adam', 'bnAffine', 'bnAffineRelu', 'bnBackward', 'bnBackwardMasked', 'bnSums', 'bnSumsGrad', 'bnSumsGradMasked', 'channelTotals', 'convFilterGrad', 'convForward', 'gemmColsDeep', 'gemmRows', 'gemmRowsDeep', 'macroKernel', 'maxPool2', 'maxPool2Grad', 'meanMiddle', 'packA', 'packB', 'padImages', 'relu', 'reluGrad']);
  });
});

describe('heapGemm (blocked SIMD matrix product)', () => {
  /**
   * Checks C = op(A)·op(B) against float64 sums, with C inside a guarded, wider buffer. `split`:
   * the heap gets a pool that claims to have 2 threads but runs the jobs in order here, so the
   * driver takes its multi-thread paths (jobs over rows or columns, each through all K blocks).
   */
  function check(M: number, N: number, K: number, tA: boolean, tB: boolean, seed: number, split = false) {
    const rnd = seededRandom(seed);
    const heap = testHeap();
    if (split) {
      const kernels = simdKernelsFor(heap.memory) as unknown as Record<string, (...args: number[]) => void>;
      heap.pool = { threads: 2, capacity: 2, run: (name, jobs) => jobs.forEach((job) => kernels[name](...job)) };
    }
    const a = randomArray(M * K, rnd);
    const b = randomArray(K * N, rnd);
    const pa = heap.alloc(a);
    const pb = heap.alloc(b);
    const ldcFloats = N + 3; // a padded output: the pad must stay untouched
    const pc = heap.alloc(M * ldcFloats + 8);
    heap.f32().fill(777, pc / 4, pc / 4 + M * ldcFloats + 8);
    // A is stored M×K (or K×M when tA), B K×N (or N×K when tB).
    const A = (i: number, p: number) => (tA ? a[p * M + i] : a[i * K + p]);
    const B = (p: number, j: number) => (tB ? b[j * K + p] : b[p * N + j]);
    heapGemm(
      heap,
      M,
      N,
      K,
      { ptr: pa, rowStride: tA ? 4 : 4 * K, colStride: tA ? 4 * M : 4 },
      { ptr: pb, rowStride: tB ? 4 : 4 * N, colStride: tB ? 4 * K : 4 },
      pc,
      4 * ldcFloats,
    );
    const c = heap.f32().subarray(pc / 4, pc / 4 + M * ldcFloats + 8);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let exact = 0;
        let scale = 0;
        for (let p = 0; p < K; p++) {
          exact += A(i, p) * B(p, j);
          scale += Math.abs(A(i, p) * B(p, j));
        }
        const got = c[i * ldcFloats + j];
        assert.ok(Math.abs(got - exact) <= 1e-6 * (K + 1) * (scale + 1e-30) + 1e-30, `${M}×${K}·${K}×${N} tA=${tA} tB=${tB}: C[${i},${j}] = ${got}, expected ${exact}`);
      }
      for (let j = N; j < ldcFloats; j++) assert.equal(c[i * ldcFloats + j], 777, `padding C[${i},${j}] overwritten`);
    }
    for (let j = M * ldcFloats; j < M * ldcFloats + 8; j++) assert.equal(c[j], 777, 'memory after C overwritten');
  }

  it('equals float64 sums for edge shapes, every transpose, and K and M across block boundaries', () => {
    let seed = 1;
    const shapes: Array<[number, number, number]> = [
      [1, 1, 1],
      [GEMM_MR, GEMM_NR, 3],
      [GEMM_MR + 1, GEMM_NR + 1, 5],
      [7, 13, 17],
      [3, 4, 2],
      [2, 10, 256],
      [GEMM_MC + 5, 9, 40],
      [9, 20, GEMM_KC + 3],
    ];
    for (const [m, n, k] of shapes) for (const tA of [false, true]) for (const tB of [false, true]) check(m, n, k, tA, tB, seed++);
  });

  it('the multi-thread paths (rows sharing B, columns sharing A, through several K blocks) equal float64 sums', () => {
    let seed = 100;
    const shapes: Array<[number, number, number]> = [
      [96, 40, 2 * GEMM_KC + 7], // rows: M ≥ N
      [20, 90, 2 * GEMM_KC + 7], // columns: M < N
      [6, 200, GEMM_KC + 1], // few rows
      [GEMM_MC + 9, GEMM_MC + 40, 300], // columns, A in two mc slices
    ];
    for (const [m, n, k] of shapes) for (const tA of [false, true]) for (const tB of [false, true]) check(m, n, k, tA, tB, seed++, true);
  });

  it('K = 0 gives zeros, and M = 0 or N = 0 writes nothing', () => {
    const heap = testHeap(4);
    const pc = heap.alloc(new Float32Array([5, 5, 5, 5, 5, 5]));
    heapGemm(heap, 2, 2, 0, { ptr: 0, rowStride: 0, colStride: 4 }, { ptr: 0, rowStride: 8, colStride: 4 }, pc, 12);
    assert.deepEqual(Array.from(heap.f32().subarray(pc / 4, pc / 4 + 6)), [0, 0, 5, 0, 0, 5]);
    heapGemm(heap, 0, 2, 3, { ptr: 0, rowStride: 12, colStride: 4 }, { ptr: 0, rowStride: 8, colStride: 4 }, pc, 8);
    heapGemm(heap, 2, 0, 3, { ptr: 0, rowStride: 12, colStride: 4 }, { ptr: 0, rowStride: 0, colStride: 4 }, pc, 8);
    assert.deepEqual(Array.from(heap.f32().subarray(pc / 4, pc / 4 + 6)), [0, 0, 5, 0, 0, 5]);
  });

  it('stays correct when the heap grows between products (its scratch is re-used or re-allocated)', () => {
    const heap = testHeap(2);
    const rnd = seededRandom(9);
    for (const n of [8, 64, 200]) {
      const a = randomArray(n * n, rnd);
      const pa = heap.alloc(a);
      const pc = heap.alloc(n * n);
      heapGemm(heap, n, n, n, { ptr: pa, rowStride: 4 * n, colStride: 4 }, { ptr: pa, rowStride: 4 * n, colStride: 4 }, pc, 4 * n);
      const c = heap.f32().subarray(pc / 4, pc / 4 + n * n);
      let exact = 0;
      for (let p = 0; p < n; p++) exact += a[(n - 1) * n + p] * a[p * n + (n - 1)];
      assert.ok(Math.abs(c[n * n - 1] - exact) < 1e-4, `n=${n}`);
    }
  });
});

describe('adam SIMD kernel', () => {
  it('equals the float64 update (L2 and decoupled weight decay), outputs in place or not', () => {
    const rnd = seededRandom(4);
    for (const decoupled of [false, true]) {
      for (const inPlace of [false, true]) {
        const heap = testHeap(4);
        const n = 4 * 37; // the kernel covers multiples of 4; the caller finishes the tail
        const w = randomArray(n, rnd);
        const g = randomArray(n, rnd);
        const m = randomArray(n, rnd);
        const v = Float32Array.from({ length: n }, () => rnd());
        const [pw, pg, pm, pv] = [w, g, m, v].map((x) => heap.alloc(x));
        const [pwo, pmo, pvo] = inPlace ? [pw, pm, pv] : [0, 0, 0].map(() => heap.alloc(n));
        const lr = 0.01;
        const b1 = 0.9;
        const b2 = 0.999;
        const eps = 1e-8;
        const step = 3;
        const wd = 0.05;
        const c1 = 1 / (1 - b1 ** step);
        const c2 = 1 / (1 - b2 ** step);
        const l2 = decoupled ? 0 : wd;
        const shrink = decoupled ? lr * wd : 0;
        simdKernelsFor(heap.memory).adam(n, pw, pg, pm, pv, pwo, pmo, pvo, l2, b1, b2, lr * c1, c2, eps, shrink);
        const f = heap.f32();
        for (let i = 0; i < n; i++) {
          const gi = g[i] + l2 * w[i];
          const mi = b1 * m[i] + (1 - b1) * gi;
          const vi = b2 * v[i] + (1 - b2) * gi * gi;
          const wi = w[i] - (lr * c1 * mi) / (Math.sqrt(c2 * vi) + eps) - shrink * w[i];
          const label = `decoupled=${decoupled} inPlace=${inPlace} i=${i}`;
          assert.ok(Math.abs(f[pmo / 4 + i] - mi) <= 1e-6 * (1 + Math.abs(mi)), `m ${label}`);
          assert.ok(Math.abs(f[pvo / 4 + i] - vi) <= 1e-6 * (1 + Math.abs(vi)), `v ${label}`);
          assert.ok(Math.abs(f[pwo / 4 + i] - wi) <= 1e-6 * (1 + Math.abs(wi)), `w ${label}`);
        }
      }
    }
  });
});
