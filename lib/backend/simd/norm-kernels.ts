/**
 * Memory-bound passes of a conv net's training step (f32x4): batch-norm statistics and their
 * application, the batch-norm gradient, ReLU and its gradient, 2×2 max pooling and its gradient,
 * the mean over a middle axis (global average pooling).
 *
 * Per-channel passes over NHWC data with any channel count C use a *period* of 4·C floats: four
 * positions hold 4·C values, a whole number of f32x4 vectors, and the vector at offset g of every
 * period always meets the same four channels. Per-channel parameters are therefore expanded to
 * one period (./batch-norm driver) and every pass is vectorised without a channel tail; only
 * the last P mod 4 positions are left to the caller.
 *
 * Sums: each vector lane accumulates in f32 over at most `SUM_BLOCK` periods, then the block's sums
 * are added to float64 totals; the driver folds lanes into channels and blocks in a fixed order,
 * so statistics do not depend on how the work was split between threads.
 */
import { FunctionBuilder } from './wasm-module';
import type { Local } from './wasm-module';
import { maddInto } from './tile';

/** Periods (4 positions each) summed in f32 before the float64 fold. */
export const SUM_BLOCK = 128;

export interface NormKernels {
  /**
   * Over `chunks` periods of `period` floats from `a`: u = a − shift, v = u (forward) or b
   * (`bnSumsGrad`); out[i] += Σ v, out[period + i] += Σ v·u (float64, `2·period` values).
   * `acc` is 2·period floats of scratch.
   */
  bnSums(a: number, b: number, chunks: number, period: number, shift: number, acc: number, out: number): void;
  bnSumsGrad(a: number, b: number, chunks: number, period: number, shift: number, acc: number, out: number): void;
  /** `bnSums` without a shift and only out[i] += Σ a (the same additions, half the memory traffic): a bias's gradient. */
  channelTotals(a: number, b: number, chunks: number, period: number, shift: number, acc: number, out: number): void;
  /** `bnSumsGrad` with v = (y > 0 ? b : 0): the gradient through a ReLU fused after batch norm (y its output). */
  bnSumsGradMasked(a: number, b: number, y: number, chunks: number, period: number, shift: number, acc: number, out: number): void;
  /** y = x·scale + offset over `chunks` periods (parameters one period long). */
  bnAffine(x: number, y: number, chunks: number, period: number, scale: number, offset: number): void;
  /** y = max(x·scale + offset, 0): batch norm with a fused ReLU. */
  bnAffineRelu(x: number, y: number, chunks: number, period: number, scale: number, offset: number): void;
  /** dx = k1·dy + k2·(x − mean) + k3 over `chunks` periods. */
  bnBackward(x: number, dy: number, dx: number, chunks: number, period: number, k1: number, k2: number, k3: number, mean: number): void;
  /** `bnBackward` with dy replaced by (y > 0 ? dy : 0), y the output of `bnAffineRelu`. */
  bnBackwardMasked(x: number, dy: number, y: number, dx: number, chunks: number, period: number, k1: number, k2: number, k3: number, mean: number): void;
  /** y = max(x, 0) over n floats (n a multiple of 4). */
  relu(x: number, y: number, n: number): void;
  /** dx = x > 0 ? dy : 0 over n floats (n a multiple of 4). */
  reluGrad(x: number, dy: number, dx: number, n: number): void;
  /**
   * 2×2 max pooling, stride 2, NHWC with C a multiple of 4, input exactly twice the output: output
   * rows [r0, r1) (row = n·outH + oy), `inRow` bytes per input row.
   */
  maxPool2(x: number, y: number, r0: number, r1: number, outW: number, channels: number, inRow: number): void;
  /** Its gradient: dy to the first maximum of each window (row-major order), 0 elsewhere. */
  maxPool2Grad(x: number, dy: number, dx: number, r0: number, r1: number, outW: number, channels: number, inRow: number): void;
  /**
   * Mean over the middle axis of `[outer, reduced, inner]` for outer rows [o0, o1): out[o, i] =
   * (Σ_r x[o, r, i]) / n, summed in f32 in order of r, `rowBytes` = 4·inner a multiple of 16,
   * `divisor` the address of n as a float32.
   */
  meanMiddle(x: number, out: number, o0: number, o1: number, reduced: number, rowBytes: number, divisor: number): void;
}

