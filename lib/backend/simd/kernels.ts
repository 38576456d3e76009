/**
 * SIMD kernels (wasm f32x4) that work in place on the tfjs wasm backend's heap, assembled by
 * ./wasm-module:
 *
 * - `packA`, `packB`, `macroKernel`: the pieces of a blocked matrix product (driven by ./gemm).
 *   Why not XNNPACK's product, which tfjs' BatchMatMul calls? XNNPACK re-packs the right operand
 *   whenever it is a new tensor (every training step, the weights are), which for a dense layer's
 *   4096×512 weight costs about two thirds of the product itself, and tfjs' wasm product with a
 *   transpose flag is a slow scalar path. Here packing is a plain panel copy that takes any
 *   strides (so transposes are free), and the micro-kernel keeps `GEMM_MR` × `GEMM_NR` results
 *   in 9 f32x4 accumulators (few enough that V8 keeps them all in registers).
 * - `adam`: one Adam/AdamW update, four lanes at a time (see ../fixes/fused-optimizer).
 * - Direct convolutions (./conv-kernels) and batch-norm, ReLU and pooling passes (./norm-kernels).
 *
 * All addresses and strides are in bytes; f32 data must be 4-byte aligned (the heap's always is).
 */
import { FunctionBuilder, assembleModule } from './wasm-module';
import type { Local } from './wasm-module';
import { wasmFmaAvailable } from './features';
import { microStep, storeTile, tileLocals, zeroTile } from './tile';
import type { TileShape } from './tile';
import { webAssemblyApi, isSharedMemory } from './wasm-api';
import type { WasmMemoryLike, WasmModuleLike } from './wasm-api';
import { convKernelFunctions } from './conv-kernels';
import type { ConvKernels } from './conv-kernels';
import { normKernelFunctions } from './norm-kernels';
import type { NormKernels } from './norm-kernels';

/**
 * Rows per register block of the micro-kernel. 3 × 12 (9 f32x4 accumulators, 3 vectors of B and
 * one splat of A: 13 live vectors) ran the micro-kernel at ≈54 GFLOP/s on one thread of this
 * project's AMD EPYC host, 4 × 8 and 2 × 16 (8 accumulators) at ≈50; shapes that need 16 or more
 * live vectors (4 × 12, 6 × 8), and, oddly, 5 × 8, spill in V8 and fall to 22–27. The tile's shape
 * does not change any result: each element of C is summed over k in the same order whatever it is.
 */
export const GEMM_MR = 3;
/** f32x4 vectors per register-block row. */
const GEMM_NV = 3;
/** Columns per register block. */
export const GEMM_NR = 4 * GEMM_NV;

/** Emits a copy of `count` floats from `src` to `dst` (byte addresses on the stack's locals), widest moves first. */
function copyFloats(f: FunctionBuilder, dst: Local, src: Local, count: number): void {
  let at = 0;
  for (; count - at >= 4; at += 4) f.get(dst).get(src).v128Load(4 * at).v128Store(4 * at);
  for (; count - at >= 2; at += 2) f.get(dst).get(src).i64Load(4 * at).i64Store(4 * at);
  for (; count - at >= 1; at += 1) f.get(dst).get(src).f32Load(4 * at).f32Store(4 * at);
}

/**
 * Emits the element-wise copy of one panel for packA/packB: for p < depth, for lane < width,
 * `*dst++ = first + lane < limit ? base[(first + lane)·laneStride + p·depthStride] : 0`.
 * (A panel's lanes are rows of A; B's are columns of B.)
 */
