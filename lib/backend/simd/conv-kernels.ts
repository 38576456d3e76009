/**
 * Direct 2-D convolution kernels (NHWC, f32x4), the convolution's forward pass and its two
 * gradients without an im2col matrix. They rely on one property of NHWC data: for a fixed filter
 * row kh, the input values under the taps (kw, c) of one output position are one contiguous run
 * of kW·C floats, in the same order as the filter's rows `[kh, kw, c, :]`. The input is first
 * copied with its padding (../conv), so no tap falls outside it.
 *
 * - `convForward`: Y[pos, o] = Σ_taps X[pos + tap] · W[tap, o] (+ bias, ReLU): register tiles of
 *   `CONV_FORWARD_TILE.mr` consecutive output positions × `nr` output channels; the filter is packed
 *   into `nr`-column panels (zero-padded), the input is read in place. Also the input gradient:
 *   the forward convolution of the padded output gradient with the rotated filter.
 * - `convFilterGrad`: dW[tap, o] += Σ_pos X[pos + tap] · dY[pos, o]: tiles of `mr` consecutive taps
 *   (consecutive floats of the input) × `nr` output channels, the sum over a block of output rows
 *   kept in registers and added to dW per block (blocks small enough that their input and output
 *   gradient stay in L1 while every tile of the filter passes over them).
 *
 * Both take a range of work (output rows; images) so that ./threads can split them.
 */
import { FunctionBuilder } from './wasm-module';
import type { Local } from './wasm-module';
import { microStep, storeTile, tileLocals, zeroTile } from './tile';
import type { TileShape } from './tile';

/** Register tile of the forward kernel: positions × (4 · nv) output channels. */
export const CONV_FORWARD_TILE = { mr: 2, nv: 4 } as const;
/**
 * Register tile of the filter-gradient kernel: taps × (4 · nv) output channels. 2 × 16 like the
 * forward tile: the earlier 6 × 8 kept 12 accumulators + 2 output-gradient vectors + 1 splat live,
 * 15 f32x4 values, all the vector registers V8 allocates on x64 (16, one its scratch), and ran at
 * 28–30 GFLOP/s a thread against 44–48 for 2 × 16 (13 live; AMD EPYC, layers of the reference and
 * book CNNs). Each dW element is summed over the same positions in the same order either way.
 */
export const CONV_FILTER_TILE = { mr: 2, nv: 4 } as const;

export interface ConvKernels {
  /**
   * Output rows [r0, r1) (row = n·outH + oy) of Y = conv(X, W): `xp` the padded input, `imgStepX`
   * bytes per padded image, `rowStepX` bytes between the inputs of consecutive output rows,
   * `khStep` bytes between filter rows in the input, `colStep` bytes between the inputs of
   * consecutive output positions, `runLen` = kW·C, `w` the packed filter (panels of nr columns,
   * `panelBytes` apart, each `[kH·runLen][nr]`), `bias` 0 or roundUp(outC, nr) readable floats,
   * `relu` 0/1, `tile` mr·nr floats of scratch.
   */
  convForward(xp: number, imgStepX: number, rowStepX: number, khStep: number, colStep: number, runLen: number, kH: number, w: number, panelBytes: number, y: number, outH: number, outW: number, outC: number, r0: number, r1: number, bias: number, relu: number, tile: number): void;
  /**
   * Images [n0, n1) of dW += Σ X[pos + tap] · dY[pos]: input as for convForward, `dy` rows of `ldy`
   * bytes (a whole nr-column panel readable from every row), `rowsPerBlock` output rows per block,
   * `dw` rows of `ldw` bytes (`kH·runLen` rows, outC columns).
   */
  convFilterGrad(xp: number, imgStepX: number, rowStepX: number, khStep: number, colStep: number, runLen: number, kH: number, dy: number, ldy: number, outC: number, outH: number, outW: number, rowsPerBlock: number, n0: number, n1: number, dw: number, ldw: number, tile: number): void;
  /** Images [n0, n1) of `src` (h rows of rowBytes) copied into padded `dst` (H rows of dstRowBytes) at row `top`, `leftBytes` in, zeros elsewhere. */
  padImages(src: number, dst: number, n0: number, n1: number, h: number, rowBytes: number, H: number, dstRowBytes: number, top: number, leftBytes: number): void;
}

