/**
 * 2-D convolutions on wasm: the forward pass (`Conv2D`, `FusedConv2D` with bias and ReLU) and both
 * gradients (`Conv2DBackpropInput`, `Conv2DBackpropFilter`) on the workbook's direct SIMD kernels
 * (../simd/conv), on every kernel thread where the heap is shared.
 *
 * Why (measured on this project's machines; book CNN 64×64×3, batch 128):
 * - `Conv2DBackpropFilter` is not registered on wasm at all, so no conv net could train. The first
 *   fix was a transposed im2col on the heap and the matrix product; the direct kernel needs no
 *   im2col matrix (75 MB for the book CNN's second layer) and no transposes.
 * - `Conv2DBackpropInput` on wasm is a plain loop (≈160 ms for the reference CNN's second layer);
 *   it runs as a forward convolution of the spread, padded gradient with the rotated filter.
 * - The forward pass: XNNPACK's convolution ran at ≈16 GFLOP/s on 3-channel inputs and ≈30 on the
 *   others, one thread.
 * Where the SIMD kernels cannot run (no wasm SIMD, switched off), or for layouts they do not take
 * (NCHW, dilation), the previous paths run: im2col + product, XNNPACK's convolution, tfjs' kernel.
 */
import * as tf from '../../core/tf';
import { directConvApplies, heapConvFilterGrad, heapConvForward, heapConvInputGrad } from '../simd/conv';
import type { ConvGeometry } from '../simd/conv';
import { channelTotals } from '../simd/batch-norm';
import { heapOf, registerGradientOnce, replaceKernel, restoreKernel, sizeOf, transposeInfo, wasmKernel } from './kernel-api';
import type { KernelArgs, TensorInfoLike, WasmBackendLike, WasmKernelFunc } from './kernel-api';
import { simdProduct, transposeLastTwoInto } from './mat-mul';
import { RELU_GRAD_KERNEL } from './relu';

export type { ConvGeometry };