function partialPanel(
  f: FunctionBuilder,
  o: { base: Local; first: Local; limit: Local; width: number; laneStride: Local; depthStride: Local; depth: Local; dst: Local; p: Local; lane: Local; src: Local },
): void {
  f.forUp(o.p, o.depth, () => {
    f.forUp(o.lane, o.width, () => {
      f.get(o.first).get(o.lane).i32Add().get(o.limit).i32LtS().if();
      f.get(o.base).get(o.first).get(o.lane).i32Add().get(o.laneStride).i32Mul().i32Add().get(o.p).get(o.depthStride).i32Mul().i32Add().set(o.src);
      f.get(o.dst).get(o.src).f32Load(0).f32Store(0);
      f.else();
      f.get(o.dst).f32Const(0).f32Store(0);
      f.end();
      f.addTo(o.dst, 4);
    });
  });
}

/**
 * Emits the copy of one full panel (every lane valid) with any strides: one pointer per lane
 * (`lanes.length` of them), unrolled, so each element costs a load, a store and a pointer step.
 * Writes `depth · lanes.length` floats from `dst` on and leaves `dst` after them; clobbers `p`.
 */
function fullPanel(f: FunctionBuilder, o: { base: Local; first: Local; laneStride: Local; depthStride: Local; depth: Local; dst: Local; p: Local; lanes: Local[] }): void {
  const { lanes } = o;
  f.get(o.base).get(o.first).get(o.laneStride).i32Mul().i32Add().set(lanes[0]);
  for (let q = 1; q < lanes.length; q++) f.get(lanes[q - 1]).get(o.laneStride).i32Add().set(lanes[q]);
  f.get(o.depth).set(o.p);
  f.loop();
  for (let q = 0; q < lanes.length; q++) {
    f.get(o.dst).get(lanes[q]).f32Load(0).f32Store(4 * q);
    f.addLocal(lanes[q], o.depthStride);
  }
  f.addTo(o.dst, 4 * lanes.length);
  f.get(o.p).i32Const(1).i32Sub().tee(o.p).brIf(0);
  f.end();
}

/**
 * `packA(mc, kc, a, rsA, csA, dst)`: copies the mc × kc block of A (element (i, p) at
 * a + i·rsA + p·csA) into row panels of `GEMM_MR` rows, each laid out p-major
 * (`dst[panel][p][r]`), zero-padding the last panel. Any strides, so Aᵀ packs as cheaply as A.
 */