interface StoreLocals {
  r: Local;
  q: Local;
  at: Local;
  sum: Local;
  validRows: Local;
  validCols: Local;
  pc: Local;
}

function storeLocals(f: FunctionBuilder): StoreLocals {
  return { r: f.local('i32'), q: f.local('i32'), at: f.local('i32'), sum: f.local('f32'), validRows: f.local('i32'), validCols: f.local('i32'), pc: f.local('i32') };
}

/** `while (i < end) body()` — the body advances `i` itself. */
function whileLess(f: FunctionBuilder, i: Local, end: Local, body: () => void): void {
  f.whileNot(() => f.get(i).get(end).i32GeS(), body);
}

/** A kernel with an 18-i32 signature built around one register tile: its builder and tile locals. */
function tileKernel(name: string, tile: { mr: number; nv: number }, fma: boolean) {
  const t: TileShape = { ...tile, fma };
  const f = new FunctionBuilder(name, Array<'i32'>(18).fill('i32'));
  return { f, t, nr: 4 * t.nv, x: f.local('v128'), bv: f.locals('v128', t.nv), acc: tileLocals(f, t), s: storeLocals(f) };
}

function convForwardFunction(fma: boolean): FunctionBuilder {
  const { f, t, nr, x, bv, acc, s } = tileKernel('convForward', CONV_FORWARD_TILE, fma);
  const [xp, imgStepX, rowStepX, khStep, colStep, runLen, kH, w, panelBytes, y, outH, outW, outC, r0, r1, bias, relu, tile] = f.params;
  const [row, n, xrow, yrow, ldy, j, wpanel, ox, a0, kb, kh, ka, k, pa, tileStep] = f.locals('i32', 15);
  const rowOff = f.locals('i32', t.mr);
  const zero = f.local('v128');

  for (let r = 1; r < t.mr; r++) f.get(colStep).i32Const(r).i32Mul().set(rowOff[r]);
  f.get(colStep).i32Const(t.mr).i32Mul().set(tileStep);
  f.get(outC).i32Const(4).i32Mul().set(ldy);
  f.f32Const(0).f32x4Splat().set(zero);
  f.get(r0).set(row);
  whileLess(f, row, r1, () => {
    f.get(row).get(outH).i32DivU().set(n);
    // xrow = xp + n·imgStepX + (row − n·outH)·rowStepX
    f.get(xp).get(n).get(imgStepX).i32Mul().i32Add().get(row).get(n).get(outH).i32Mul().i32Sub().get(rowStepX).i32Mul().i32Add().set(xrow);
    f.get(y).get(row).get(outW).i32Mul().get(ldy).i32Mul().i32Add().set(yrow);
    f.i32Const(0).set(j);
    f.get(w).set(wpanel);
    whileLess(f, j, outC, () => {
      f.i32Const(0).set(ox);
      f.get(xrow).set(a0);
      whileLess(f, ox, outW, () => {
        zeroTile(f, acc);
        f.get(wpanel).set(kb);
        f.get(a0).set(ka);
        f.get(kH).set(kh);
        f.loop(); // filter rows
        f.get(ka).set(pa);
        f.get(runLen).set(k);
        f.loop(); // the contiguous run of kW·C taps
        microStep(f, t, acc, bv, x, kb, (r) => {
          f.get(pa);
          if (r > 0) f.get(rowOff[r]).i32Add();
        });
        f.addTo(pa, 4);
        f.addTo(kb, nr * 4);
        f.get(k).i32Const(1).i32Sub().tee(k).brIf(0);
        f.end();
        f.addLocal(ka, khStep);
        f.get(kh).i32Const(1).i32Sub().tee(kh).brIf(0);
        f.end();
        // Epilogue: bias, ReLU.
        f.get(bias).if();
        for (let v = 0; v < t.nv; v++) {
          f.get(bias).get(j).i32Const(4).i32Mul().i32Add().v128Load(16 * v).set(x);
          for (let r = 0; r < t.mr; r++) f.get(acc[r * t.nv + v]).get(x).f32x4Add().set(acc[r * t.nv + v]);
        }
        f.end();
        f.get(relu).if();
        for (const a of acc) f.get(a).get(zero).f32x4Max().set(a);
        f.end();
        f.get(yrow).get(ox).get(ldy).i32Mul().i32Add().get(j).i32Const(4).i32Mul().i32Add().set(s.pc);
        f.get(outW).get(ox).i32Sub().set(s.validRows);
        f.get(outC).get(j).i32Sub().set(s.validCols);
        storeTile(f, t, { acc, out: s.pc, ld: ldy, validRows: s.validRows, validCols: s.validCols, accumulate: false, tile, r: s.r, q: s.q, at: s.at, sum: s.sum });
        f.addTo(ox, t.mr);
        f.addLocal(a0, tileStep);
      });
      f.addTo(j, nr);
      f.addLocal(wpanel, panelBytes);
    });
    f.addTo(row, 1);
  });
  return f;
}

