/**
 * Drivers of the direct convolution kernels (./conv-kernels) on the wasm heap: padded copies of
 * the input, packed filters, the split of the work between threads, and the fixed-order sum of
 * the filter gradient's per-group partial results.
 *
 * Geometry is NHWC with filters `[kH, kW, inC, outC]`, any stride, dilation 1.
 */
import { CONV_FILTER_TILE, CONV_FORWARD_TILE } from './conv-kernels';
import { Carve, heapScratch, partsFor, runJobs, splitRange } from './jobs';
import type { WasmHeap } from './wasm-api';

/** Geometry of a 2-D convolution (NHWC), as tfjs' `computeConv2DInfo` gives it. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

const FWD_NR = 4 * CONV_FORWARD_TILE.nv;
const DW_NR = 4 * CONV_FILTER_TILE.nv;
/** Image groups of the filter gradient: each has its own partial sum, added in order at the end. */
const FILTER_GROUPS = 8;
/** Output positions per block of the filter gradient (its input and gradient stay in L1). */
const FILTER_BLOCK_POSITIONS = 64;

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * The padded copy of `n` NHWC images (h × w × c at byte address `src`) at `dst` (H × W × c), source
 * pixel (y, x) at (top + y·sy, left + x·sx): the SIMD kernel split over threads for sy = sx = 1,
 * else {@link spreadInto}. Values falling outside H × W are dropped.
 */
function padInto(heap: WasmHeap, src: number, n: number, h: number, w: number, c: number, dst: number, H: number, W: number, top: number, left: number, sy: number, sx: number): void {
  if (sy === 1 && sx === 1 && left >= 0) {
    const ranges = splitRange(n, partsFor(heap, n * H * W * c));
    runJobs(heap, 'padImages', ranges.map(([n0, n1]) => [src, dst, n0, n1, h, w * c * 4, H, W * c * 4, top, left * c * 4]));
    return;
  }
  spreadInto(new Float32Array(heap.memory.buffer), src / 4, n, h, w, c, dst / 4, H, W, top, left, sy, sx);
}

/**
 * Copies NHWC `src` (`n` images of h × w × c at float index `from` of `heap`) into `dst` laid out
 * `[n, H, W, c]` at float index `to`: `dst[i, top + y·sy, left + x·sx] = src[i, y, x]`, zeros
 * elsewhere, values outside `H × W` dropped.
 */
function spreadInto(heap: Float32Array, from: number, n: number, h: number, w: number, c: number, to: number, H: number, W: number, top: number, left: number, sy: number, sx: number): void {
  const dst = heap.subarray(to, to + n * H * W * c);
  dst.fill(0);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const row = top + y * sy;
      if (row < 0 || row >= H) continue;
      const s = from + (i * h + y) * w * c;
      const d = ((i * H + row) * W) * c;
      if (sx === 1) {
        const x0 = Math.max(0, -left);
        const x1 = Math.min(w, W - left);
        if (x1 > x0) dst.set(heap.subarray(s + x0 * c, s + x1 * c), d + (left + x0) * c);
      } else {
        for (let x = 0; x < w; x++) {
          const col = left + x * sx;
          if (col >= 0 && col < W) dst.set(heap.subarray(s + x * c, s + (x + 1) * c), d + col * c);
        }
      }
    }
  }
}

/** Filter rows × outC (row-major at float `from`) into panels of `nr` columns, zero-padded. */
function packPanels(heap: Float32Array, from: number, rows: number, cols: number, nr: number, to: number, rowOf: (r: number, col: number) => number = (r, col) => from + r * cols + col): void {
  const panels = Math.ceil(cols / nr);
  for (let p = 0; p < panels; p++) {
    for (let r = 0; r < rows; r++) {
      const d = to + (p * rows + r) * nr;
      for (let q = 0; q < nr; q++) {
        const col = p * nr + q;
        heap[d + q] = col < cols ? heap[rowOf(r, col)] : 0;
      }
    }
  }
}

/** Whether the direct kernels take this geometry (dilation 1). */
export function directConvApplies(g: ConvGeometry): boolean {
  return g.dilH === 1 && g.dilW === 1 && g.batch > 0 && g.outH > 0 && g.outW > 0;
}

interface Padded {
  H: number;
  W: number;
}