/** `for (off = 0; off < end; off += 16) body()` over byte offsets. */
function vectors(f: FunctionBuilder, off: Local, end: Local, body: () => void): void {
  f.forUp(off, end, body, 16);
}

/**
 * Over `chunks` periods of `period` floats: `body(g)` for every vector offset g (bytes) within the
 * period, then every pointer of `streams` advances by one period.
 */
function periodicPass(f: FunctionBuilder, chunks: Local, period: Local, streams: Local[], body: (g: Local) => void): void {
  const bytes = f.local('i32');
  const c = f.local('i32');
  const g = f.local('i32');
  f.get(period).i32Const(4).i32Mul().set(bytes);
  f.get(chunks).set(c);
  f.whileNot(
    () => f.get(c).i32Const(0).i32LeS(),
    () => {
      vectors(f, g, bytes, () => body(g));
      for (const p of streams) f.addLocal(p, bytes);
      f.get(c).i32Const(1).i32Sub().set(c);
    },
  );
}

/** Masks `v` in place: v = m > 0 ? v : 0 (lanes), m the vector at `base + g`. */
function maskByPositive(f: FunctionBuilder, v: Local, base: Local, g: Local, zero: Local): void {
  f.get(v).get(base).get(g).i32Add().v128Load().get(zero).f32x4Gt().v128And().set(v);
}

/**
 * The sums of the forward pass (`forward`), of the backward pass, or of the backward pass through a
 * fused ReLU (`masked`); with `totalsOnly` (forward, no shift) only S1 = Σ a, the same additions.
 */
function sumsFunction(name: string, forward: boolean, fma: boolean, masked = false, totalsOnly = false): FunctionBuilder {
  const f = new FunctionBuilder(name, Array<'i32'>(masked ? 8 : 7).fill('i32'));
  const [a, b, m, chunks, period, shift, acc, out] = masked ? f.params : [f.params[0], f.params[1], f.params[1], ...f.params.slice(2)];
  const bytes = f.local('i32');
  const bytes2 = f.local('i32');
  const left = f.local('i32');
  const blk = f.local('i32');
  const g = f.local('i32');
  const i = f.local('i32');
  const u = f.local('v128');
  const v = f.local('v128');
  const s2 = f.local('v128');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  f.get(period).i32Const(4).i32Mul().set(bytes);
  f.get(bytes).i32Const(2).i32Mul().set(bytes2);
  f.get(chunks).set(left);
  f.block().loop();
  f.get(left).i32Const(0).i32LeS().brIf(1);
  // blk = min(left, SUM_BLOCK)
  f.get(left).i32Const(SUM_BLOCK).get(left).i32Const(SUM_BLOCK).i32LtS().select().set(blk);
  vectors(f, g, totalsOnly ? bytes : bytes2, () => f.get(acc).get(g).i32Add().f32Const(0).f32x4Splat().v128Store());
  f.loop();
  vectors(f, g, bytes, () => {
    if (totalsOnly) {
      f.get(acc).get(g).i32Add().get(acc).get(g).i32Add().v128Load().get(a).get(g).i32Add().v128Load().f32x4Add().v128Store();
      return;
    }
    f.get(a).get(g).i32Add().v128Load().get(shift).get(g).i32Add().v128Load().f32x4Sub().set(u);
    if (forward) f.get(u).set(v);
    else f.get(b).get(g).i32Add().v128Load().set(v);
    if (masked) maskByPositive(f, v, m, g, zero);
    f.get(acc).get(g).i32Add().get(acc).get(g).i32Add().v128Load().get(v).f32x4Add().v128Store();
    f.get(acc).get(bytes).i32Add().get(g).i32Add().v128Load().set(s2);
    maddInto(f, s2, v, u, fma);
    f.get(acc).get(bytes).i32Add().get(g).i32Add().get(s2).v128Store();
  });
  f.addLocal(a, bytes);
  if (!forward) f.addLocal(b, bytes);
  if (masked) f.addLocal(m, bytes);
  f.get(left).i32Const(1).i32Sub().set(left);
  f.get(blk).i32Const(1).i32Sub().tee(blk).brIf(0);
  f.end();
  // Fold the block into the float64 totals.
  f.i32Const(0).set(i);
  f.block().loop();
  f.get(i).get(totalsOnly ? bytes : bytes2).i32GeS().brIf(1);
  f.get(out).get(i).i32Const(2).i32Mul().i32Add();
  f.get(out).get(i).i32Const(2).i32Mul().i32Add().f64Load();
  f.get(acc).get(i).i32Add().f32Load().f64PromoteF32().f64Add();
  f.f64Store();
  f.addTo(i, 4);
  f.br(0);
  f.end().end();
  f.br(0);
  f.end().end();
  return f;
}