function convFilterGradFunction(fma: boolean): FunctionBuilder {
  const { f, t, nr, x, bv, acc, s } = tileKernel('convFilterGrad', CONV_FILTER_TILE, fma);
  const [xp, imgStepX, rowStepX, khStep, colStep, runLen, kH, dy, ldy, outC, outH, outW, rowsPerBlock, n0, n1, dw, ldw, tile] = f.params;
  const [n, oyb, rows, xblock, dyblock, dyRow, j, kh, xkh, tt, xa, db, rr, pa, pb, ox] = f.locals('i32', 16);

  f.get(outW).get(ldy).i32Mul().set(dyRow);
  f.get(n0).set(n);
  whileLess(f, n, n1, () => {
    f.i32Const(0).set(oyb);
    whileLess(f, oyb, outH, () => {
      // rows = min(rowsPerBlock, outH − oyb)
      f.get(rowsPerBlock).get(outH).get(oyb).i32Sub().tee(rows).get(rowsPerBlock).get(rows).i32LtS().select().set(rows);
      f.get(xp).get(n).get(imgStepX).i32Mul().i32Add().get(oyb).get(rowStepX).i32Mul().i32Add().set(xblock);
      f.get(dy).get(n).get(outH).i32Mul().get(oyb).i32Add().get(dyRow).i32Mul().i32Add().set(dyblock);
      f.i32Const(0).set(j);
      whileLess(f, j, outC, () => {
        f.i32Const(0).set(kh);
        f.get(xblock).set(xkh);
        whileLess(f, kh, kH, () => {
          f.i32Const(0).set(tt);
          whileLess(f, tt, runLen, () => {
            zeroTile(f, acc);
            f.get(xkh).get(tt).i32Const(4).i32Mul().i32Add().set(xa);
            f.get(dyblock).get(j).i32Const(4).i32Mul().i32Add().set(db);
            f.get(rows).set(rr);
            f.loop(); // output rows of the block
            f.get(xa).set(pa);
            f.get(db).set(pb);
            f.get(outW).set(ox);
            f.loop(); // positions of the row
            microStep(f, t, acc, bv, x, pb, () => f.get(pa), (r) => 4 * r);
            f.addLocal(pa, colStep);
            f.addLocal(pb, ldy);
            f.get(ox).i32Const(1).i32Sub().tee(ox).brIf(0);
            f.end();
            f.addLocal(xa, rowStepX);
            f.addLocal(db, dyRow);
            f.get(rr).i32Const(1).i32Sub().tee(rr).brIf(0);
            f.end();
            f.get(dw).get(kh).get(runLen).i32Mul().get(tt).i32Add().get(ldw).i32Mul().i32Add().get(j).i32Const(4).i32Mul().i32Add().set(s.pc);
            f.get(runLen).get(tt).i32Sub().set(s.validRows);
            f.get(outC).get(j).i32Sub().set(s.validCols);
            storeTile(f, t, { acc, out: s.pc, ld: ldw, validRows: s.validRows, validCols: s.validCols, accumulate: true, tile, r: s.r, q: s.q, at: s.at, sum: s.sum });
            f.addTo(tt, t.mr);
          });
          f.addTo(kh, 1);
          f.addLocal(xkh, khStep);
        });
        f.addTo(j, nr);
      });
      f.addLocal(oyb, rowsPerBlock);
    });
    f.addTo(n, 1);
  });
  return f;
}