function packAFunction(): FunctionBuilder {
  const f = new FunctionBuilder('packA', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [mc, kc, a, rsA, csA, dst] = f.params;
  const i = f.local('i32');
  const p = f.local('i32');
  const r = f.local('i32');
  const rows = f.locals('i32', GEMM_MR);
  const src = f.local('i32');
  const full = f.local('i32');
  const d = f.local('i32');
  const panelBytes = f.local('i32');
  f.i32Const(0).set(i);
  // Transposed A (rows contiguous: rsA = 4): a panel's GEMM_MR values at one p are adjacent in
  // the source, so full panels are packed p-outer with block copies, reading the source row by
  // row (column-wise reads with a power-of-two stride thrash the L1 cache).
  f.get(rsA).i32Const(4).i32Eq().if();
  {
    // full = mc − mc mod GEMM_MR
    f.get(mc).i32Const(GEMM_MR).i32DivU().i32Const(GEMM_MR).i32Mul().set(full);
    f.get(kc).i32Const(4 * GEMM_MR).i32Mul().set(panelBytes);
    f.forUp(p, kc, () => {
      f.get(a).get(p).get(csA).i32Mul().i32Add().set(src);
      f.get(dst).get(p).i32Const(4 * GEMM_MR).i32Mul().i32Add().set(d);
      f.forUp(
        r,
        full,
        () => {
          copyFloats(f, d, src, GEMM_MR);
          f.addTo(src, 4 * GEMM_MR);
          f.addLocal(d, panelBytes);
        },
        GEMM_MR,
      );
    });
    f.get(full).set(i);
    f.get(dst).get(full).get(kc).i32Mul().i32Const(4).i32Mul().i32Add().set(dst);
  }
  f.end();
  f.block().loop();
  f.get(i).get(mc).i32GeS().brIf(1);
  f.get(mc).get(i).i32Sub().i32Const(GEMM_MR).i32GeS().if();
  fullPanel(f, { base: a, first: i, laneStride: rsA, depthStride: csA, depth: kc, dst, p, lanes: rows });
  f.else();
  // The last, partial panel: rows past mc are zeros.
  partialPanel(f, { base: a, first: i, limit: mc, width: GEMM_MR, laneStride: rsA, depthStride: csA, depth: kc, dst, p, lane: r, src });
  f.end();
  f.addTo(i, GEMM_MR);
  f.br(0);
  f.end().end();
  return f;
}

/**
 * `packB(kc, N, b, rsB, csB, dst)`: copies the kc × N block of B (element (p, j) at
 * b + p·rsB + j·csB) into column panels of `GEMM_NR` columns, each p-major (`dst[panel][p][c]`),
 * zero-padding the last panel. Row-major B (csB = 4) copies `GEMM_NV` vectors per row; other
 * strides (Bᵀ, a layer's weight in the input gradient) go through one pointer per column.
 */
function packBFunction(): FunctionBuilder {
  const f = new FunctionBuilder('packB', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [kc, N, b, rsB, csB, dst] = f.params;
  const j = f.local('i32');
  const p = f.local('i32');
  const q = f.local('i32');
  const src = f.local('i32');
  const columns = f.locals('i32', GEMM_NR);
  f.i32Const(0).set(j);
  f.block().loop();
  f.get(j).get(N).i32GeS().brIf(1);
  f.get(N).get(j).i32Sub().i32Const(GEMM_NR).i32GeS().if();
  {
    f.get(csB).i32Const(4).i32Eq().if();
    f.get(b).get(j).i32Const(4).i32Mul().i32Add().set(src);
    f.get(kc).set(p);
    f.loop();
    for (let v = 0; v < GEMM_NV; v++) f.get(dst).get(src).v128Load(16 * v).v128Store(16 * v);
    f.addLocal(src, rsB);
    f.addTo(dst, 4 * GEMM_NR);
    f.get(p).i32Const(1).i32Sub().tee(p).brIf(0);
    f.end();
    f.else();
    fullPanel(f, { base: b, first: j, laneStride: csB, depthStride: rsB, depth: kc, dst, p, lanes: columns });
    f.end();
  }
  f.else();
  {
    // The last, partial panel, one element at a time; columns past N are zeros.
    partialPanel(f, { base: b, first: j, limit: N, width: GEMM_NR, laneStride: csB, depthStride: rsB, depth: kc, dst, p, lane: q, src });
  }
  f.end();
  f.addTo(j, GEMM_NR);
  f.br(0);
  f.end().end();
  return f;
}

/**
 * `macroKernel(mc, N, kc, pa, pb, c, ldc, accumulate, tile)`: C[mc × N] = (or +=) the product of
 * a packed A block and a packed B block. Register blocks of `GEMM_MR` × `GEMM_NR` (9 f32x4
 * accumulators), B panels outermost so a panel (kc · 48 bytes) stays in L1 while the A block
 * streams from L2. Edge blocks go through `tile` (GEMM_MR·GEMM_NR floats of scratch) and only
 * their valid part is written. Multiply-adds are fused where the engine has FMA (./features).
 */
function macroKernelFunction(fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder('macroKernel', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [mc, N, kc, pa, pb, c, ldc, accumulate, tile] = f.params;
  const shape: TileShape = { mr: GEMM_MR, nv: GEMM_NV, fma };
  const j = f.local('i32');
  const i = f.local('i32');
  const k = f.local('i32');
  const panelB = f.local('i32');
  const panelA = f.local('i32');
  const ka = f.local('i32');
  const kb = f.local('i32');
  const pc = f.local('i32');
  const validRows = f.local('i32');
  const validCols = f.local('i32');
  const r = f.local('i32');
  const q = f.local('i32');
  const sum = f.local('f32');
  const bv = Array.from({ length: GEMM_NV }, () => f.local('v128'));
  const x = f.local('v128');
  const acc = tileLocals(f, shape);
  const strideA = GEMM_MR * 4;
  const strideB = GEMM_NR * 4;

  f.i32Const(0).set(j);
  f.get(pb).set(panelB);
  f.block().loop(); // panels of B
  f.get(j).get(N).i32GeS().brIf(1);
  f.i32Const(0).set(i);
  f.get(pa).set(panelA);
  f.block().loop(); // panels of A
  f.get(i).get(mc).i32GeS().brIf(1);
  // The micro-kernel.
  zeroTile(f, acc);
  f.get(panelA).set(ka);
  f.get(panelB).set(kb);
  f.get(kc).set(k);
  f.loop();
  microStep(f, shape, acc, bv, x, kb, () => f.get(ka), (row) => 4 * row);
  f.addTo(ka, strideA);
  f.addTo(kb, strideB);
  f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
  f.end();
  // Store.
  f.get(c).get(i).get(ldc).i32Mul().i32Add().get(j).i32Const(4).i32Mul().i32Add().set(pc);
  f.get(mc).get(i).i32Sub().set(validRows);
  f.get(N).get(j).i32Sub().set(validCols);
  storeTile(f, shape, { acc, out: pc, ld: ldc, validRows, validCols, accumulate, tile, r, q, at: kb, sum });
  f.addTo(i, GEMM_MR);
  f.get(panelA).get(kc).i32Const(strideA).i32Mul().i32Add().set(panelA);
  f.br(0);
  f.end().end();
  f.addTo(j, GEMM_NR);
  f.get(panelB).get(kc).i32Const(strideB).i32Mul().i32Add().set(panelB);
  f.br(0);
  f.end().end();
  return f;
}

/**
 * `adam(n, w, g, m, v, wOut, mOut, vOut, l2, beta1, beta2, lrC1, c2, epsilon, shrink)` over the
 * first n − n mod 4 elements (the caller finishes the tail):
 * g ← g + l2·w; m' = β1 m + (1−β1) g; v' = β2 v + (1−β2) g²;
 * w' = w − lrC1·m' / (√(c2·v') + ε) − shrink·w. Outputs may alias inputs.
 */
function adamFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32']);
  const [n, w, g, m, v, wo, mo, vo, ...scalars] = f.params;
  const [l2, b1, b2, lrC1, c2, eps, shrink] = scalars.map((s) => {
    const vec = f.local('v128');
    f.get(s).f32x4Splat().set(vec);
    return vec;
  });
  const ob1 = f.local('v128');
  const ob2 = f.local('v128');
  f.f32Const(1).f32x4Splat().get(b1).f32x4Sub().set(ob1);
  f.f32Const(1).f32x4Splat().get(b2).f32x4Sub().set(ob2);
  const offset = f.local('i32');
  const end = f.local('i32');
  const wi = f.local('v128');
  const gi = f.local('v128');
  const mi = f.local('v128');
  const vi = f.local('v128');
  f.get(n).i32Const(4).i32Mul().i32Const(-16).i32And().set(end);
  f.i32Const(0).set(offset);
  const at = (base: Local) => f.get(base).get(offset).i32Add();
  f.block().loop();
  f.get(offset).get(end).i32GeS().brIf(1);
  at(w).v128Load().set(wi);
  at(g).v128Load().get(l2).get(wi).f32x4Mul().f32x4Add().set(gi);
  at(m).v128Load().get(b1).f32x4Mul().get(ob1).get(gi).f32x4Mul().f32x4Add().set(mi);
  at(v).v128Load().get(b2).f32x4Mul().get(ob2).get(gi).get(gi).f32x4Mul().f32x4Mul().f32x4Add().set(vi);
  at(mo).get(mi).v128Store();
  at(vo).get(vi).v128Store();
  at(wo);
  f.get(wi);
  f.get(lrC1).get(mi).f32x4Mul();
  f.get(c2).get(vi).f32x4Mul().f32x4Sqrt().get(eps).f32x4Add();
  f.f32x4Div().f32x4Sub();
  f.get(shrink).get(wi).f32x4Mul().f32x4Sub();
  f.v128Store();
  f.addTo(offset, 16);
  f.br(0);
  f.end().end();
  return f;
}

/** Rows of an A block (mc × kc floats ≈ 512 KB, an L2-sized block); a multiple of GEMM_MR. */
export const GEMM_MC = 255;

/** Positions of the product's functions in the module (for `call`). */
const PACK_A = 0;
const PACK_B = 1;
const MACRO_KERNEL = 2;

/**
 * `gemmRows(i0, i1, kc, nc, a, rsA, csA, pb, pa, c, ldc, accumulate, tile)`: rows [i0, i1) of one
 * (kc-deep, nc-wide) block of the product, B's block already packed at `pb`: for each mc-row slice,
 * pack A into `pa` and run the macro-kernel. `a` and `c` point at row 0 of the block. One thread's
 * share of a product (./gemm): threads take disjoint row ranges, each with its own `pa` and `tile`.
 */
function gemmRowsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gemmRows', Array<'i32'>(13).fill('i32'));
  const [i0, i1, kc, nc, a, rsA, csA, pb, pa, c, ldc, accumulate, tile] = f.params;
  const i = f.local('i32');
  const mm = f.local('i32');
  forSlices(f, { from: i0, to: i1, i, mm }, () => {
    f.get(mm).get(kc).get(a).get(i).get(rsA).i32Mul().i32Add().get(rsA).get(csA).get(pa).call(PACK_A);
    f.get(mm).get(nc).get(kc).get(pa).get(pb).get(c).get(i).get(ldc).i32Mul().i32Add().get(ldc).get(accumulate).get(tile).call(MACRO_KERNEL);
  });
  return f;
}

/** Emits `out = min(cap, end − pos)` (the size of the next slice or block). */
function remaining(f: FunctionBuilder, cap: Local | number, end: Local, pos: Local, out: Local): void {
  const pushCap = () => (typeof cap === 'number' ? f.i32Const(cap) : f.get(cap));
  pushCap();
  f.get(end).get(pos).i32Sub().tee(out);
  pushCap();
  f.get(out).i32LtS().select().set(out);
}

/** Emits `base + 4·(k0·pad + pos·kk)`: a packed panel of one kc-deep block of several (see gemmRowsDeep). */
function packedAt(f: FunctionBuilder, base: Local, k0: Local, pad: Local, pos: Local, kk: Local): void {
  f.get(base).get(k0).get(pad).i32Mul().get(pos).get(kk).i32Mul().i32Add().i32Const(4).i32Mul().i32Add();
}

/** Emits `c + i·ldc + 4·j`: element (i, j) of C. */
function cAt(f: FunctionBuilder, c: Local, i: Local, ldc: Local, j: Local): void {
  f.get(c).get(i).get(ldc).i32Mul().i32Add().get(j).i32Const(4).i32Mul().i32Add();
}

/**
 * Emits the loop over the kc-deep blocks of a K-deep product, in order: `body` sees the block's
 * start `k0`, its depth `kk` and `first`, the accumulate flag of its macro-kernel calls
 * (`accumulate` for the first block, 1 after).
 */
function forBlocks(f: FunctionBuilder, o: { K: Local; kc: Local; accumulate: Local; k0: Local; kk: Local; first: Local }, body: () => void): void {
  f.i32Const(0).set(o.k0);
  f.get(o.accumulate).set(o.first);
  f.whileNot(
    () => f.get(o.k0).get(o.K).i32GeS(),
    () => {
      remaining(f, o.kc, o.K, o.k0, o.kk);
      body();
      f.i32Const(1).set(o.first);
      f.addLocal(o.k0, o.kc);
    },
  );
}

/** Emits the loop over mc-row slices of rows [from, to): `body` sees the slice's first row `i` and its height `mm`. */
function forSlices(f: FunctionBuilder, o: { from: Local | null; to: Local; i: Local; mm: Local }, body: () => void): void {
  if (o.from) f.get(o.from).set(o.i);
  else f.i32Const(0).set(o.i);
  f.whileNot(
    () => f.get(o.i).get(o.to).i32GeS(),
    () => {
      remaining(f, GEMM_MC, o.to, o.i, o.mm);
      body();
      f.addTo(o.i, GEMM_MC);
    },
  );
}

/**
 * `gemmRowsDeep(i0, i1, j0, nj, K, kc, nPad, a, rsA, csA, pb, pa, c, ldc, accumulate, tile)`: rows
 * [i0, i1) and columns [j0, j0 + nj) of a K-deep product whose B is packed for all of its depth
 * at `pb`: one `kc`-deep block after another (the last may be shallower), each block's panels
 * for `nPad` columns (a multiple of GEMM_NR; j0 one too). For each mc-row slice, for each block
 * in order: pack A into `pa` and run the macro-kernel, the first block writing C (or adding to
 * it when `accumulate`), later ones adding. Every element of C is summed in the same order as
 * by `gemmRows` over the blocks one at a time, so the results are equal; a thread's share of a
 * product then needs no barrier between the blocks (./gemm).
 */
function gemmRowsDeepFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gemmRowsDeep', Array<'i32'>(16).fill('i32'));
  const [i0, i1, j0, nj, K, kc, nPad, a, rsA, csA, pb, pa, c, ldc, accumulate, tile] = f.params;
  const [i, mm, k0, kk, first] = [0, 1, 2, 3, 4].map(() => f.local('i32'));
  forSlices(f, { from: i0, to: i1, i, mm }, () =>
    forBlocks(f, { K, kc, accumulate, k0, kk, first }, () => {
      f.get(mm).get(kk).get(a).get(i).get(rsA).i32Mul().i32Add().get(k0).get(csA).i32Mul().i32Add().get(rsA).get(csA).get(pa).call(PACK_A);
      f.get(mm).get(nj).get(kk).get(pa);
      packedAt(f, pb, k0, nPad, j0, kk);
      cAt(f, c, i, ldc, j0);
      f.get(ldc).get(first).get(tile).call(MACRO_KERNEL);
    }),
  );
  return f;
}

