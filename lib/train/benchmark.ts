/**
 * Training-throughput measurements behind `npm run bench:train` and `asl bench`: images per second
 * of the benchmark models (forward + BCE + backward + Adam lr 1e-3, the trainer's own
 * {@link trainStep}), the wasm backend's best matMul throughput and the fraction of it the MLP's
 * layers reach, and the before/after effect of each wasm fix.
 *
 * - `cnn`: 48×48×1, batch 64: conv3×3(16) ReLU, maxpool 2, conv3×3(32) ReLU, maxpool 2,
 *   conv3×3(64) ReLU, global average pool, dense(10).
 * - `mlp`: 4096, batch 128: dense(512) ReLU, dense(256) ReLU, dense(10).
 * - `cnn-bn`: the book's CNN (zoo `bn-cnn`), 64×64×3, batch 128, 80 classes: 3 × [conv3×3 → batch
 *   norm → ReLU → maxpool 2] with 16, 32, 64 channels, conv3×3(64) ReLU, global average pool,
 *   dense(80).
 */
import * as tf from '../core/tf';
import { binaryCrossEntropy } from '../losses/bce';
import { activeWasmTrainingFixes, registerWasmTrainingFixes, unregisterWasmTrainingFixes } from '../backend/wasm-fixes';
import { setWasmSimdKernelsEnabled, setWasmThreads, wasmThreads } from '../backend/simd/backend-heap';
import type { WasmFixName } from '../backend/wasm-fixes';
import { bnCnn, referenceCnn, referenceMlp } from './models';
import { TrainingOptimizer, trainableWeightsOf } from './optimizer';
import { trainStep } from './step';
import { markBatchNormRelu } from '../backend/fixes/batch-norm';

export interface MatMulEfficiency {
  /** Best of the square products on the default wasm set-up (the workbook's SIMD product). */
  bestMatMulGflops: number;
  matMulGflopsBySize: Record<string, number>;
  /** The same with the SIMD kernels off: tfjs' XNNPACK product, packing cached. */
  xnnpackBestMatMulGflops: number;
  xnnpackMatMulGflopsBySize: Record<string, number>;
  mlpForwardMs: number;
  mlpBackwardMs: number;
  mlpForwardGflops: number;
  mlpBackwardGflops: number;
  /** Forward with the weights packed once (inference). */
  mlpForwardFraction: number;
  mlpBackwardFraction: number;
  /** Forward with new weight tensors before every call, as in training (repacked every time). */
  mlpForwardFreshWeightsMs: number;
  mlpForwardFreshWeightsFraction: number;
}

/** The models of the benchmark. */
export type BenchmarkModel = 'cnn' | 'mlp' | 'cnn-bn';

export const BENCHMARK_MODELS: readonly BenchmarkModel[] = ['cnn', 'mlp', 'cnn-bn'];

/** Input shape (one sample), batch size and class count of each benchmark model. */
export const BENCHMARK_SHAPES: Record<BenchmarkModel, { input: number[]; batch: number; classes: number }> = {
  cnn: { input: [48, 48, 1], batch: 64, classes: 10 },
  mlp: { input: [4096], batch: 128, classes: 10 },
  'cnn-bn': { input: [64, 64, 3], batch: 128, classes: 80 },
};

export interface TrainingThroughput {
  imagesPerSecond: number;
  msPerStep: number;
  steps: number;
}

/**
 * A benchmark model (seed 1), random inputs and targets, an Adam optimizer and `step()`, one
 * training step ending with a read-back of the loss. Dispose it when done.
 */