function affineFunction(fma: boolean, relu = false): FunctionBuilder {
  const f = new FunctionBuilder(relu ? 'bnAffineRelu' : 'bnAffine', Array<'i32'>(6).fill('i32'));
  const [x, y, chunks, period, scale, offset] = f.params;
  const v = f.local('v128');
  const s = f.local('v128');
  const o = f.local('v128');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  const load = (base: Local, g: Local, into: Local) => f.get(base).get(g).i32Add().v128Load().set(into);
  periodicPass(f, chunks, period, [x, y], (g) => {
    load(x, g, v);
    load(scale, g, s);
    load(offset, g, o);
    maddInto(f, o, v, s, fma);
    f.get(y).get(g).i32Add().get(o);
    if (relu) f.get(zero).f32x4Max();
    f.v128Store();
  });
  return f;
}

function backwardFunction(fma: boolean, masked = false): FunctionBuilder {
  const f = new FunctionBuilder(masked ? 'bnBackwardMasked' : 'bnBackward', Array<'i32'>(masked ? 10 : 9).fill('i32'));
  const [x, dy, y, dx, chunks, period, k1, k2, k3, mean] = masked ? f.params : [f.params[0], f.params[1], f.params[1], ...f.params.slice(2)];
  const r = f.local('v128');
  const a = f.local('v128');
  const b = f.local('v128');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  const load = (base: Local, g: Local) => f.get(base).get(g).i32Add().v128Load();
  periodicPass(f, chunks, period, masked ? [x, dy, y, dx] : [x, dy, dx], (g) => {
    load(k3, g).set(r);
    load(dy, g).set(a);
    if (masked) maskByPositive(f, a, y, g, zero);
    load(k1, g).set(b);
    maddInto(f, r, a, b, fma);
    load(x, g);
    load(mean, g).f32x4Sub().set(a);
    load(k2, g).set(b);
    maddInto(f, r, a, b, fma);
    f.get(dx).get(g).i32Add().get(r).v128Store();
  });
  return f;
}

function reluFunction(): FunctionBuilder {
  const f = new FunctionBuilder('relu', ['i32', 'i32', 'i32']);
  const [x, y, n] = f.params;
  const end = f.local('i32');
  const off = f.local('i32');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  f.get(n).i32Const(4).i32Mul().set(end);
  vectors(f, off, end, () => f.get(y).get(off).i32Add().get(x).get(off).i32Add().v128Load().get(zero).f32x4Max().v128Store());
  return f;
}

function reluGradFunction(): FunctionBuilder {
  const f = new FunctionBuilder('reluGrad', ['i32', 'i32', 'i32', 'i32']);
  const [x, dy, dx, n] = f.params;
  const end = f.local('i32');
  const off = f.local('i32');
  const zero = f.local('v128');
  f.f32Const(0).f32x4Splat().set(zero);
  f.get(n).i32Const(4).i32Mul().set(end);
  vectors(f, off, end, () => {
    f.get(dx).get(off).i32Add();
    f.get(dy).get(off).i32Add().v128Load();
    f.get(x).get(off).i32Add().v128Load().get(zero).f32x4Gt();
    f.v128And().v128Store();
  });
  return f;
}