export function convGeometry(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvGeometry {
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

/** dW with the direct SIMD kernel (NHWC float32, dilation 1), or null where it does not apply. */
function directFilterGrad(inputs: KernelArgs['inputs'], backend: WasmBackendLike, attrs: KernelArgs['attrs']): TensorInfoLike | null {
  const x = inputs.x!;
  const dy = inputs.dy!;
  const heap = heapOf(backend);
  if (!heap || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs);
  if (!directConvApplies(g)) return null;
  const dw = backend.makeOutput([...filterShape], 'float32');
  heapConvFilterGrad(heap, g, backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(dy.dataId), backend.getMemoryOffset(dw.dataId));
  return dw;
}

/**
 * `Conv2DBackpropFilter` for wasm: the direct SIMD kernel; else dW = Pᵀ·dY with Pᵀ the transposed
 * im2col matrix of x, written straight into the heap, and dY `[N·outH·outW, outC]` used as it is.
 * NCHW inputs are brought to NHWC first.
 */
export const conv2dBackpropFilterWasm: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const direct = directFilterGrad(inputs, backend, attrs);
  if (direct) return direct;
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
 * `Conv2DBackpropInput` for wasm: the direct SIMD kernel (../simd/conv); else, as before, a forward
 * convolution on XNNPACK's `Conv2D` kernel. dX is the
 * "full" correlation of dY, dilated by the stride, with the filter rotated by 180° and its channel
 * axes swapped: dX[i] = Σ_k dY'[i + padTop − (kH−1) + k] · W[kH−1−k], dY' the zero-dilated dY.
 * tfjs' own wasm kernel is a plain loop, about 9× slower on the reference CNN's layers.
 * Falls back to the original kernel for NCHW.
 */
export const conv2dBackpropInputWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const inShape = attrs.inputShape as number[];
  if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return wasmKernel('Conv2DBackpropInput')(args);
  }
  const g = convGeometry(inShape, filter.shape, attrs);
  const heap = heapOf(backend);
  if (heap && directConvApplies(g)) {
    const dx = backend.makeOutput([...inShape], 'float32');
    heapConvInputGrad(heap, g, backend.getMemoryOffset(dy.dataId), backend.getMemoryOffset(filter.dataId), backend.getMemoryOffset(dx.dataId));
    return dx;
  }
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

/** Activations the direct forward kernel fuses. */
const FUSED_ACTIVATIONS = new Set(['linear', 'relu']);

/**
 * `Conv2D` and `FusedConv2D` (bias per output channel or scalar, activation linear or ReLU) on the
 * direct SIMD kernel; other cases (NCHW, dilation, PReLU, other activations or bias shapes) on
 * tfjs' kernel.
 */
function convForwardWasm(original: string): WasmKernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x!;
    const filter = inputs.filter!;
    const bias = inputs.bias;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    const heap = heapOf(backend);
    const outC = filter.shape[3];
    const biasOk = !bias || (bias.dtype === 'float32' && (sizeOf(bias.shape) === outC || sizeOf(bias.shape) === 1));
    if (!heap || attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32' || inputs.preluActivationWeights || !FUSED_ACTIVATIONS.has(activation) || !biasOk) {
      return wasmKernel(original)(args);
    }
    const g = convGeometry(x.shape, filter.shape, attrs);
    if (!directConvApplies(g)) return wasmKernel(original)(args);
    const y = backend.makeOutput([g.batch, g.outH, g.outW, g.outC], 'float32');
    let biasAt = 0;
    let expanded: TensorInfoLike | undefined;
    if (bias && sizeOf(bias.shape) === 1 && outC !== 1) {
      expanded = backend.makeOutput([outC], 'float32');
      backend.typedArrayFromHeap(expanded).fill(backend.typedArrayFromHeap(bias)[0]);
      biasAt = backend.getMemoryOffset(expanded.dataId);
    } else if (bias) biasAt = backend.getMemoryOffset(bias.dataId);
    try {
      heapConvForward(heap, g, backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(filter.dataId), biasAt, activation === 'relu', backend.getMemoryOffset(y.dataId));
    } finally {
      if (expanded) backend.disposeData(expanded.dataId);
    }
    return y;
  };
}

export const conv2dWasm = convForwardWasm('Conv2D');
export const fusedConv2dWasm = convForwardWasm('FusedConv2D');

/**
 * `tf.fused.conv2d` (what `tf.layers.conv2d` calls, bias and activation included) on wasm, as one
 * `FusedConv2D` kernel with a registered gradient instead of tfjs' `customGrad`.
 *
 * Why: tfjs' fused op computes its gradient eagerly for every input, so the input gradient of a
 * network's first convolution (with respect to the images, which nothing needs) is computed on
 * every step: on the book CNN that is a 64×64×3 gradient, as much work as the layer's forward pass.
 * A registered gradient gives one closure per input and the tape calls only the ones on the path.
 * The gradient (`dy` through the activation, then `Conv2DBackpropInput`, `Conv2DBackpropFilter`,
 * the bias's sum) is the same computation as tfjs'. Cases it does not take (other backends, NCHW,
 * dilation, PReLU, other activations, bias shapes other than `[outC]`) go to tfjs' op unchanged.
 */
type FusedConv2dOp = (args: {
  x: tf.Tensor | tf.TensorLike;
  filter: tf.Tensor | tf.TensorLike;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  bias?: tf.Tensor | tf.TensorLike | null;
  activation?: string | null;
  preluActivationWeights?: tf.Tensor;
  leakyreluAlpha?: number;
}) => tf.Tensor;

const fusedNamespace = tf.fused as unknown as { conv2d: FusedConv2dOp };
let originalFusedConv2d: FusedConv2dOp | undefined;

const isOne = (d: [number, number] | number | undefined) => d === undefined || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1);

