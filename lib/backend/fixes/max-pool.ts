/**
 * Max pooling on wasm: `MaxPool` and `MaxPoolGrad` for 2×2 windows of stride 2 (what conv nets use)
 * on the SIMD kernels (../simd/norm-kernels), split over the kernel threads; `MaxPoolGrad` in a JS
 * pass otherwise (tfjs' own wasm kernel is a slow generic loop), `MaxPool` on XNNPACK otherwise.
 */
import * as tf from '../../core/tf';
import { partsFor, runJobs, splitRange } from '../simd/jobs';
import type { WasmHeap } from '../simd/wasm-api';
import { heapOf, wasmKernel } from './kernel-api';
import type { TensorInfoLike, WasmKernelFunc } from './kernel-api';

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

function poolInfo(shape: number[], attrs: Record<string, unknown>): PoolInfo {
  return tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
}

/** Whether the 2×2 SIMD kernels take this pooling: stride 2, no padding used, even input, C % 4 = 0. */
function simdPoolApplies(i: PoolInfo): boolean {
  return (
    i.filterHeight === 2 && i.filterWidth === 2 && i.strideHeight === 2 && i.strideWidth === 2 && i.dilationHeight === 1 && i.dilationWidth === 1 &&
    i.padInfo.top === 0 && i.padInfo.left === 0 && i.inHeight === 2 * i.outHeight && i.inWidth === 2 * i.outWidth && i.inChannels % 4 === 0 && i.batchSize * i.outHeight > 0
  );
}

/** Runs a pooling kernel over all output rows, split between threads. */
function runPool(heap: WasmHeap, name: 'maxPool2' | 'maxPool2Grad', i: PoolInfo, pointers: number[]): void {
  const rows = i.batchSize * i.outHeight;
  const ranges = splitRange(rows, partsFor(heap, rows * i.outWidth * i.inChannels * 4));
  runJobs(heap, name, ranges.map(([r0, r1]) => [...pointers, r0, r1, i.outWidth, i.inChannels, i.inWidth * i.inChannels * 4]));
}

/** `MaxPool`: the SIMD kernel for 2×2 windows of stride 2, else tfjs' (XNNPACK). */
export const maxPoolWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!;
  const heap = heapOf(backend);
  if (!heap || x.dtype !== 'float32' || x.shape.length !== 4) return wasmKernel('MaxPool')(args);
  const info = poolInfo(x.shape, attrs);
  if (!simdPoolApplies(info)) return wasmKernel('MaxPool')(args);
  const y = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.inChannels], 'float32');
  runPool(heap, 'maxPool2', info, [backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(y.dataId)]);
  return y;
};

/**
 * `MaxPoolGrad` for wasm: routes each output gradient to the position of its window's maximum
 * (the first maximum in row-major window order, as tfjs' cpu backend). 2×2 windows of stride 2
 * over even sizes with channels in multiples of 4 (the conv nets' pooling) run on the SIMD kernel
 * on every kernel thread; other cases in one JS pass over the heap. tfjs' own wasm kernel took
 * ~70 ms for the reference CNN's first pooling layer, the JS pass ~20 ms.
 */
export const maxPoolGradWasm: WasmKernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy!;
  const x = inputs.input!;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return wasmKernel('MaxPoolGrad')(args);
  const info = poolInfo(x.shape, attrs);
  const heap = heapOf(backend);
  if (heap && simdPoolApplies(info)) {
    const dx = backend.makeOutput([...x.shape], 'float32');
    const at = (t: TensorInfoLike) => backend.getMemoryOffset(t.dataId);
    runPool(heap, 'maxPool2Grad', info, [at(x), at(dy), at(dx)]);
    return dx;
  }
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