export function benchmarkStep(kind: BenchmarkModel, options: { fusedOptimizer?: boolean } = {}) {
  const { input, batch, classes } = BENCHMARK_SHAPES[kind];
  const o = { inputShape: input, numClasses: classes, seed: 1 };
  const model = kind === 'cnn' ? referenceCnn(o) : kind === 'cnn-bn' ? bnCnn(o) : referenceMlp(o);
  markBatchNormRelu(model); // as trainModel does
  const x = tf.randomUniform([batch, ...input], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([batch, classes], 0, 1, 'float32', 4), 0.3), 'float32'));
  const optimizer = new TrainingOptimizer({ name: 'adam', weightDecay: 0, fused: options.fusedOptimizer ?? true }, trainableWeightsOf(model));
  const loss = (logits: tf.Tensor, targets: tf.Tensor) => binaryCrossEntropy(logits, targets) as tf.Scalar;
  return {
    model,
    x,
    y,
    batch,
    step(): number {
      const r = trainStep(model, optimizer, loss, x, y, { lr: 1e-3 });
      const value = r.loss.dataSync()[0];
      r.loss.dispose();
      return value;
    },
    dispose(): void {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

export function measureTrainingThroughput(kind: BenchmarkModel, steps = 10, warmup = 3, options: { fusedOptimizer?: boolean } = {}): TrainingThroughput {
  const bench = benchmarkStep(kind, options);
  const { batch } = bench;
  const one = () => bench.step();
  try {
    for (let i = 0; i < warmup; i++) one();
    const start = performance.now();
    for (let i = 0; i < steps; i++) one();
    const ms = (performance.now() - start) / steps;
    return { imagesPerSecond: (1000 * batch) / ms, msPerStep: ms, steps };
  } finally {
    bench.dispose();
  }
}

function time(f: () => tf.Tensor | tf.Tensor[], reps: number): number {
  tf.dispose(f());
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const out = f();
    (Array.isArray(out) ? out[0] : out).dataSync();
    tf.dispose(out);
  }
  return (performance.now() - start) / reps;
}

/** GFLOP/s of square products n×n·n×n (operands constant, so XNNPACK's packing is cached). */
function squareMatMulGflops(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of [256, 512, 1024]) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const ms = time(() => tf.matMul(a, b), 5);
    out[`${n}`] = (2 * n * n * n) / ms / 1e6;
    tf.dispose([a, b]);
  }
  return out;
}

/**
 * The wasm backend's best matMul throughput (with the workbook's fixes, i.e. its SIMD product),
 * XNNPACK's best for comparison (SIMD kernels off, constant operands), and the MLP's forward and
 * backward fraction of the best.
 */
export function matMulEfficiency(): MatMulEfficiency {
  const best = squareMatMulGflops();
  const bestGflops = Math.max(...Object.values(best));
  const xnnpack = withoutSimdKernels(squareMatMulGflops);
  const bench = benchmarkStep('mlp');
  const { model, x, y } = bench;
  const dims = [4096, 512, 256, 10];
  const forwardFlops = dims.slice(1).reduce((s, d, i) => s + 2 * 128 * dims[i] * d, 0);
  const fwdMs = time(() => model.apply(x) as tf.Tensor, 10);
  const weights = trainableWeightsOf(model).map((w) => w.variable);
  const fwdBwdMs = time(() => {
    const { value, grads } = tf.variableGrads(() => binaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y) as tf.Scalar, weights);
    return [value, ...Object.values(grads)];
  }, 10);
  const bwdMs = Math.max(fwdBwdMs - fwdMs, 1e-6);
  // Forward as in training: the weights are new tensors after every update, so XNNPACK packs them
  // again on every product (fresh copies are made outside the timed region).
  let freshMs = 0;
  const reps = 10;
  for (let i = -1; i < reps; i++) {
    const fresh = model.weights.map((w) => tf.add(w.read(), 0));
    model.setWeights(fresh);
    tf.dispose(fresh);
    const start = performance.now();
    const out = model.apply(x) as tf.Tensor;
    out.dataSync();
    if (i >= 0) freshMs += performance.now() - start;
    out.dispose();
  }
  const fwdFreshMs = freshMs / reps;
  // Backward: dW of every layer and dX of every layer but the first (tfjs prunes the input's gradient).
  const backwardFlops = 2 * forwardFlops - 2 * 128 * dims[0] * dims[1];
  const forwardGflops = forwardFlops / fwdMs / 1e6;
  const backwardGflops = backwardFlops / bwdMs / 1e6;
  bench.dispose();
  return {
    bestMatMulGflops: bestGflops,
    matMulGflopsBySize: best,
    xnnpackBestMatMulGflops: Math.max(...Object.values(xnnpack)),
    xnnpackMatMulGflopsBySize: xnnpack,
    mlpForwardMs: fwdMs,
    mlpBackwardMs: bwdMs,
    mlpForwardGflops: forwardGflops,
    mlpBackwardGflops: backwardGflops,
    mlpForwardFraction: forwardGflops / bestGflops,
    mlpBackwardFraction: backwardGflops / bestGflops,
    mlpForwardFreshWeightsMs: fwdFreshMs,
    mlpForwardFreshWeightsFraction: forwardFlops / fwdFreshMs / 1e6 / bestGflops,
  };
}

