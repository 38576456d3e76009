/**
 * Training throughput of the two reference models on the default backend (wasm here), next to
 * PyTorch on the same machine in the same run.
 *
 *   npm run bench:train                 # table
 *   npm run bench:train -- --json       # one JSON object: {"backend", "cnn": {"imagesPerSecond"}, "mlp": {...}, ...}
 *   options: --steps N (timed steps, default 10), --warmup N (default 3), --no-torch, --no-fixes
 *            (skip the per-fix before/after), --no-matmul (skip the matMul-efficiency report)
 *
 * A step is forward + BCE loss + backward + Adam lr 1e-3 (the trainer's own `trainStep`), on random
 * inputs: cnn 48×48×1 batch 64, mlp 4096 batch 128, 10 classes. PyTorch runs
 * bench/pytorch_train_bench.py through Debian's /usr/bin/python3 with one thread
 * (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1)) and with its default threads.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  registerWasmTrainingFixes,
  unregisterWasmTrainingFixes,
  activeWasmTrainingFixes,
  binaryCrossEntropy,
} from '../lib/index';
import type { WasmFixName } from '../lib/index';
import { referenceCnn, referenceMlp } from '../lib/train/models';
import { TrainingOptimizer, trainableWeightsOf } from '../lib/train/optimizer';
import { trainStep } from '../lib/train/step';

const args = process.argv.slice(2);
const json = args.includes('--json');
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = numArg('--steps', 10);
const WARMUP = numArg('--warmup', 3);
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
  else console.error(...m);
};

type ModelKind = 'cnn' | 'mlp';

interface Throughput {
  imagesPerSecond: number;
  msPerStep: number;
  steps: number;
}

function setup(kind: ModelKind) {
  const classes = 10;
  const model = kind === 'cnn' ? referenceCnn({ inputShape: [48, 48, 1], numClasses: classes, seed: 1 }) : referenceMlp({ inputShape: [4096], numClasses: classes, seed: 1 });
  const batch = kind === 'cnn' ? 64 : 128;
  const x = tf.randomUniform(kind === 'cnn' ? [batch, 48, 48, 1] : [batch, 4096], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.randomUniform([batch, classes], 0, 1, 'float32', 4).less(0.3).toFloat());
  return { model, x, y, batch };
}

function measureTraining(kind: ModelKind, steps = STEPS, warmup = WARMUP): Throughput {
  const { model, x, y, batch } = setup(kind);
  const optimizer = new TrainingOptimizer({ name: 'adam', weightDecay: 0 }, trainableWeightsOf(model));
  const loss = (logits: tf.Tensor, targets: tf.Tensor) => binaryCrossEntropy(logits, targets) as tf.Scalar;
  const one = () => {
    const r = trainStep(model, optimizer, loss, x, y, { lr: 1e-3 });
    r.loss.dataSync();
    r.loss.dispose();
  };
  try {
    for (let i = 0; i < warmup; i++) one();
    const start = performance.now();
    for (let i = 0; i < steps; i++) one();
    const ms = (performance.now() - start) / steps;
    return { imagesPerSecond: (1000 * batch) / ms, msPerStep: ms, steps };
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
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

/** The wasm backend's best matMul throughput and the MLP's forward/backward fraction of it. */
function matMulEfficiency() {
  const best: Record<string, number> = {};
  let bestGflops = 0;
  for (const n of [256, 512, 1024]) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const ms = time(() => tf.matMul(a, b), 5);
    const g = (2 * n * n * n) / ms / 1e6;
    best[`${n}`] = g;
    bestGflops = Math.max(bestGflops, g);
    tf.dispose([a, b]);
  }
  const { model, x, y } = setup('mlp');
  const dims = [4096, 512, 256, 10];
  const forwardFlops = dims.slice(1).reduce((s, d, i) => s + 2 * 128 * dims[i] * d, 0);
  const fwdMs = time(() => model.apply(x) as tf.Tensor, 10);
  const weights = trainableWeightsOf(model).map((w) => w.variable);
  const fwdBwdMs = time(() => {
    const { value, grads } = tf.variableGrads(() => binaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y) as tf.Scalar, weights);
    return [value, ...Object.values(grads)];
  }, 10);
  const bwdMs = Math.max(fwdBwdMs - fwdMs, 1e-6);
  // Backward: dW for every layer, dX for every layer but the first (tfjs also computes the first's).
  const backwardFlops = 2 * forwardFlops;
  const forwardGflops = forwardFlops / fwdMs / 1e6;
  const backwardGflops = backwardFlops / bwdMs / 1e6;
  model.dispose();
  tf.dispose([x, y]);
  return {
    bestMatMulGflops: bestGflops,
    matMulGflopsBySize: best,
    mlpForwardMs: fwdMs,
    mlpBackwardMs: bwdMs,
    mlpForwardGflops: forwardGflops,
    mlpBackwardGflops: backwardGflops,
    mlpForwardFraction: forwardGflops / bestGflops,
    mlpBackwardFraction: backwardGflops / bestGflops,
  };
}

