/**
 * Register-tile helpers shared by the kernels' micro-kernels (matrix product, direct convolution):
 * an MR × NR block of results lives in MR · NV f32x4 locals (NR = 4 · NV columns), updated by one
 * multiply-add per vector and k, then stored to a row-major output, whole or, at the edges,
 * through a scratch tile of which only the valid rows and columns are written.
 */
import type { FunctionBuilder, Local } from './wasm-module';

/** Shape of a register tile and whether multiply-adds are fused. */
export interface TileShape {
  mr: number;
  nv: number;
  fma: boolean;
}

/** `acc += x · b` (fused when `fma`). */
export function maddInto(f: FunctionBuilder, acc: Local, x: Local, b: Local, fma: boolean): void {
  if (fma) f.get(x).get(b).get(acc).f32x4RelaxedMadd().set(acc);
  else f.get(acc).get(x).get(b).f32x4Mul().f32x4Add().set(acc);
}

/** Declares the tile's accumulators (row-major: `acc[r · nv + v]`). */
export function tileLocals(f: FunctionBuilder, t: TileShape): Local[] {
  return Array.from({ length: t.mr * t.nv }, () => f.local('v128'));
}

export function zeroTile(f: FunctionBuilder, acc: Local[]): void {
  for (const a of acc) f.f32Const(0).f32x4Splat().set(a);
}

/**
 * One k of the micro-kernel: the row of B (nv vectors at `b`), then for each tile row r the
 * splat of A's element (`pushA(r)` pushes its address, read at byte `offsetA(r)`) times that row.
 */
export function microStep(f: FunctionBuilder, t: TileShape, acc: Local[], bv: Local[], x: Local, b: Local, pushA: (r: number) => void, offsetA: (r: number) => number = () => 0): void {
  for (let v = 0; v < t.nv; v++) f.get(b).v128Load(16 * v).set(bv[v]);
  for (let r = 0; r < t.mr; r++) {
    pushA(r);
    f.v128Load32Splat(offsetA(r)).set(x);
    for (let v = 0; v < t.nv; v++) maddInto(f, acc[r * t.nv + v], x, bv[v], t.fma);
  }
}

/**
 * Stores the tile at `out` (row stride `ld` bytes): `C = acc`, or `C += acc` where `accumulate`
 * (a constant or an i32 local, non-zero = accumulate). Only `validRows` × `validCols` elements are
 * written; a partial tile goes through `tile` (mr · nr floats of scratch). Clobbers `out`.
 */
export function storeTile(
  f: FunctionBuilder,
  t: TileShape,
  o: { acc: Local[]; out: Local; ld: Local; validRows: Local; validCols: Local; accumulate: boolean | Local; tile: Local; r: Local; q: Local; at: Local; sum: Local },
): void {
  const { mr, nv } = t;
  const nr = 4 * nv;
  const rows = (add: boolean) => {
    for (let row = 0; row < mr; row++) {
      for (let v = 0; v < nv; v++) {
        f.get(o.out).get(o.acc[row * nv + v]);
        if (add) f.get(o.out).v128Load(16 * v).f32x4Add();
        f.v128Store(16 * v);
      }
      if (row + 1 < mr) f.addLocal(o.out, o.ld);
    }
  };
  const accumulateIf = (then: () => void, otherwise: () => void) => {
    if (typeof o.accumulate === 'boolean') (o.accumulate ? then : otherwise)();
    else {
      f.get(o.accumulate).if();
      then();
      f.else();
      otherwise();
      f.end();
    }
  };
  f.get(o.validRows).i32Const(mr).i32GeS().get(o.validCols).i32Const(nr).i32GeS().i32And().if();
  accumulateIf(
    () => rows(true),
    () => rows(false),
  );
  f.else();
  for (let row = 0; row < mr; row++) for (let v = 0; v < nv; v++) f.get(o.tile).get(o.acc[row * nv + v]).v128Store(16 * (row * nv + v));
  // r < validRows && r < mr, q < validCols && q < nr
  const below = (i: Local, valid: Local, max: number) => () => f.get(i).get(valid).i32GeS().get(i).i32Const(max).i32GeS().i32Or();
  f.i32Const(0).set(o.r);
  f.whileNot(below(o.r, o.validRows, mr), () => {
    f.i32Const(0).set(o.q);
    f.whileNot(below(o.q, o.validCols, nr), () => {
      // sum = tile[r][q] (+ C[r][q])
      f.get(o.tile).get(o.r).i32Const(nr).i32Mul().get(o.q).i32Add().i32Const(4).i32Mul().i32Add().f32Load(0).set(o.sum);
      f.get(o.out).get(o.r).get(o.ld).i32Mul().i32Add().get(o.q).i32Const(4).i32Mul().i32Add().set(o.at);
      accumulateIf(
        () => f.get(o.sum).get(o.at).f32Load(0).f32Add().set(o.sum),
        () => undefined,
      );
      f.get(o.at).get(o.sum).f32Store(0);
      f.addTo(o.q, 1);
    });
    f.addTo(o.r, 1);
  });
  f.end();
}
