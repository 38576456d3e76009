/**
 * Batch normalisation in training mode as two fused kernels on wasm.
 *
 * What tfjs does (tfjs-layers 4.22, `BatchNormalization.call` with `training: true`): `tf.moments`
 * (Mean, Sub, Square, Mean, plus a Cast) then `tf.batchNorm` (the `FusedBatchNorm` kernel), and the
 * running averages. Its gradient is tfjs' composed gradient of each of those ops (Tile, Sum,
 * Multiply, Sub, Reshape… about 40 kernels, most of them full passes over the activation): on the
 * book CNN (64×64×3, batch 128) batch norm tripled the step time, 2.65 s against 0.90 s without it.
 *
 * Here:
 * - `AslBatchNormTrain` {x, scale, offset} attrs {epsilon} → [y, mean, variance]: the batch's
 *   statistics and the normalised output, two passes (../simd/batch-norm).
 * - Its registered gradient runs `AslBatchNormTrainGrad` {dy, x, mean, variance, scale, dmean,
 *   dvariance} → [dx, dscale, doffset], two passes, with the gradients reaching the statistics
 *   (zero unless something else uses them) folded in, so it equals the composed gradient.
 * - `tf.layers.batchNormalization` uses them: while this fix is registered, the layer class's
 *   `call` is wrapped so that in training mode, normalising over the last axis (the default) on a
 *   backend that has the kernel (wasm), it runs `AslBatchNormTrain` and then updates the running
 *   averages exactly as tfjs does (`v ← v − (v − value)·(1 − momentum)`). Every other case (inference,
 *   other axes, other backends) runs tfjs' own code, and unregistering restores the class.
 *
 * - **Batch norm followed by ReLU** (the book CNN's conv → BN → ReLU): `markBatchNormRelu(model)`
 *   (trainModel calls it) marks each batch-norm layer whose only consumers are plain ReLU layers and
 *   whose output is not a model output. In training mode a marked layer runs
 *   `AslBatchNormReluTrain` (the output max(y, 0) in the same pass), and the ReLU layer, seeing a
 *   tensor that kernel rectified, passes it on (`clone`: `Identity`, no copy on wasm). Its gradient
 *   runs the gradient kernel with the output as a mask (dy counts where the output is > 0), which
 *   is what ReLU's gradient followed by batch norm's computes: one pass fewer each way, same numbers.
 *
 * The kernels run on the SIMD heap where available (split over the kernel threads), else in JS
 * loops with the same formulas.
 */
import * as tf from '../../core/tf';
import { batchNormBackward, batchNormForward } from '../simd/batch-norm';
import type { NormTarget } from '../simd/batch-norm';
import { heapOf, registerGradientOnce, replaceKernel, restoreKernel } from './kernel-api';
import type { KernelArgs, TensorInfoLike, WasmBackendLike } from './kernel-api';

export const BATCH_NORM_TRAIN_KERNEL = 'AslBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'AslBatchNormTrainGrad';
export const BATCH_NORM_RELU_TRAIN_KERNEL = 'AslBatchNormReluTrain';

function target(backend: WasmBackendLike): NormTarget {
  const heap = heapOf(backend);
  return {
    heap,
    view: () => new Float32Array(backend.wasm.asm.memory.buffer),
  };
}

const at = (backend: WasmBackendLike, t: TensorInfoLike) => backend.getMemoryOffset(t.dataId) / 4;

/**
 * Runs one of the two passes on x (P positions × C channels): allocates the full-size output and
 * two per-channel outputs, lets `compute` write the first and return the values of the others.
 */
function withOutputs(backend: WasmBackendLike, x: TensorInfoLike, compute: (P: number, C: number, out: number) => [ArrayLike<number>, ArrayLike<number>]): TensorInfoLike[] {
  const C = x.shape[x.shape.length - 1];
  const P = C === 0 ? 0 : x.shape.reduce((p, d) => p * d, 1) / C;
  const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([C], 'float32'), backend.makeOutput([C], 'float32')];
  const [a, b] = compute(P, C, at(backend, outs[0]));
  backend.typedArrayFromHeap(outs[1]).set(a);
  backend.typedArrayFromHeap(outs[2]).set(b);
  return outs;
}