/** Throughput with each fix switched off alone (before) and on (after). */
function fixReport(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const all = activeWasmTrainingFixes();
  const affects: Record<WasmFixName, ModelKind[]> = {
    conv2dBackpropFilter: ['cnn'],
    conv2dBackpropInput: ['cnn'],
    maxPoolGrad: ['cnn'],
    transposedMatMul: ['mlp', 'cnn'],
  };
  for (const fix of all) {
    const entry: Record<string, unknown> = {};
    for (const kind of affects[fix]) {
      const after = measureTraining(kind, 3, 1).imagesPerSecond;
      unregisterWasmTrainingFixes([fix]);
      let before: number | string;
      try {
        before = measureTraining(kind, 2, 1).imagesPerSecond;
      } catch (e) {
        before = `fails: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        registerWasmTrainingFixes([fix]);
      }
      entry[kind] = { before, after, speedup: typeof before === 'number' ? after / before : null };
      log(`  fix ${fix} on ${kind}: before ${typeof before === 'number' ? before.toFixed(1) + ' img/s' : before}, after ${after.toFixed(1)} img/s`);
    }
    out[fix] = entry;
  }
  return out;
}

function pytorch(threads: 'one' | 'default'): Record<string, unknown> | { error: string } {
  const script = path.join(__dirname, 'pytorch_train_bench.py');
  const env = { ...process.env };
  if (threads === 'one') {
    env.OMP_NUM_THREADS = '1';
    env.OPENBLAS_NUM_THREADS = '1';
    env.MKL_NUM_THREADS = '1';
  } else {
    delete env.OMP_NUM_THREADS;
    delete env.OPENBLAS_NUM_THREADS;
    delete env.MKL_NUM_THREADS;
  }
  const r = spawnSync('/usr/bin/python3', [script, '--threads', threads === 'one' ? '1' : '0', '--steps', String(Math.max(STEPS, 10)), '--warmup', String(WARMUP)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function main() {
  const choice = await initBackend();
  log(`bench:train on ${choice.backend} (${choice.reason}); fixes: ${activeWasmTrainingFixes().join(', ') || 'none'}`);
  const withTorch = !args.includes('--no-torch');
  // Interleave: PyTorch one thread, tfjs, PyTorch one thread again (the machine is shared).
  const torchOne1 = withTorch ? pytorch('one') : undefined;
  const cnn = measureTraining('cnn');
  log(`  cnn: ${cnn.imagesPerSecond.toFixed(1)} img/s (${cnn.msPerStep.toFixed(1)} ms/step)`);
  const mlp = measureTraining('mlp');
  log(`  mlp: ${mlp.imagesPerSecond.toFixed(1)} img/s (${mlp.msPerStep.toFixed(1)} ms/step)`);
  const torchOne2 = withTorch ? pytorch('one') : undefined;
  const torchDefault = withTorch ? pytorch('default') : undefined;
  const result: Record<string, unknown> = { backend: choice.backend, cnn, mlp, steps: STEPS, warmup: WARMUP, fixes: activeWasmTrainingFixes() };
  if (withTorch) {
    const avg = (k: ModelKind) => {
      const vals = [torchOne1, torchOne2]
        .map((t) => (t && !('error' in t) ? ((t[k] as Throughput).imagesPerSecond) : NaN))
        .filter((v) => Number.isFinite(v));
      return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
    };
    const oneCnn = avg('cnn');
    const oneMlp = avg('mlp');
    result.pytorch = { oneThread: [torchOne1, torchOne2], defaultThreads: torchDefault };
    result.ratioToPytorchOneThread = { cnn: cnn.imagesPerSecond / oneCnn, mlp: mlp.imagesPerSecond / oneMlp, targets: { cnn: 0.25, mlp: 0.5 } };
    log(`  pytorch one thread (mean of 2 runs): cnn ${oneCnn.toFixed(1)} img/s, mlp ${oneMlp.toFixed(1)} img/s`);
    if (torchDefault && !('error' in torchDefault)) {
      log(`  pytorch default threads (${String(torchDefault.threads)}): cnn ${(torchDefault.cnn as Throughput).imagesPerSecond.toFixed(1)}, mlp ${(torchDefault.mlp as Throughput).imagesPerSecond.toFixed(1)} img/s`);
    }
    log(`  ratio to pytorch one thread: cnn ${(cnn.imagesPerSecond / oneCnn).toFixed(3)} (target ≥ 0.25), mlp ${(mlp.imagesPerSecond / oneMlp).toFixed(3)} (target ≥ 0.5)`);
  }
  if (!args.includes('--no-matmul') && choice.backend === 'wasm') {
    const m = matMulEfficiency();
    result.matMul = m;
    log(`  wasm best matMul ${m.bestMatMulGflops.toFixed(1)} GFLOP/s; mlp forward ${m.mlpForwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpForwardFraction).toFixed(0)}%), backward ${m.mlpBackwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpBackwardFraction).toFixed(0)}%)`);
  }
  if (!args.includes('--no-fixes') && choice.backend === 'wasm') result.fixSpeedups = fixReport();
  if (json) console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