/** Throughput with each fix switched off alone (before) and on (after). */
export function wasmFixSpeedups(log: (line: string) => void = () => {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all = activeWasmTrainingFixes();
  const affects: Record<WasmFixName, BenchmarkModel[]> = {
    conv2d: ['cnn', 'cnn-bn'],
    conv2dBackpropFilter: ['cnn'],
    conv2dBackpropInput: ['cnn', 'cnn-bn'],
    maxPool: ['cnn-bn'],
    maxPoolGrad: ['cnn', 'cnn-bn'],
    matMul: ['mlp'],
    batchNorm: ['cnn-bn'],
    relu: ['cnn-bn'],
    identity: ['cnn-bn'],
    mean: ['cnn', 'cnn-bn'],
  };
  for (const fix of all) {
    const entry: Record<string, unknown> = {};
    for (const kind of affects[fix]) {
      const after = measureTrainingThroughput(kind, 3, 1).imagesPerSecond;
      unregisterWasmTrainingFixes([fix]);
      let before: number | string;
      try {
        before = measureTrainingThroughput(kind, 2, 1).imagesPerSecond;
      } catch (e) {
        before = `fails: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        registerWasmTrainingFixes([fix]);
      }
      entry[kind] = { before, after, speedup: typeof before === 'number' ? after / before : null };
      log(`fix ${fix} on ${kind}: before ${typeof before === 'number' ? before.toFixed(1) + ' img/s' : before}, after ${after.toFixed(1)} img/s`);
    }
    out[fix] = entry;
  }
  // The fused optimizer kernels (lib/backend/fixes/fused-optimizer) against Adam written with tf ops.
  out.fusedOptimizer = switchSpeedups('fusedOptimizer', (kind, on) => measureTrainingThroughput(kind, 3, 1, { fusedOptimizer: on }).imagesPerSecond, log);
  // The SIMD kernels (products, convolutions, batch norm, pooling, Adam) against the fixes'
  // fallbacks (XNNPACK, JS loops).
  out.simdKernels = switchSpeedups(
    'simdKernels',
    (kind, on) => {
      const run = () => measureTrainingThroughput(kind, 3, 1).imagesPerSecond;
      return on ? run() : withoutSimdKernels(run);
    },
    log,
  );
  // Kernel threads (../backend/simd/threads) against one thread.
  if (wasmThreads() > 1) {
    const threads = wasmThreads();
    out.threads = switchSpeedups(
      `threads (${threads} vs 1)`,
      (kind, on) => {
        if (on) return measureTrainingThroughput(kind, 3, 1).imagesPerSecond;
        setWasmThreads(1);
        try {
          return measureTrainingThroughput(kind, 3, 1).imagesPerSecond;
        } finally {
          setWasmThreads(threads);
        }
      },
      log,
    );
  }
  return out;
}

/** Before/after throughput of one switch on both models: `measure(kind, true)` with it on, `false` off. */
function switchSpeedups(name: string, measure: (kind: BenchmarkModel, on: boolean) => number, log: (line: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of BENCHMARK_MODELS) {
    const after = measure(kind, true);
    const before = measure(kind, false);
    out[kind] = { before, after, speedup: after / before };
    log(`fix ${name} on ${kind}: before ${before.toFixed(1)} img/s, after ${after.toFixed(1)} img/s`);
  }
  return out;
}

/** Runs `f` with the SIMD kernels switched off (their fallbacks run), switching them back on after. */
function withoutSimdKernels<T>(f: () => T): T {
  setWasmSimdKernelsEnabled(false);
  try {
    return f();
  } finally {
    setWasmSimdKernelsEnabled(true);
  }
}

