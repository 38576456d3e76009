/**
 * Fused optimizer updates as kernels of the `wasm` and `cpu` backends: one pass over each weight
 * instead of the ~12 element-wise kernels (each a full pass over the weight) an Adam step takes
 * when written with tf ops. On the reference MLP (2.2 M weights) this was the largest cost of a
 * step after the matrix products.
 *
 * Kernels (outputs are new tensors; variables are then assigned, so no buffer is changed in place
 * and caches keyed by tensor ids, like XNNPACK's packed weights, stay valid):
 * - `AslFusedAdam` inputs {w, g, m, v}, attrs {lr, beta1, beta2, epsilon, step, weightDecay, decoupled}
 *   → [w', m', v']: g ← g + λw unless decoupled; m' = β1 m + (1−β1) g; v' = β2 v + (1−β2) g²;
 *   w' = w − lr·(m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε) − (decoupled ? lr·λ·w : 0).
 * - `AslFusedSgd` inputs {w, g, b}, attrs {lr, momentum, weightDecay, nesterov} → [w', b']:
 *   g ← g + λw; b' = μ b + g; w' = w − lr·(nesterov ? g + μ b' : b').
 * - `AslFusedEma` inputs {ema, w}, attrs {decay} → [ema']: ema' = d·ema + (1 − d)·w (weight EMA).
 * Arithmetic in float64 per element, stored as float32.
 */
import * as tf from '../../core/tf';
import { simdHeap } from '../simd/backend-heap';
import type { WasmBackendHeapLike } from '../simd/backend-heap';
import { partsFor, runJobs, splitRange } from '../simd/jobs';

export const FUSED_ADAM_KERNEL = 'AslFusedAdam';
export const FUSED_SGD_KERNEL = 'AslFusedSgd';
export const FUSED_EMA_KERNEL = 'AslFusedEma';

interface Info {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** Float32 views of inputs and fresh outputs, for the wasm heap or the cpu backend's arrays. */
interface Access {
  read(t: Info): Float32Array;
  /** Allocates outputs and returns them with writable views (views taken after all allocations). */
  outputs(shape: number[], n: number): { infos: Info[]; views: Float32Array[] };
}

function wasmAccess(backend: unknown): Access {
  const b = backend as { makeOutput(s: number[], d: string): Info; typedArrayFromHeap(t: Info): Float32Array };
  return {
    read: (t) => b.typedArrayFromHeap(t),
    outputs(shape, n) {
      const infos = Array.from({ length: n }, () => b.makeOutput(shape, 'float32'));
      return { infos, views: infos.map((i) => b.typedArrayFromHeap(i)) };
    },
  };
}

function cpuAccess(backend: unknown): Access {
  const b = backend as { readSync(id: object): Float32Array; makeTensorInfo(s: number[], d: string, v: Float32Array): Info };
  return {
    read: (t) => b.readSync(t.dataId) as Float32Array,
    outputs(shape, n) {
      const size = shape.reduce((p, d) => p * d, 1);
      const views = Array.from({ length: n }, () => new Float32Array(size));
      return { infos: views.map((v) => b.makeTensorInfo(shape, 'float32', v)), views };
    },
  };
}

type Args = { inputs: Record<string, Info>; backend: unknown; attrs: Record<string, number | boolean> };

/**
 * The Adam update with the wasm-SIMD kernel (./simd/kernels `adam`), in float32 four lanes at a
 * time, split over the kernel threads for large weights; the last n mod 4 elements in JS. Null
 * where SIMD is unavailable.
 */
function simdAdam(backend: unknown, inputs: Args['inputs'], attrs: Args['attrs']): Info[] | null {
  const b = backend as WasmBackendHeapLike & { makeOutput(s: number[], d: string): Info };
  const heap = simdHeap(b);
  if (!heap) return null;
  const { w, g, m, v } = inputs;
  if ([w, g, m, v].some((t) => t.dtype !== 'float32')) return null;
  const outs = [0, 1, 2].map(() => b.makeOutput([...w.shape], 'float32'));
  const at = (t: Info) => b.getMemoryOffset(t.dataId);
  const p = adamParameters(attrs);
  const n = w.shape.reduce((s, d) => s * d, 1);
  // Element ranges (whole vectors) split over the kernel threads; the adam kernel does n − n mod 4.
  const ptrs = [w, g, m, v, ...outs].map(at);
  const ranges = splitRange(Math.floor(n / 4), partsFor(heap, n));
  runJobs(heap, 'adam', ranges.map(([v0, v1]) => [4 * (v1 - v0), ...ptrs.map((q) => q + 16 * v0), p.l2, p.b1, p.b2, p.lr * p.c1, p.c2, p.eps, p.shrink]));
  const heapF32 = new Float32Array(heap.memory.buffer);
  const view = (t: Info) => heapF32.subarray(at(t) / 4, at(t) / 4 + n);
  adamRange(view(w), view(g), view(m), view(v), view(outs[0]), view(outs[1]), view(outs[2]), p, n - (n % 4), n);
  return outs;
}

interface AdamParameters {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  c1: number;
  c2: number;
  l2: number;
  shrink: number;
}

function adamParameters(attrs: Args['attrs']): AdamParameters {
  const lr = attrs.lr as number;
  const b1 = attrs.beta1 as number;
  const b2 = attrs.beta2 as number;
  const t = attrs.step as number;
  const wd = attrs.weightDecay as number;
  const decoupled = !!attrs.decoupled;
  return {
    lr,
    b1,
    b2,
    eps: attrs.epsilon as number,
    c1: 1 / (1 - Math.pow(b1, t)),
    c2: 1 / (1 - Math.pow(b2, t)),
    l2: decoupled ? 0 : wd,
    shrink: decoupled ? lr * wd : 0,
  };
}

/** The Adam update of elements [from, to), in float64 per element. */
function adamRange(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  wOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  p: AdamParameters,
  from: number,
  to: number,
): void {
  const { lr, b1, b2, eps, c1, c2, l2, shrink } = p;
  for (let i = from; i < to; i++) {
    const wi = w[i];
    const gi = g[i] + l2 * wi;
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = wi - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps) - shrink * wi;
  }
}

