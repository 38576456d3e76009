/**
 * Training fixes for the tfjs `wasm` backend (tfjs 4.22), registered automatically when the wasm
 * backend is initialised (see ./select). Each fix is a *kernel* written against the wasm backend's
 * own kernel API (its `dataIdMap`, `makeOutput`, `typedArrayFromHeap` and the backend's existing
 * kernels called directly), not against high-level ops: a kernel built from high-level ops fails
 * inside the engine (see /work/shared/reference/runtime-facts.md).
 *
 * Why (measured on this project's machines, one wasm thread; reference CNN 48×48 batch 64):
 * - `Conv2DBackpropFilter` is not registered on wasm, so no conv net can train at all. The fix is a
 *   transposed im2col written straight into the wasm heap, then the backend's own XNNPACK matMul.
 * - `Conv2DBackpropInput` on wasm is a plain loop (≈160 ms for the CNN's second layer); the fix runs
 *   it as a forward XNNPACK convolution of the (stride-dilated) gradient with the rotated filter
 *   (≈15 ms).
 * - `MaxPoolGrad` (≈70 ms for the first pooling layer) becomes one pass over the heap (≈20 ms).
 * - Matrix products (`BatchMatMul`, `_FusedMatMul`, and the conv filter gradient's product) run on
 *   the workbook's own wasm-SIMD product (./simd/gemm) instead of XNNPACK's. Two reasons: tfjs'
 *   wasm `BatchMatMul` with `transposeA`/`transposeB` is pathologically slow (a [128,4096]ᵀ·[128,512]
 *   product took ≈1.1 s with the flag), and every dense layer's gradient uses these flags; and
 *   XNNPACK re-packs the right operand whenever it is a new tensor, which in training the weights
 *   are after every update (a 4096×512 weight: ≈14 ms of packing for a ≈21 ms product). The SIMD
 *   product takes transposes as strides, packs with plain copies, and runs ≈1.5× faster than
 *   XNNPACK's kernel even when XNNPACK's packing is cached. Where wasm SIMD is missing it falls
 *   back to explicit transposes (blocked JS copies on the heap) and the flag-free XNNPACK product.
 * - Optimizer updates: see ./fixes/fused-optimizer (one-pass Adam/SGD kernels).
 *
 * Every fix is tested for equality with the cpu backend (test/backend/wasm-fixes.test.ts) and
 * benchmarked (`npm run bench:train` reports every fix's before/after throughput).
 */
import * as tf from '@tensorflow/tfjs';
import { heapGemm } from './simd/gemm';
import { simdHeap } from './simd/backend-heap';
import type { WasmBackendHeapLike } from './simd/backend-heap';

/** The parts of tfjs' `TensorInfo` a kernel sees. */
interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** The parts of the wasm backend (`BackendWasm`) the fixes use. */
interface WasmBackendLike extends WasmBackendHeapLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

type KernelArgs = {
  inputs: Record<string, TensorInfoLike | undefined>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
};
type WasmKernelFunc = (args: KernelArgs) => TensorInfoLike;

/** Names of the fixes, for reports and for switching single fixes off in benchmarks. */
export type WasmFixName = 'conv2dBackpropFilter' | 'conv2dBackpropInput' | 'maxPoolGrad' | 'matMul';

export const WASM_FIX_NAMES: readonly WasmFixName[] = ['conv2dBackpropFilter', 'conv2dBackpropInput', 'maxPoolGrad', 'matMul'];

/** Original kernel configs replaced by a fix, to restore them (benchmarks' "before"). */
const originals = new Map<string, tf.KernelConfig>();
const active = new Set<WasmFixName>();

function wasmKernel(name: string): WasmKernelFunc {
  const config = originals.get(name) ?? tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm-fixes: the wasm backend has no '${name}' kernel (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return config.kernelFunc as unknown as WasmKernelFunc;
}

/** Runs the wasm `Transpose` kernel (a new tensor in the heap; the caller disposes it). */
function transposeInfo(backend: WasmBackendLike, x: TensorInfoLike, perm: number[]): TensorInfoLike {
  return wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm } });
}

/**
 * Blocked transpose of the last two axes, `out[b, j, i] = x[b, i, j]`, for `batch` matrices of
 * `rows × cols`. Written in JS on the heap views: the wasm `Transpose` kernel is generic and about
 * 3–4× slower on these shapes.
 */
export function transposeLastTwoInto(x: Float32Array, batch: number, rows: number, cols: number, out: Float32Array): void {
  const B = 32;
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = Math.min(i0 + B, rows);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = Math.min(j0 + B, cols);
        for (let i = i0; i < i1; i++) {
          const src = base + i * cols;
          for (let j = j0; j < j1; j++) out[base + j * rows + i] = x[src + j];
        }
      }
    }
  }
}