const trainKernel =
  (relu: boolean) =>
  ({ inputs, backend, attrs }: KernelArgs): TensorInfoLike[] => {
    const x = inputs.x!;
    const gamma = backend.typedArrayFromHeap(inputs.scale!).slice();
    const beta = backend.typedArrayFromHeap(inputs.offset!).slice();
    return withOutputs(backend, x, (P, C, y) => {
      const { mean, variance } = batchNormForward(target(backend), at(backend, x), P, C, gamma, beta, attrs.epsilon as number, y, relu);
      return [mean, variance];
    });
  };

function batchNormTrainGradKernel({ inputs, backend, attrs }: KernelArgs): TensorInfoLike[] {
  const read = (name: string) => {
    const t = inputs[name];
    return t ? backend.typedArrayFromHeap(t).slice() : null;
  };
  const [mean, variance, scale, dmean, dvariance] = ['mean', 'variance', 'scale', 'dmean', 'dvariance'].map(read);
  return withOutputs(backend, inputs.x!, (P, C, dx) => {
    const reluOut = inputs.reluOut ? at(backend, inputs.reluOut) : null;
    const g = batchNormBackward(target(backend), at(backend, inputs.x!), at(backend, inputs.dy!), P, C, mean!, variance!, scale!, attrs.epsilon as number, dmean, dvariance, dx, reluOut);
    return [g.dscale, g.doffset];
  });
}

/**
 * The gradients of `AslBatchNormTrain` and `AslBatchNormReluTrain` (registered once; they only run
 * where the forward kernel ran). The fused kernel also saves its output, the ReLU's mask.
 */
function registerBatchNormGradient(): void {
  for (const relu of [false, true]) {
    registerGradientOnce({
      kernelName: relu ? BATCH_NORM_RELU_TRAIN_KERNEL : BATCH_NORM_TRAIN_KERNEL,
      inputsToSave: ['x', 'scale'],
      outputsToSave: [relu, true, true],
      gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const [dy, dmean, dvariance] = dys as tf.Tensor[];
        const [x, scale, ...outs] = saved;
        const [mean, variance] = outs.slice(-2);
        const reluOut = relu ? { reluOut: outs[0] } : {};
        // Computed once here (not in the per-input closures): the tape calls the gradient once per
        // node, then each input's closure; outputs nobody asks for are disposed with the backward pass.
        const [dx, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, { dy, x, mean, variance, scale, dmean, dvariance, ...reluOut } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
        return { x: () => dx, scale: () => dscale, offset: () => doffset };
      },
    });
  }
}

/**
 * Training-mode batch normalisation over the last axis: [y, batch mean, batch variance] (runs
 * `AslBatchNormTrain`, or with `relu` `AslBatchNormReluTrain`: y = max(normalised x, 0);
 * differentiable). Exposed for tests and for layers of the workbook.
 */
