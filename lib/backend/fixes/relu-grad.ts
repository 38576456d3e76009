/**
 * A one-pass ReLU gradient. tfjs computes it as `dy · cast(step(x))` (three kernels, three passes
 * over the activation); here one kernel `AslReluGrad` {dy, x} → dy where x > 0, else 0 (NaN where x
 * is NaN, as `step`), on wasm (heap views) and cpu. The Relu gradient is re-registered to use it on
 * those backends and to fall back to tfjs' own formula elsewhere.
 */
import * as tf from '@tensorflow/tfjs';

export const RELU_GRAD_KERNEL = 'AslReluGrad';

interface Info {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

function reluGradWasm({ inputs, backend }: { inputs: Record<string, Info>; backend: unknown }): Info {
  const b = backend as { makeOutput(s: number[], d: string): Info; typedArrayFromHeap(t: Info): Float32Array };
  const out = b.makeOutput([...inputs.dy.shape], 'float32');
  relu(b.typedArrayFromHeap(inputs.dy), b.typedArrayFromHeap(inputs.x), b.typedArrayFromHeap(out));
  return out;
}

function reluGradCpu({ inputs, backend }: { inputs: Record<string, Info>; backend: unknown }): Info {
  const b = backend as { readSync(id: object): Float32Array; makeTensorInfo(s: number[], d: string, v: Float32Array): Info };
  const dy = b.readSync(inputs.dy.dataId) as Float32Array;
  const out = new Float32Array(dy.length);
  relu(dy, b.readSync(inputs.x.dataId) as Float32Array, out);
  return b.makeTensorInfo([...inputs.dy.shape], 'float32', out);
}

function relu(dy: Float32Array, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < dy.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? dy[i] : v !== v ? NaN : 0;
  }
}

let original: tf.GradConfig | undefined;

/** Registers the kernel and the Relu gradient that uses it (idempotent). */
export function registerReluGradFix(): void {
  if (!tf.getKernel(RELU_GRAD_KERNEL, 'wasm')) tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: reluGradWasm as unknown as tf.KernelFunc });
  if (!tf.getKernel(RELU_GRAD_KERNEL, 'cpu')) tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'cpu', kernelFunc: reluGradCpu as unknown as tf.KernelFunc });
  if (original) return;
  original = tf.getGradient('Relu') as tf.GradConfig;
  const fallback = original;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const [x] = saved;
      const backend = tf.getBackend();
      if (g.dtype !== 'float32' || x.dtype !== 'float32' || !tf.getKernel(RELU_GRAD_KERNEL, backend)) return fallback.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }, {}) as tf.Tensor };
    },
  });
}

/** Restores tfjs' own Relu gradient (benchmarks' "before"). */
export function unregisterReluGradFix(): void {
  if (!original) return;
  tf.registerGradient(original);
  original = undefined;
}
