/**
 * ReLU on wasm: the forward pass (`Relu`) and its gradient as one SIMD pass each, split over the
 * kernel threads. tfjs' gradient of `Relu` is `dy · step(x)`, two full passes (Step, Multiply)
 * and a temporary; here `AslReluGrad` {dy, x} → dx = x > 0 ? dy : 0 in one. The gradient is
 * registered for `Relu` on all backends but runs the fused kernel only where it is registered
 * (wasm, with this fix on), and tfjs' own formula elsewhere, so other backends are unchanged.
 */
import * as tf from '../../core/tf';
import { partsFor, runJobs, splitRange } from '../simd/jobs';
import { heapOf, registerGradientOnce, replaceKernel, restoreKernel, sizeOf, wasmKernel } from './kernel-api';
import type { KernelArgs, TensorInfoLike, WasmKernelFunc } from './kernel-api';

export const RELU_GRAD_KERNEL = 'AslReluGrad';

/** Runs an element-wise kernel over n floats: SIMD over the first n − n mod 4, `tail` for the rest. */
function elementwise(args: KernelArgs, name: 'relu' | 'reluGrad', inputs: TensorInfoLike[], tail: (v: Float32Array[], i: number) => number): TensorInfoLike | null {
  const { backend } = args;
  const heap = heapOf(backend);
  if (!heap || inputs.some((t) => t.dtype !== 'float32')) return null;
  const n = sizeOf(inputs[0].shape);
  const out = backend.makeOutput([...inputs[0].shape], 'float32');
  const ptrs = [...inputs, out].map((t) => backend.getMemoryOffset(t.dataId));
  const vectors = Math.floor(n / 4);
  const ranges = splitRange(vectors, partsFor(heap, n));
  runJobs(heap, name, ranges.map(([v0, v1]) => [...ptrs.map((p) => p + 16 * v0), 4 * (v1 - v0)]));
  if (n % 4) {
    const views = [...inputs, out].map((t) => backend.typedArrayFromHeap(t));
    for (let i = 4 * vectors; i < n; i++) views[views.length - 1][i] = tail(views, i);
  }
  return out;
}

export const reluWasm: WasmKernelFunc = (args) => elementwise(args, 'relu', [args.inputs.x!], (v, i) => (v[0][i] > 0 || Number.isNaN(v[0][i]) ? v[0][i] : 0)) ?? wasmKernel('Relu')(args);

/** dx = x > 0 ? dy : 0 (on the SIMD heap, else a JS loop). */
const reluGradWasm: WasmKernelFunc = (args) => {
  const { inputs, backend } = args;
  const dy = inputs.dy!;
  const x = inputs.x!;
  const fast = elementwise(args, 'reluGrad', [x, dy], (v, i) => (v[0][i] > 0 ? v[1][i] : 0));
  if (fast) return fast;
  const out = backend.makeOutput([...x.shape], 'float32');
  const xv = backend.typedArrayFromHeap(x);
  const g = backend.typedArrayFromHeap(dy);
  const o = backend.typedArrayFromHeap(out);
  for (let i = 0; i < o.length; i++) o[i] = xv[i] > 0 ? g[i] : 0;
  return out;
};

/** Registers `Relu`'s gradient: the fused kernel where the backend has it, tfjs' formula elsewhere. */
function registerReluGradient(): void {
  registerGradientOnce({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor;
      const [x] = saved;
      return {
        x: () =>
          tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && x.dtype === 'float32'
            ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }) as tf.Tensor)
            : tf.mul(g, tf.step(tf.cast(x, 'float32'))),
      };
    },
  });
}

export function registerReluFix(): void {
  registerReluGradient();
  replaceKernel('Relu', reluWasm);
  replaceKernel(RELU_GRAD_KERNEL, reluGradWasm);
}

export function unregisterReluFix(): void {
  restoreKernel('Relu');
  restoreKernel(RELU_GRAD_KERNEL);
}