/**
 * `gemmColsDeep(j0, nj, M, mPad, K, kc, pa, b, rsB, csB, pb, c, ldc, accumulate, tile)`: columns
 * [j0, j0 + nj) of a K-deep product whose A is packed for all of its rows and depth at `pa`: one
 * `kc`-deep block after another (the last may be shallower), each block's row panels for `mPad`
 * rows (M rounded up to GEMM_MR). For each block in order: pack this job's columns of B into `pb`
 * (scratch of its own), then for each mc-row slice run the macro-kernel, the first block writing C
 * (or adding when `accumulate`), later ones adding. The same sums in the same order as `gemmRows`
 * over the blocks one at a time; used when B is the larger operand (a dense layer's forward
 * product: few rows, a large weight), so each thread streams its own part of B once and A is
 * packed once for all of them (./gemm).
 */
function gemmColsDeepFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gemmColsDeep', Array<'i32'>(15).fill('i32'));
  const [j0, nj, M, mPad, K, kc, pa, b, rsB, csB, pb, c, ldc, accumulate, tile] = f.params;
  const [i, mm, k0, kk, first] = [0, 1, 2, 3, 4].map(() => f.local('i32'));
  forBlocks(f, { K, kc, accumulate, k0, kk, first }, () => {
    f.get(kk).get(nj).get(b).get(k0).get(rsB).i32Mul().i32Add().get(j0).get(csB).i32Mul().i32Add().get(rsB).get(csB).get(pb).call(PACK_B);
    forSlices(f, { from: null, to: M, i, mm }, () => {
      f.get(mm).get(nj).get(kk);
      packedAt(f, pa, k0, mPad, i, kk);
      f.get(pb);
      cAt(f, c, i, ldc, j0);
      f.get(ldc).get(first).get(tile).call(MACRO_KERNEL);
    });
  });
  return f;
}

