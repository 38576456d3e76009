/**
 * One-pass ASL kernel for the `wasm` and `cpu` backends: the value and the analytic gradient of the
 * asymmetric loss in a single loop over the elements (the tf-op formulation in ./asl-fused needs
 * ~25 element-wise kernels, each a full pass with its own dispatch). Registered as the tfjs kernel
 * `AslWorkbookAsymmetricLoss`; the gradient is supplied by `tf.customGrad` in ./asl-fused, so the
 * kernel itself never needs one. Backends without it (webgpu, tensorflow) use the tf-op path.
 *
 * Inputs {z, y} or {z, y, w}: logits, 0/1 targets `[N, C]` and optional element weights (mask ×
 * class weights), either `[N, C]` or `[1, C]`. Attrs: gammaNeg, gammaPos, clip, eps, detach (0/1),
 * mode (0: per element, 1: scaled sum), scale. Outputs [value, gradient]: value `[N, C]` or a scalar;
 * gradient `[N, C]` = d(value)/dz (weights and scale applied; the caller multiplies by the upstream
 * gradient).
 *
 * Math per element (derivation in ./asl-fused): p = σ(z), s = 1 − p, x = p (y = 1) or
 * q = min(s + m, 1) (y = 0), w = (1 − x)^γ_t, ℓ = −w·log(max(x, ε)),
 * dℓ/dz = −(2y − 1)·p·s·A·(w·[x > ε]/max(x, ε) − [¬detach]·γ_t·w·log(max(x, ε))/(1 − x)).
 * (A = [1 − x > 0] for shifted negatives, else 1.) p, s and q are rounded to float32 (Math.fround) as the tf-op and autodiff versions compute them, so
 * the three implementations agree to float32 rounding; the loss sum is accumulated in float64.
 */
import * as tf from '@tensorflow/tfjs';

export const ASL_KERNEL_NAME = 'AslWorkbookAsymmetricLoss';

interface Info {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface Access {
  read(t: Info): Float32Array;
  output(shape: number[]): Info;
  view(t: Info): Float32Array;
}

function wasmAccess(backend: unknown): Access {
  const b = backend as { makeOutput(s: number[], d: string): Info; typedArrayFromHeap(t: Info): Float32Array };
  return { read: (t) => b.typedArrayFromHeap(t), output: (s) => b.makeOutput(s, 'float32'), view: (t) => b.typedArrayFromHeap(t) };
}

function cpuAccess(backend: unknown): Access {
  const b = backend as {
    readSync(id: object): Float32Array;
    makeTensorInfo(s: number[], d: string, v?: Float32Array): Info;
  };
  const pending = new Map<object, Float32Array>();
  return {
    read: (t) => b.readSync(t.dataId) as Float32Array,
    output: (s) => {
      const v = new Float32Array(s.reduce((p, d) => p * d, 1));
      const info = b.makeTensorInfo(s, 'float32', v);
      pending.set(info.dataId, v);
      return info;
    },
    view: (t) => pending.get(t.dataId)!,
  };
}

type Args = { inputs: Record<string, Info>; backend: unknown; attrs: Record<string, number> };

function aslKernel(access: (backend: unknown) => Access) {
  return ({ inputs, backend, attrs }: Args): Info[] => {
    const a = access(backend);
    const shape = [...inputs.z.shape];
    const mode = attrs.mode;
    const valueInfo = a.output(mode === 1 ? [] : shape);
    const gradInfo = a.output(shape);
    // Views after all allocations (the wasm heap may grow and detach earlier views).
    const z = a.read(inputs.z);
    const y = a.read(inputs.y);
    const w = inputs.w ? a.read(inputs.w) : null;
    const out = a.view(valueInfo);
    const grad = a.view(gradInfo);
    const gammaNeg = attrs.gammaNeg;
    const gammaPos = attrs.gammaPos;
    const clip = attrs.clip;
    const eps = attrs.eps;
    const detach = attrs.detach === 1;
    const scale = mode === 1 ? attrs.scale : 1;
    const cols = shape[shape.length - 1] ?? 1;
    const wPerColumn = w !== null && w.length !== z.length;
    const f = Math.fround;
    let total = 0;
    for (let i = 0; i < z.length; i++) {
      const p = f(1 / (1 + Math.exp(-z[i])));
      const s = f(1 - p);
      const pos = y[i] === 1;
      const x = pos ? p : clip > 0 ? Math.min(f(s + clip), 1) : s;
      const gamma = pos ? gammaPos : gammaNeg;
      const xc = x > eps ? x : eps;
      const lx = Math.log(xc);
      const om = 1 - x;
      const wt = gamma === 0 ? 1 : Math.pow(om, gamma);
      const ew = w === null ? 1 : w[wPerColumn ? i % cols : i];
      const value = -wt * lx * ew;
      let g = 0;
      // [1 − x > 0] matters only for shifted negatives (p ≤ m: the clamp of q is active, zero gradient);
      // elsewhere 1 − x = 0 only where p·s = 0 already (or below float32 resolution), as in the tf-op path.
      if ((pos || clip <= 0 || om > 0) && ew !== 0) {
        let inner = x > eps ? wt / xc : 0;
        if (!detach && gamma > 0) inner -= (gamma * wt * lx) / (om > 1e-30 ? om : 1e-30);
        g = (pos ? -1 : 1) * p * s * inner * ew * scale;
      }
      grad[i] = g;
      if (mode === 1) total += value;
      else out[i] = value;
    }
    if (mode === 1) out[0] = total * scale;
    return [valueInfo, gradInfo];
  };
}

let registered = false;

/** Registers the one-pass ASL kernel for `wasm` and `cpu` (idempotent). */
export function registerAslKernel(): void {
  if (registered) return;
  registered = true;
  for (const [backendName, access] of [['wasm', wasmAccess], ['cpu', cpuAccess]] as const) {
    if (!tf.getKernel(ASL_KERNEL_NAME, backendName)) {
      tf.registerKernel({ kernelName: ASL_KERNEL_NAME, backendName, kernelFunc: aslKernel(access) as unknown as tf.KernelFunc });
    }
  }
}

/** Whether the active backend has the one-pass ASL kernel. */
export function hasAslKernel(): boolean {
  registerAslKernel();
  return !!tf.getKernel(ASL_KERNEL_NAME, tf.getBackend());
}