export function batchNormTraining(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number, options: { relu?: boolean } = {}): [tf.Tensor, tf.Tensor, tf.Tensor] {
  registerBatchNormGradient();
  const kernel = options.relu ? BATCH_NORM_RELU_TRAIN_KERNEL : BATCH_NORM_TRAIN_KERNEL;
  return tf.engine().runKernel(kernel, { x, scale, offset }, { epsilon }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** The fields of tfjs-layers' `BatchNormalization` the wrapped `call` reads. */
interface BatchNormLayerLike {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type LayerCall = (this: BatchNormLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor;
type ReluCall = (this: { maxValue?: number | null }, inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => tf.Tensor;

/**
 * A layer class's `call` replaced by a wrapper: `install` saves the class's own `call` and puts the
 * wrapper on the prototype (once), `restore` puts the saved one back, `original` is the class's own
 * (what the wrapper runs when its case does not apply).
 */
class LayerCallPatch<C> {
  private prototype?: { call: C };
  private saved?: C;
  constructor(
    private readonly makeLayer: () => object,
    private readonly wrapper: C,
  ) {}

  get original(): C {
    if (!this.saved) throw new Error('batch-norm fix: a wrapped layer call ran without its original');
    return this.saved;
  }

  install(): void {
    if (this.saved) return;
    this.prototype ??= Object.getPrototypeOf(this.makeLayer()) as { call: C };
    this.saved = this.prototype.call;
    this.prototype.call = this.wrapper;
  }

  restore(): void {
    if (!this.saved) return;
    this.prototype!.call = this.saved;
    this.saved = undefined;
  }
}

/** Batch-norm layers whose ReLU runs fused into them (`markBatchNormRelu`). */
const fusedWithRelu = new WeakSet<object>();
/** Outputs of the fused kernel: the ReLU layer that receives one passes it on. */
const rectified = new WeakSet<tf.Tensor>();

/** The structure of a tfjs-layers model `markBatchNormRelu` reads. */
interface LayerNodeLike {
  outboundLayer: { getClassName(): string; maxValue?: number | null };
}
interface GraphLayerLike {
  getClassName(): string;
  outboundNodes: LayerNodeLike[];
  layers?: GraphLayerLike[];
  outputs?: Array<{ sourceLayer: unknown }>;
}

const isPlainRelu = (layer: LayerNodeLike['outboundLayer']) => layer.getClassName() === 'ReLU' && layer.maxValue == null;

/**
 * Marks the batch-norm layers of `model` (and of the models nested in it) that can run their ReLU
 * fused: every consumer a plain `ReLU` layer (no maxValue), the output not an output of the model.
 * Other batch-norm layers are unmarked. Returns the number marked. Only training-mode calls on a
 * backend with the kernel change; inference runs tfjs' own layers.
 */
export function markBatchNormRelu(model: tf.LayersModel): number {
  let marked = 0;
  const visit = (m: GraphLayerLike) => {
    const outputs = new Set((m.outputs ?? []).map((o) => o.sourceLayer));
    for (const layer of m.layers ?? []) {
      if (layer.layers) visit(layer);
      if (layer.getClassName() !== 'BatchNormalization') continue;
      const nodes = layer.outboundNodes;
      if (nodes.length > 0 && nodes.every((n) => isPlainRelu(n.outboundLayer)) && !outputs.has(layer)) {
        fusedWithRelu.add(layer);
        marked++;
      } else fusedWithRelu.delete(layer);
    }
  };
  visit(model as unknown as GraphLayerLike);
  return marked;
}

/** Whether the wrapped `call` takes this case (else tfjs' own code runs). */
function fusedApplies(layer: BatchNormLayerLike, x: tf.Tensor, training: boolean): boolean {
  const axis = layer.axis >= 0 ? layer.axis : layer.axis + x.rank;
  return training && x.rank >= 2 && axis === x.rank - 1 && x.dtype === 'float32' && layer.center && layer.scale && !!tf.getKernel(BATCH_NORM_TRAIN_KERNEL, tf.getBackend());
}

function movingAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}

const fusedCall: LayerCall = function (this: BatchNormLayerLike, inputs, kwargs) {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (!(Array.isArray(inputs) ? inputs.length === 1 : true) || !fusedApplies(this, x, !!kwargs.training)) return batchNormCall.original.call(this, inputs, kwargs);
  const relu = fusedWithRelu.has(this) && !!tf.getKernel(BATCH_NORM_RELU_TRAIN_KERNEL, tf.getBackend());
  const y = tf.tidy(() => {
    const [out, mean, variance] = batchNormTraining(x, this.gamma.read(), this.beta.read(), this.epsilon, { relu });
    movingAverage(this.movingMean, mean, this.momentum);
    movingAverage(this.movingVariance, variance, this.momentum);
    return out;
  });
  if (relu) rectified.add(y);
  return y;
};

/** ReLU layers: an input the fused kernel already rectified goes on as it is. */
const reluCall: ReluCall = function (this: { maxValue?: number | null }, inputs, kwargs) {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (rectified.has(x) && this.maxValue == null && (!Array.isArray(inputs) || inputs.length === 1)) return tf.clone(x);
  return reluLayerCall.original.call(this, inputs, kwargs);
};

const batchNormCall = new LayerCallPatch<LayerCall>(() => tf.layers.batchNormalization({}), fusedCall);
const reluLayerCall = new LayerCallPatch<ReluCall>(() => tf.layers.reLU(), reluCall);

/** Registers the kernels on wasm and wraps the layer's `call` (idempotent). */
export function registerBatchNormFix(): void {
  registerBatchNormGradient();
  replaceKernel(BATCH_NORM_TRAIN_KERNEL, trainKernel(false));
  replaceKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, batchNormTrainGradKernel);
  replaceKernel(BATCH_NORM_RELU_TRAIN_KERNEL, trainKernel(true));
  batchNormCall.install();
  reluLayerCall.install();
}

/** Removes the kernels and restores the layer's own `call`. */
export function unregisterBatchNormFix(): void {
  restoreKernel(BATCH_NORM_TRAIN_KERNEL);
  restoreKernel(BATCH_NORM_TRAIN_GRAD_KERNEL);
  restoreKernel(BATCH_NORM_RELU_TRAIN_KERNEL);
  batchNormCall.restore();
  reluLayerCall.restore();
}