function adamKernel(access: (backend: unknown) => Access, simd: boolean) {
  return ({ inputs, backend, attrs }: Args): Info[] => {
    if (simd) {
      const out = simdAdam(backend, inputs, attrs);
      if (out) return out;
    }
    const a = access(backend);
    const { infos, views } = a.outputs([...inputs.w.shape], 3);
    // Views of the inputs after the allocations (the wasm heap may have grown).
    const w = a.read(inputs.w);
    const g = a.read(inputs.g);
    const m = a.read(inputs.m);
    const v = a.read(inputs.v);
    const [wOut, mOut, vOut] = views;
    adamRange(w, g, m, v, wOut, mOut, vOut, adamParameters(attrs), 0, w.length);
    return infos;
  };
}

function sgdKernel(access: (backend: unknown) => Access) {
  return ({ inputs, backend, attrs }: Args): Info[] => {
    const a = access(backend);
    const { infos, views } = a.outputs([...inputs.w.shape], 2);
    const w = a.read(inputs.w);
    const g = a.read(inputs.g);
    const b = a.read(inputs.b);
    const [wOut, bOut] = views;
    const lr = attrs.lr as number;
    const mu = attrs.momentum as number;
    const wd = attrs.weightDecay as number;
    const nesterov = !!attrs.nesterov;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + wd * w[i];
      const bi = mu * b[i] + gi;
      bOut[i] = bi;
      wOut[i] = w[i] - lr * (nesterov ? gi + mu * bi : bi);
    }
    return infos;
  };
}

function emaKernel(access: (backend: unknown) => Access) {
  return ({ inputs, backend, attrs }: Args): Info[] => {
    const a = access(backend);
    const { infos, views } = a.outputs([...inputs.ema.shape], 1);
    const e = a.read(inputs.ema);
    const w = a.read(inputs.w);
    const out = views[0];
    const d = attrs.decay as number;
    for (let i = 0; i < e.length; i++) out[i] = d * e[i] + (1 - d) * w[i];
    return infos;
  };
}

let registered = false;

/** Registers the fused optimizer kernels for `wasm` and `cpu` (idempotent). */
export function registerFusedOptimizerKernels(): void {
  if (registered) return;
  registered = true;
  for (const [backendName, access] of [['wasm', wasmAccess], ['cpu', cpuAccess]] as const) {
    if (!tf.getKernel(FUSED_ADAM_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName, kernelFunc: adamKernel(access, backendName === 'wasm') as unknown as tf.KernelFunc });
    }
    if (!tf.getKernel(FUSED_SGD_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: FUSED_SGD_KERNEL, backendName, kernelFunc: sgdKernel(access) as unknown as tf.KernelFunc });
    }
    if (!tf.getKernel(FUSED_EMA_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: FUSED_EMA_KERNEL, backendName, kernelFunc: emaKernel(access) as unknown as tf.KernelFunc });
    }
  }
}

/** Whether the active backend has the fused kernels. */
export function hasFusedOptimizerKernels(): boolean {
  registerFusedOptimizerKernels();
  return !!tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend());
}