/** `dst[0..bytes) = 0` then `dst` advanced (bytes a multiple of 4). */
function zeroRun(f: FunctionBuilder, dst: Local, bytes: Local, zero: Local): void {
  f.block().loop();
  f.get(bytes).i32Const(16).i32LtS().brIf(1);
  f.get(dst).get(zero).v128Store();
  f.addTo(dst, 16);
  f.get(bytes).i32Const(16).i32Sub().set(bytes);
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(bytes).i32Const(0).i32LeS().brIf(1);
  f.get(dst).f32Const(0).f32Store();
  f.addTo(dst, 4);
  f.get(bytes).i32Const(4).i32Sub().set(bytes);
  f.br(0);
  f.end().end();
}

/** Copies `bytes` (a multiple of 4) from `src` to `dst`, both advanced. */
function copyRun(f: FunctionBuilder, dst: Local, src: Local, bytes: Local): void {
  f.block().loop();
  f.get(bytes).i32Const(16).i32LtS().brIf(1);
  f.get(dst).get(src).v128Load().v128Store();
  f.addTo(dst, 16);
  f.addTo(src, 16);
  f.get(bytes).i32Const(16).i32Sub().set(bytes);
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(bytes).i32Const(0).i32LeS().brIf(1);
  f.get(dst).get(src).f32Load().f32Store();
  f.addTo(dst, 4);
  f.addTo(src, 4);
  f.get(bytes).i32Const(4).i32Sub().set(bytes);
  f.br(0);
  f.end().end();
}

/**
 * `padImages(src, dst, n0, n1, h, rowBytes, H, dstRowBytes, top, leftBytes)`: images [n0, n1) of
 * NHWC `src` (h rows of `rowBytes`) into `dst` (H rows of `dstRowBytes`): source row y at row
 * top + y, `leftBytes` in; everything else zero; what falls outside `dst`'s rows is dropped.
 */
function padImagesFunction(): FunctionBuilder {
  const f = new FunctionBuilder('padImages', Array<'i32'>(10).fill('i32'));
  const [src, dst, n0, n1, h, rowBytes, H, dstRowBytes, top, leftBytes] = f.params;
  const n = f.local('i32');
  const row = f.local('i32');
  const y = f.local('i32');
  const d = f.local('i32');
  const s = f.local('i32');
  const len = f.local('i32');
  const copy = f.local('i32');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  // copy = min(rowBytes, dstRowBytes − leftBytes)
  f.get(rowBytes).get(dstRowBytes).get(leftBytes).i32Sub().tee(copy).get(rowBytes).get(copy).i32LtS().select().set(copy);
  f.get(n0).set(n);
  whileLess(f, n, n1, () => {
    f.get(dst).get(n).get(H).i32Mul().get(dstRowBytes).i32Mul().i32Add().set(d);
    f.i32Const(0).set(row);
    whileLess(f, row, H, () => {
      f.get(row).get(top).i32Sub().set(y);
      f.get(y).i32Const(0).i32LtS().get(y).get(h).i32GeS().i32Or().if();
      f.get(dstRowBytes).set(len);
      zeroRun(f, d, len, zero);
      f.else();
      f.get(leftBytes).set(len);
      zeroRun(f, d, len, zero);
      f.get(src).get(n).get(h).i32Mul().get(y).i32Add().get(rowBytes).i32Mul().i32Add().set(s);
      f.get(copy).set(len);
      copyRun(f, d, s, len);
      f.get(dstRowBytes).get(leftBytes).i32Sub().get(copy).i32Sub().set(len);
      zeroRun(f, d, len, zero);
      f.end();
      f.addTo(row, 1);
    });
    f.addTo(n, 1);
  });
  return f;
}

/** The convolution kernels' functions for the module (./kernels). */
export function convKernelFunctions(fma: boolean): FunctionBuilder[] {
  return [convForwardFunction(fma), convFilterGradFunction(fma), padImagesFunction()];
}