/** The kernels' exports (all addresses and strides in bytes). */
export interface SimdKernels extends ConvKernels, NormKernels {
  packA(mc: number, kc: number, a: number, rsA: number, csA: number, dst: number): void;
  packB(kc: number, N: number, b: number, rsB: number, csB: number, dst: number): void;
  macroKernel(mc: number, N: number, kc: number, pa: number, pb: number, c: number, ldc: number, accumulate: number, tile: number): void;
  adam(n: number, w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, l2: number, beta1: number, beta2: number, lrC1: number, c2: number, epsilon: number, shrink: number): void;
  gemmRows(i0: number, i1: number, kc: number, nc: number, a: number, rsA: number, csA: number, pb: number, pa: number, c: number, ldc: number, accumulate: number, tile: number): void;
  gemmColsDeep(j0: number, nj: number, M: number, mPad: number, K: number, kc: number, pa: number, b: number, rsB: number, csB: number, pb: number, c: number, ldc: number, accumulate: number, tile: number): void;
  gemmRowsDeep(i0: number, i1: number, j0: number, nj: number, K: number, kc: number, nPad: number, a: number, rsA: number, csA: number, pb: number, pa: number, c: number, ldc: number, accumulate: number, tile: number): void;
}

/**
 * The module's bytes (exposed for tests and for inspection with external tools). `shared`: the
 * memory import is declared shared (for a backend heap that several threads use, ./threads).
 */