/** The padded input's extent: every tap of every output position falls inside it. */
function paddedExtent(g: ConvGeometry): Padded {
  return { H: (g.outH - 1) * g.strideH + g.kH, W: (g.outW - 1) * g.strideW + g.kW };
}

/** Floats a tile may read past the end of the padded input (rows past the output's end). */
function slackFloats(colFloats: number, runLen: number, mr: number): number {
  return (mr + 1) * colFloats + runLen + 64;
}

/** Where the source goes in the padded input: its pixel (y, x) at (top + y·sy, left + x·sx). */
interface Spread {
  top: number;
  left: number;
  sy: number;
  sx: number;
}

/**
 * The forward kernel over a padded copy of `src` (`g.batch` images of g.inH × g.inW × g.inC,
 * placed by `spread`), with the filter packed by `pack` (rows `[kH, kW, inC]` × outC columns into
 * panels), bias (0 for none) and ReLU, into `y` (`[batch, outH, outW, outC]`).
 */
function directForward(heap: WasmHeap, g: ConvGeometry, src: number, spread: Spread, pack: (f: Float32Array, to: number, taps: number) => void, bias: number, relu: boolean, y: number): void {
  const { H, W } = paddedExtent(g);
  const C = g.inC;
  const taps = g.kH * g.kW * C;
  const panels = Math.ceil(g.outC / FWD_NR);
  const rows = g.batch * g.outH;
  const ranges = splitRange(rows, partsFor(heap, rows * g.outW * g.outC * taps));
  const inputFloats = g.batch * H * W * C + slackFloats(g.strideW * C, g.kW * C, CONV_FORWARD_TILE.mr);
  const tileBytes = CONV_FORWARD_TILE.mr * FWD_NR * 4;
  const bytes = inputFloats * 4 + panels * taps * FWD_NR * 4 + panels * FWD_NR * 4 + ranges.length * tileBytes + 64 * 4;
  const carve = new Carve(heapScratch(heap, bytes));
  const xp = carve.take(inputFloats * 4);
  const wp = carve.take(panels * taps * FWD_NR * 4);
  const bp = bias ? carve.take(panels * FWD_NR * 4) : 0;
  const tiles = ranges.map(() => carve.take(tileBytes));
  padInto(heap, src, g.batch, g.inH, g.inW, C, xp, H, W, spread.top, spread.left, spread.sy, spread.sx);
  const f = new Float32Array(heap.memory.buffer);
  f.fill(0, xp / 4 + g.batch * H * W * C, xp / 4 + inputFloats);
  pack(f, wp / 4, taps);
  if (bp) {
    f.fill(0, bp / 4, bp / 4 + panels * FWD_NR);
    f.set(f.subarray(bias / 4, bias / 4 + g.outC), bp / 4);
  }
  const rowBytes = W * C * 4;
  const jobs = ranges.map(([r0, r1], t) => [xp, H * rowBytes, g.strideH * rowBytes, rowBytes, g.strideW * C * 4, g.kW * C, g.kH, wp, taps * FWD_NR * 4, y, g.outH, g.outW, g.outC, r0, r1, bp, relu ? 1 : 0, tiles[t]]);
  runJobs(heap, 'convForward', jobs);
}

/**
 * Y = conv(X, W) (+ bias per output channel) (then ReLU): `x`, `w`, `bias` (0 for none) and `y`
 * are heap addresses of float32 tensors `[batch, inH, inW, inC]`, `[kH, kW, inC, outC]`, `[outC]`,
 * `[batch, outH, outW, outC]`.
 */
export function heapConvForward(heap: WasmHeap, g: ConvGeometry, x: number, w: number, bias: number, relu: boolean, y: number): void {
  const spread = { top: g.padTop, left: g.padLeft, sy: 1, sx: 1 };
  directForward(heap, g, x, spread, (f, to, taps) => packPanels(f, w / 4, taps, g.outC, FWD_NR, to), bias, relu, y);
}

/**
 * dX of Y = conv(X, W), from dY: the stride-1 forward convolution of dY (spread by the stride and
 * shifted by kH − 1 − padTop, kW − 1 − padLeft) with the filter rotated by 180° and its channel
 * axes swapped. Values of dY that the shift puts outside the padded extent reach no input
 * position, so dropping them is exact.
 */