/** Shared loop of the pooling kernels: for each output row and position, `body(in, out)` per channel vector. */
function poolFunction(name: string, grad: boolean): FunctionBuilder {
  const f = new FunctionBuilder(name, Array<'i32'>(grad ? 8 : 7).fill('i32'));
  const [x, dy, dx, r0, r1, outW, channels, inRow] = grad ? f.params : [f.params[0], f.params[1], f.params[1], ...f.params.slice(2)];
  const row = f.local('i32');
  const ox = f.local('i32');
  const inP = f.local('i32');
  const outP = f.local('i32');
  const dxP = f.local('i32');
  const cb = f.local('i32');
  const g = f.local('i32');
  const v = Array.from({ length: 4 }, () => f.local('v128'));
  const m = f.local('v128');
  const taken = f.local('v128');
  const e = f.local('v128');
  const d = f.local('v128');
  f.get(channels).i32Const(4).i32Mul().set(cb);
  f.get(r0).set(row);
  f.block().loop();
  f.get(row).get(r1).i32GeS().brIf(1);
  f.get(x).get(row).i32Const(2).i32Mul().get(inRow).i32Mul().i32Add().set(inP);
  f.get(dy).get(row).get(outW).i32Mul().get(cb).i32Mul().i32Add().set(outP);
  if (grad) f.get(dx).get(row).i32Const(2).i32Mul().get(inRow).i32Mul().i32Add().set(dxP);
  f.i32Const(0).set(ox);
  f.block().loop();
  f.get(ox).get(outW).i32GeS().brIf(1);
  vectors(f, g, cb, () => {
    // The window's four inputs, row-major: (0,0), (0,1), (1,0), (1,1).
    const at = (k: number, base: Local) => {
      f.get(base).get(g).i32Add();
      if (k & 1) f.get(cb).i32Add();
      if (k & 2) f.get(inRow).i32Add();
    };
    for (let k = 0; k < 4; k++) {
      at(k, inP);
      f.v128Load().set(v[k]);
    }
    f.get(v[0]).get(v[1]).f32x4Max().get(v[2]).get(v[3]).f32x4Max().f32x4Max().set(m);
    if (!grad) {
      f.get(outP).get(g).i32Add().get(m).v128Store();
      return;
    }
    f.get(outP).get(g).i32Add().v128Load().set(d);
    f.f32Const(0).f32x4Splat().set(taken);
    for (let k = 0; k < 4; k++) {
      // e = (v[k] == m) & ~taken; dx = dy & e; taken |= e
      f.get(v[k]).get(m).f32x4Eq().get(taken).v128AndNot().set(e);
      at(k, dxP);
      f.get(d).get(e).v128And().v128Store();
      if (k < 3) f.get(taken).get(e).v128Or().set(taken);
    }
  });
  f.get(inP).get(cb).i32Const(2).i32Mul().i32Add().set(inP);
  if (grad) f.get(dxP).get(cb).i32Const(2).i32Mul().i32Add().set(dxP);
  f.addLocal(outP, cb);
  f.addTo(ox, 1);
  f.br(0);
  f.end().end();
  f.addTo(row, 1);
  f.br(0);
  f.end().end();
  return f;
}

function meanMiddleFunction(): FunctionBuilder {
  const f = new FunctionBuilder('meanMiddle', Array<'i32'>(7).fill('i32'));
  const [x, out, o0, o1, reduced, rowBytes, divisor] = f.params;
  const o = f.local('i32');
  const g = f.local('i32');
  const r = f.local('i32');
  const p = f.local('i32');
  const block = f.local('i32');
  const acc = f.local('v128');
  const d = f.local('v128');
  f.get(divisor).v128Load32Splat().set(d);
  f.get(o0).set(o);
  f.whileNot(
    () => f.get(o).get(o1).i32GeS(),
    () => {
      f.get(x).get(o).get(reduced).i32Mul().get(rowBytes).i32Mul().i32Add().set(block);
      vectors(f, g, rowBytes, () => {
        f.f32Const(0).f32x4Splat().set(acc);
        f.get(block).get(g).i32Add().set(p);
        f.forUp(r, reduced, () => {
          f.get(acc).get(p).v128Load().f32x4Add().set(acc);
          f.addLocal(p, rowBytes);
        });
        f.get(out).get(o).get(rowBytes).i32Mul().i32Add().get(g).i32Add().get(acc).get(d).f32x4Div().v128Store();
      });
      f.addTo(o, 1);
    },
  );
  return f;
}

/** The norm/activation/pooling kernels' functions for the module (./kernels). */
export function normKernelFunctions(fma: boolean): FunctionBuilder[] {
  return [
    sumsFunction('bnSums', true, fma),
    sumsFunction('bnSumsGrad', false, fma),
    sumsFunction('bnSumsGradMasked', false, fma, true),
    sumsFunction('channelTotals', true, fma, false, true),
    affineFunction(fma),
    affineFunction(fma, true),
    backwardFunction(fma),
    backwardFunction(fma, true),
    reluFunction(),
    reluGradFunction(),
    poolFunction('maxPool2', false),
    poolFunction('maxPool2Grad', true),
    meanMiddleFunction(),
  ];
}