export function simdKernelModuleBytes(options: { shared?: boolean } = {}): Uint8Array {
  const fma = wasmFmaAvailable();
  // packA, packB, macroKernel first: gemmRows calls them by position.
  return assembleModule([packAFunction(), packBFunction(), macroKernelFunction(fma), adamFunction(), gemmRowsFunction(), gemmRowsDeepFunction(), gemmColsDeepFunction(), ...convKernelFunctions(fma), ...normKernelFunctions(fma)], options);
}

export type { WasmMemoryLike } from './wasm-api';
export { webAssemblyApi, isWasmMemory } from './wasm-api';

const instances = new WeakMap<WasmMemoryLike, { kernels: SimdKernels; module: WasmModuleLike }>();

function instantiate(memory: WasmMemoryLike): { kernels: SimdKernels; module: WasmModuleLike } {
  let entry = instances.get(memory);
  if (!entry) {
    const api = webAssemblyApi();
    if (!api) throw new Error('simd kernels: this engine has no WebAssembly');
    const module = new api.Module(simdKernelModuleBytes({ shared: isSharedMemory(memory) }));
    const instance = new api.Instance(module, { env: { memory } });
    entry = { kernels: instance.exports as SimdKernels, module };
    instances.set(memory, entry);
  }
  return entry;
}

/**
 * Instantiates the kernels on `memory` (synchronously; once per memory; a shared memory gets a
 * module whose import is declared shared). Throws where the engine lacks wasm SIMD, which callers
 * treat as "use the backend's own kernels".
 */
export function simdKernelsFor(memory: WasmMemoryLike): SimdKernels {
  return instantiate(memory).kernels;
}

/** The compiled module instantiated on `memory` (worker threads instantiate it on the same memory). */
export function simdKernelModuleFor(memory: WasmMemoryLike): WasmModuleLike {
  return instantiate(memory).module;
}