/** A new heap tensor holding `x` with its last two axes swapped (the caller disposes it). */
function swapLastTwoInfo(backend: WasmBackendLike, x: TensorInfoLike): TensorInfoLike {
  const r = x.shape.length;
  const rows = x.shape[r - 2];
  const cols = x.shape[r - 1];
  const batch = x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const outShape = [...x.shape.slice(0, -2), cols, rows];
  const out = backend.makeOutput(outShape, x.dtype); // allocate before taking views (heap growth)
  transposeLastTwoInto(backend.typedArrayFromHeap(x), batch, rows, cols, backend.typedArrayFromHeap(out));
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * A `BatchMatMul` kernel that never hands transpose flags to the wasm product. C = op(A)·op(B) is
 * computed either directly after materialising the flagged operands, or as Cᵀ = op(B)ᵀ·op(A)ᵀ
 * followed by one transpose of the result, whichever moves fewer values (a dense layer's weight
 * gradient Xᵀ·G is cheaper the second way when the batch is small). Transposes are blocked JS
 * copies on the heap ({@link transposeLastTwoInto}).
 */
const flagFreeBatchMatMul: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const tA = !!attrs.transposeA;
  const tB = !!attrs.transposeB;
  const original = wasmKernel('BatchMatMul');
  if ((!tA && !tB) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== b.shape.length) {
    return original(args);
  }
  const rank = a.shape.length;
  const m = tA ? a.shape[rank - 1] : a.shape[rank - 2];
  const n = tB ? b.shape[rank - 2] : b.shape[rank - 1];
  const batch = Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));
  const direct = (tA ? sizeOf(a.shape) : 0) + (tB ? sizeOf(b.shape) : 0);
  const swapped = (tA ? 0 : sizeOf(a.shape)) + (tB ? 0 : sizeOf(b.shape)) + batch * m * n;
  const temps: TensorInfoLike[] = [];
  const flip = (x: TensorInfoLike): TensorInfoLike => {
    const t = swapLastTwoInfo(backend, x);
    temps.push(t);
    return t;
  };
  const plain = { transposeA: false, transposeB: false };
  try {
    if (direct <= swapped) {
      const a2 = tA ? flip(a) : a;
      const b2 = tB ? flip(b) : b;
      return original({ inputs: { a: a2, b: b2 }, backend, attrs: plain });
    }
    // Cᵀ = op(B)ᵀ · op(A)ᵀ: op(B)ᵀ is B itself when tB, else Bᵀ; likewise for A.
    const left = tB ? b : flip(b);
    const right = tA ? a : flip(a);
    const ct = original({ inputs: { a: left, b: right }, backend, attrs: plain });
    temps.push(ct);
    return swapLastTwoInfo(backend, ct);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** `_FusedMatMul` (dense layers' forward pass) without transpose flags (the operands are flipped first). */
const flagFreeFusedMatMul: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const original = wasmKernel('_FusedMatMul');
  const a = inputs.a!;
  const b = inputs.b!;
  if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
  const temps: TensorInfoLike[] = [];
  try {
    const a2 = attrs.transposeA ? swapLastTwoInfo(backend, a) : a;
    const b2 = attrs.transposeB ? swapLastTwoInfo(backend, b) : b;
    if (a2 !== a) temps.push(a2);
    if (b2 !== b) temps.push(b2);
    return original({ inputs: { ...inputs, a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** Whether the SIMD matrix product (./simd/gemm) serves products on this backend. */
export function wasmSimdMatMulAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdHeap(tf.backend() as unknown as WasmBackendLike) !== null;
}

/**
 * op(A)·op(B) for float32 operands of rank ≥ 2 with the SIMD product, the transposes expressed as
 * strides (no copies). Batch dimensions must match or be all 1 on one side (the broadcasts tfjs
 * models use). Returns null when it does not apply, for the caller to fall back.
 */
function simdProduct(backend: WasmBackendLike, a: TensorInfoLike, b: TensorInfoLike, tA: boolean, tB: boolean): TensorInfoLike | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const heap = simdHeap(backend);
  if (!heap) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = tA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = tA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = tB ? b.shape[rb - 2] : b.shape[rb - 1];
  if ((tB ? b.shape[rb - 1] : b.shape[rb - 2]) !== K) return null; // let tfjs report the mismatch
  let outBatch: number[];
  try {
    outBatch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const batch = sizeOf(outBatch);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  const out = backend.makeOutput([...outBatch, M, N], 'float32');
  const pa = backend.getMemoryOffset(a.dataId);
  const pb = backend.getMemoryOffset(b.dataId);
  const pc = backend.getMemoryOffset(out.dataId);
  for (let t = 0; t < batch; t++) {
    heapGemm(
      heap,
      M,
      N,
      K,
      { ptr: pa + (batchA === 1 ? 0 : t * M * K * 4), rowStride: tA ? 4 : 4 * K, colStride: tA ? 4 * M : 4 },
      { ptr: pb + (batchB === 1 ? 0 : t * K * N * 4), rowStride: tB ? 4 : 4 * N, colStride: tB ? 4 * K : 4 },
      pc + t * M * N * 4,
      4 * N,
    );
  }
  return out;
}

/** `BatchMatMul`: the SIMD product, else the flag-free XNNPACK path. */
const matMulWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  return simdProduct(backend, inputs.a!, inputs.b!, !!attrs.transposeA, !!attrs.transposeB) ?? flagFreeBatchMatMul(args);
};

/** Element-wise activations of `_FusedMatMul` applied after the SIMD product (tfjs' definitions). */
const EPILOGUE_ACTIVATIONS: Record<string, ((x: number, alpha: number) => number) | null> = {
  linear: null,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  leakyrelu: (x, alpha) => (x < 0 ? alpha * x : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/**
 * `_FusedMatMul` (dense layers' forward pass): the product (SIMD, else flag-free XNNPACK), then
 * bias and activation in one pass over the output. This also avoids two bugs of tfjs' own wasm
 * kernel (4.22): batches after the first, and a bias of size 1, come out wrong. PReLU, biases
 * that are not per-column, and unknown activations take tfjs' kernel (flag-free).
 */
const fusedMatMulWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a!;
  const b = inputs.b!;
  const bias = inputs.bias;
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  const tB = !!attrs.transposeB;
  const N = tB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const biasSize = bias ? sizeOf(bias.shape) : 0;
  const biasPerColumn = !bias || (bias.dtype === 'float32' && (biasSize === 1 || (biasSize === N && bias.shape[bias.shape.length - 1] === N)));
  if (inputs.preluActivationWeights || !(activation in EPILOGUE_ACTIVATIONS) || !biasPerColumn) return flagFreeFusedMatMul(args);
  const out =
    simdProduct(backend, a, b, !!attrs.transposeA, tB) ??
    flagFreeBatchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: attrs.transposeA, transposeB: tB } });
  const f = EPILOGUE_ACTIVATIONS[activation];
  if (!bias && !f) return out;
  const c = backend.typedArrayFromHeap(out);
  const bv = bias ? backend.typedArrayFromHeap(bias) : null;
  const alpha = (attrs.leakyreluAlpha as number | undefined) ?? 0.2;
  for (let row = 0; row < c.length; row += N) {
    for (let j = 0; j < N; j++) {
      let x = c[row + j];
      if (bv) x += bv[biasSize === 1 ? 0 : j];
      c[row + j] = f ? f(x, alpha) : x;
    }
  }
  return out;
};

/** Geometry of a 2-D convolution (NHWC), from tfjs' own `computeConv2DInfo`. */
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

function convGeometry(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilH: info.dilationHeight,
    dilW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Transposed im2col: fills `out` (row-major `[kH·kW·inC, batch·outH·outW]`) so that row (kh, kw, c)
 * holds, for every output position, the input value under that filter tap (0 over the padding).
 * The row order matches the filter layout `[kH, kW, inC, outC]`, so dW = out · dY needs no transpose.
 * The NHWC input is first copied channel-major (NCHW), so that for stride 1 every output row is one
 * contiguous block copy of an input row.
 */
export function im2colTransposedInto(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const positions = batch * outH * outW;
  const plane = inH * inW;
  let xc = x;
  if (inC > 1) {
    xc = new Float32Array(batch * inC * plane);
    transposeLastTwoInto(x, batch, plane, inC, xc);
  }
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const shift = kw * dilW - padLeft;
      // Output columns whose input column ox·strideW + shift lies inside [0, inW).
      const oxStart = Math.min(outW, Math.max(0, Math.ceil(-shift / strideW)));
      const oxEnd = Math.max(oxStart, Math.min(outW, Math.floor((inW - 1 - shift) / strideW) + 1));
      for (let c = 0; c < inC; c++) {
        let o = ((kh * kW + kw) * inC + c) * positions;
        for (let n = 0; n < batch; n++) {
          const xPlane = (n * inC + c) * plane;
          for (let oy = 0; oy < outH; oy++, o += outW) {
            const iy = oy * strideH - padTop + kh * dilH;
            if (iy < 0 || iy >= inH) {
              out.fill(0, o, o + outW);
              continue;
            }
            if (oxStart > 0) out.fill(0, o, o + oxStart);
            if (oxEnd < outW) out.fill(0, o + oxEnd, o + outW);
            const src = xPlane + iy * inW + shift;
            if (strideW === 1) {
              if (oxEnd > oxStart) out.set(xc.subarray(src + oxStart, src + oxEnd), o + oxStart);
            } else {
              for (let ox = oxStart; ox < oxEnd; ox++) out[o + ox] = xc[src + ox * strideW];
            }
          }
        }
      }
    }
  }
}

/**
 * `Conv2DBackpropFilter` for wasm: dW = Pᵀ·dY with Pᵀ the transposed im2col matrix of x, written
 * straight into the heap, and dY `[N·outH·outW, outC]` used as it is (the product's right operand
 * is the small one, which the XNNPACK product packs). NCHW inputs are brought to NHWC first.
 */
const conv2dBackpropFilterWasm: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const temps: TensorInfoLike[] = [];
  try {
    let x = inputs.x!;
    let dy = inputs.dy!;
    const filterShape = attrs.filterShape as number[];
    if (attrs.dataFormat === 'NCHW') {
      x = transposeInfo(backend, x, [0, 2, 3, 1]);
      dy = transposeInfo(backend, dy, [0, 2, 3, 1]);
      temps.push(x, dy);
    }
    const g = convGeometry(x.shape, filterShape, attrs);
    const positions = g.batch * g.outH * g.outW;
    const taps = g.kH * g.kW * g.inC;
    // Allocate first: malloc can grow the heap and detach earlier views.
    const patchesT = backend.makeOutput([1, taps, positions], 'float32');
    temps.push(patchesT);
    im2colTransposedInto(backend.typedArrayFromHeap(x), g, backend.typedArrayFromHeap(patchesT));
    const dy3: TensorInfoLike = { dataId: dy.dataId, shape: [1, positions, g.outC], dtype: dy.dtype };
    const dw =
      simdProduct(backend, patchesT, dy3, false, false) ??
      wasmKernel('BatchMatMul')({
        inputs: { a: patchesT, b: dy3 },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
    return { dataId: dw.dataId, shape: [g.kH, g.kW, g.inC, g.outC], dtype: 'float32' };
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/**
 * `Conv2DBackpropInput` for wasm as a forward convolution (the XNNPACK `Conv2D` kernel): dX is the
 * "full" correlation of dY, dilated by the stride, with the filter rotated by 180° and its channel
 * axes swapped: dX[i] = Σ_k dY'[i + padTop − (kH−1) + k] · W[kH−1−k], dY' the zero-dilated dY.
 * tfjs' own wasm kernel is a plain loop, about 9× slower on the reference CNN's layers.
 * Falls back to the original kernel for NCHW.
 */
const conv2dBackpropInputWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const inShape = attrs.inputShape as number[];
  if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return wasmKernel('Conv2DBackpropInput')(args);
  }
  const g = convGeometry(inShape, filter.shape, attrs);
  const { kH, kW, inC, outC, strideH, strideW, outH, outW, batch, inH, inW } = g;
  const dilatedH = (outH - 1) * strideH + 1;
  const dilatedW = (outW - 1) * strideW + 1;
  const padT = kH - 1 - g.padTop;
  const padL = kW - 1 - g.padLeft;
  const padB = inH - 1 + g.padTop - (dilatedH - 1);
  const padR = inW - 1 + g.padLeft - (dilatedW - 1);
  if (padT < 0 || padL < 0 || padB < 0 || padR < 0) return wasmKernel('Conv2DBackpropInput')(args);
  const temps: TensorInfoLike[] = [];
  try {
    // Rotated filter [kH, kW, outC, inC]: W'[a, b, o, c] = W[kH−1−a, kW−1−b, c, o].
    const rotated = backend.makeOutput([kH, kW, outC, inC], 'float32');
    temps.push(rotated);
    let source = dy;
    if (strideH > 1 || strideW > 1) {
      source = backend.makeOutput([batch, dilatedH, dilatedW, outC], 'float32');
      temps.push(source);
    }
    const w = backend.typedArrayFromHeap(filter);
    const r = backend.typedArrayFromHeap(rotated);
    for (let a = 0; a < kH; a++) {
      for (let b = 0; b < kW; b++) {
        const src = ((kH - 1 - a) * kW + (kW - 1 - b)) * inC * outC;
        const dst = (a * kW + b) * outC * inC;
        for (let c = 0; c < inC; c++) for (let o = 0; o < outC; o++) r[dst + o * inC + c] = w[src + c * outC + o];
      }
    }
    if (source !== dy) {
      const d = backend.typedArrayFromHeap(dy);
      const s = backend.typedArrayFromHeap(source);
      s.fill(0);
      for (let n = 0; n < batch; n++) {
        for (let y = 0; y < outH; y++) {
          for (let x = 0; x < outW; x++) {
            const from = ((n * outH + y) * outW + x) * outC;
            const to = ((n * dilatedH + y * strideH) * dilatedW + x * strideW) * outC;
            s.set(d.subarray(from, from + outC), to);
          }
        }
      }
    }
    return wasmKernel('Conv2D')({
      inputs: { x: source, filter: rotated },
      backend,
      attrs: {
        strides: [1, 1],
        pad: [[0, 0], [padT, padB], [padL, padR], [0, 0]],
        dilations: [1, 1],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
      },
    });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/**
 * `MaxPoolGrad` for wasm: routes each output gradient to the position of its window's maximum
 * (the first maximum in row-major window order, as tfjs' cpu backend), in one JS pass over the
 * heap. tfjs' own wasm kernel took ~70 ms for the reference CNN's first pooling layer; this ~5 ms.
 */
const maxPoolGradWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const x = inputs.input!;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return wasmKernel('MaxPoolGrad')(args);
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const out = backend.makeOutput([...x.shape], 'float32');
  const dx = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const g = backend.typedArrayFromHeap(dy);
  dx.fill(0);
  for (let n = 0; n < batchSize; n++) {
    const xBase = n * inHeight * inWidth * C;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padTop;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padLeft;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        const gBase = ((n * outHeight + oy) * outWidth + ox) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let iy = yStart; iy < yEnd; iy++) {
            for (let ix = xStart; ix < xEnd; ix++) {
              const i = xBase + (iy * inWidth + ix) * C + c;
              if (xv[i] > best) {
                best = xv[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += g[gBase + c];
        }
      }
    }
  }
  return out;
};

function replaceKernel(kernelName: string, kernelFunc: WasmKernelFunc): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (existing && !originals.has(kernelName)) originals.set(kernelName, existing);
  if (existing) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    // Keep the original set-up (it binds the C++ function the original kernel calls).
    setupFunc: originals.get(kernelName)?.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}

function restoreKernel(kernelName: string): void {
  const original = originals.get(kernelName);
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  if (original) tf.registerKernel(original);
}

/**
 * Registers the wasm training fixes (idempotent). Called automatically by `initBackend` when the
 * wasm backend is chosen; call it yourself after `tf.setBackend('wasm')` outside the workbook's
 * start-up. `only` picks a subset (benchmarks measure each fix alone).
 *
 * Requires `@tensorflow/tfjs-backend-wasm` to be loaded (its kernels registered).
 */
export function registerWasmTrainingFixes(only: readonly WasmFixName[] = WASM_FIX_NAMES): WasmFixName[] {
  for (const fix of only) {
    if (active.has(fix)) continue;
    if (fix === 'conv2dBackpropFilter') {
      replaceKernel('Conv2DBackpropFilter', conv2dBackpropFilterWasm);
    } else if (fix === 'conv2dBackpropInput') {
      replaceKernel('Conv2DBackpropInput', conv2dBackpropInputWasm);
    } else if (fix === 'maxPoolGrad') {
      replaceKernel('MaxPoolGrad', maxPoolGradWasm);
    } else {
      replaceKernel('BatchMatMul', matMulWasm);
      replaceKernel('_FusedMatMul', fusedMatMulWasm);
    }
    active.add(fix);
  }
  return [...active];
}

/** Removes fixes again, restoring tfjs' own wasm kernels (for before/after benchmarks and tests). */
export function unregisterWasmTrainingFixes(only: readonly WasmFixName[] = WASM_FIX_NAMES): void {
  for (const fix of only) {
    if (!active.has(fix)) continue;
    if (fix === 'conv2dBackpropFilter') restoreKernel('Conv2DBackpropFilter');
    else if (fix === 'conv2dBackpropInput') restoreKernel('Conv2DBackpropInput');
    else if (fix === 'maxPoolGrad') restoreKernel('MaxPoolGrad');
    else {
      restoreKernel('BatchMatMul');
      restoreKernel('_FusedMatMul');
    }
    active.delete(fix);
  }
}

/** The fixes now registered. */
export function activeWasmTrainingFixes(): WasmFixName[] {
  return [...active];
}