export function heapConvInputGrad(heap: WasmHeap, g: ConvGeometry, dy: number, w: number, dx: number): void {
  const { kH, kW, inC, outC } = g;
  const transposed: ConvGeometry = { ...g, inH: g.outH, inW: g.outW, inC: outC, outH: g.inH, outW: g.inW, outC: inC, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
  const spread = { top: kH - 1 - g.padTop, left: kW - 1 - g.padLeft, sy: g.strideH, sx: g.strideW };
  // W'[a, b, o, c] = W[kH−1−a, kW−1−b, c, o]: row (a, b, o) of the rotated filter, column c.
  const pack = (f: Float32Array, to: number, taps: number) =>
    packPanels(f, w / 4, taps, inC, FWD_NR, to, (r, c) => {
      const o = r % outC;
      const ab = (r - o) / outC;
      const b = ab % kW;
      const a = (ab - b) / kW;
      return w / 4 + (((kH - 1 - a) * kW + (kW - 1 - b)) * inC + c) * outC + o;
    });
  directForward(heap, transposed, dy, spread, pack, 0, false, dx);
}

/**
 * dW of Y = conv(X, W), from X and dY, written to `dw` (`[kH, kW, inC, outC]`). The images are cut
 * into a fixed number of groups whatever the thread count; each group's sum goes to its own
 * partial buffer and the partials are added in order, so the result does not depend on threads.
 */
export function heapConvFilterGrad(heap: WasmHeap, g: ConvGeometry, x: number, dy: number, dw: number): void {
  const { H, W } = paddedExtent(g);
  const C = g.inC;
  const runLen = g.kW * C;
  const taps = g.kH * runLen;
  const groups = splitRange(g.batch, Math.min(g.batch, FILTER_GROUPS));
  const dyCols = g.outC % DW_NR === 0 ? g.outC : roundUp(g.outC, DW_NR);
  const positions = g.batch * g.outH * g.outW;
  const inputFloats = g.batch * H * W * C + slackFloats(g.strideW * C, runLen, CONV_FILTER_TILE.mr);
  const tileBytes = CONV_FILTER_TILE.mr * DW_NR * 4;
  const partialFloats = taps * g.outC;
  const dyCopy = dyCols !== g.outC;
  const carve = new Carve(
    heapScratch(heap, inputFloats * 4 + (dyCopy ? positions * dyCols * 4 : 0) + groups.length * (partialFloats * 4 + tileBytes + 16) + 64 * 4),
  );
  const xp = carve.take(inputFloats * 4);
  const dyp = dyCopy ? carve.take(positions * dyCols * 4) : dy;
  const partials = groups.map(() => carve.take(partialFloats * 4));
  const tiles = groups.map(() => carve.take(tileBytes));
  const f = new Float32Array(heap.memory.buffer);
  padInto(heap, x, g.batch, g.inH, g.inW, C, xp, H, W, g.padTop, g.padLeft, 1, 1);
  f.fill(0, xp / 4 + g.batch * H * W * C, xp / 4 + inputFloats);
  if (dyCopy) {
    const out = f.subarray(dyp / 4, dyp / 4 + positions * dyCols);
    out.fill(0);
    for (let p = 0; p < positions; p++) out.set(f.subarray(dy / 4 + p * g.outC, dy / 4 + (p + 1) * g.outC), p * dyCols);
  }
  for (const p of partials) f.fill(0, p / 4, p / 4 + partialFloats);
  const rowBytes = W * C * 4;
  const rowsPerBlock = Math.max(1, Math.min(g.outH, Math.floor(FILTER_BLOCK_POSITIONS / g.outW)));
  const jobs = groups.map(([n0, n1], i) => [xp, H * rowBytes, g.strideH * rowBytes, rowBytes, g.strideW * C * 4, runLen, g.kH, dyp, dyCols * 4, g.outC, g.outH, g.outW, rowsPerBlock, n0, n1, partials[i], g.outC * 4, tiles[i]]);
  runJobs(heap, 'convFilterGrad', jobs);
  const view = new Float32Array(heap.memory.buffer);
  const out = view.subarray(dw / 4, dw / 4 + partialFloats);
  out.set(view.subarray(partials[0] / 4, partials[0] / 4 + partialFloats));
  for (let i = 1; i < partials.length; i++) {
    const p = view.subarray(partials[i] / 4, partials[i] / 4 + partialFloats);
    for (let k = 0; k < partialFloats; k++) out[k] += p[k];
  }
}