const fusedConv2dOp: FusedConv2dOp = (args) => {
  const { x, filter, bias } = args;
  const activation = args.activation ?? 'linear';
  const takes =
    tf.getBackend() === 'wasm' &&
    heapOf(tf.backend() as unknown as WasmBackendLike) !== null &&
    x instanceof tf.Tensor && x.rank === 4 && x.dtype === 'float32' &&
    filter instanceof tf.Tensor && filter.rank === 4 && filter.dtype === 'float32' &&
    (bias == null || (bias instanceof tf.Tensor && bias.rank === 1 && bias.size === filter.shape[3] && bias.dtype === 'float32')) &&
    (args.dataFormat ?? 'NHWC') === 'NHWC' && isOne(args.dilations) && !args.preluActivationWeights && FUSED_ACTIVATIONS.has(activation);
  if (!takes) return originalFusedConv2d!(args);
  const inputs = (bias ? { x, filter, bias } : { x, filter }) as tf.NamedTensorMap;
  const attrs = { strides: args.strides, pad: args.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: args.dimRoundingMode, activation, leakyreluAlpha: args.leakyreluAlpha };
  return tf.engine().runKernel('FusedConv2D', inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
};

function registerFusedConv2dGradient(): void {
  registerGradientOnce({
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x, filter, y] = saved;
      const g = dy as tf.Tensor;
      const a = attrs as unknown as { strides: number | [number, number]; pad: unknown; dimRoundingMode?: string; activation: string };
      const dyAct = a.activation === 'relu' ? reluGradient(g, y) : g;
      const convAttrs = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: a.dimRoundingMode };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyAct, filter }, { ...convAttrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyAct }, { ...convAttrs, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        bias: () => (tf.getKernel(BIAS_GRAD_KERNEL, tf.getBackend()) ? (tf.engine().runKernel(BIAS_GRAD_KERNEL, { dy: dyAct }) as tf.Tensor) : tf.sum(dyAct, [0, 1, 2])),
      };
    },
  });
}

/** dy where y > 0, else 0 (the fused ReLU kernel where registered, else tfjs' formula). */
function reluGradient(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x: y }) as tf.Tensor) : tf.mul(dy, tf.step(y));
}

export const BIAS_GRAD_KERNEL = 'AslBiasGrad';

/**
 * `AslBiasGrad` {dy} → the sum of dy over every axis but the last (a per-channel bias's gradient):
 * one SIMD pass split over the kernel threads (../simd/batch-norm `channelTotals`). tfjs' wasm
 * `Sum` over the leading axes of an NHWC gradient transposes it first (9 ms for the reference CNN's
 * first layer, against ≈1 here).
 */
const biasGradWasm: WasmKernelFunc = ({ inputs, backend }) => {
  const dy = inputs.dy!;
  const C = dy.shape[dy.shape.length - 1];
  const out = backend.makeOutput([C], 'float32');
  const totals = channelTotals({ heap: heapOf(backend), view: () => new Float32Array(backend.wasm.asm.memory.buffer) }, backend.getMemoryOffset(dy.dataId) / 4, C === 0 ? 0 : sizeOf(dy.shape) / C, C);
  backend.typedArrayFromHeap(out).set(totals);
  return out;
};

/** Routes `tf.fused.conv2d` through {@link fusedConv2dOp} and registers `AslBiasGrad` (idempotent). */
export function registerFusedConv2dOp(): void {
  registerFusedConv2dGradient();
  replaceKernel(BIAS_GRAD_KERNEL, biasGradWasm);
  if (!originalFusedConv2d) {
    originalFusedConv2d = fusedNamespace.conv2d;
    fusedNamespace.conv2d = fusedConv2dOp;
  }
}

/** Puts tfjs' `tf.fused.conv2d` back. */
export function unregisterFusedConv2dOp(): void {
  restoreKernel(BIAS_GRAD_KERNEL);
  if (originalFusedConv2d) {
    fusedNamespace.conv2d = originalFusedConv2d;
    originalFusedConv2d = undefined;
  }
}
