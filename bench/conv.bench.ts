/**
 * Rate of the wasm convolution kernels on the layers of the benchmark CNNs: forward (with bias and
 * ReLU, as the layers run it), input gradient and filter gradient, in ms and GFLOP/s (2·MACs of the
 * layer), medians of timed calls after warm-up. Use it to see which of the three lags the others.
 *
 *   npm run bench:conv                      # table, the kernel threads of ASL_THREADS (default: all cores)
 *   ASL_THREADS=1 npm run bench:conv        # one thread: the micro-kernels' own rate
 *   npm run bench:conv -- --json [--reps N] [--warmup N]
 *
 * The input gradient of a first layer (1 or 3 input channels) is slow, and never runs in training:
 * the conv layers' registered gradient computes only the gradients on the tape's path.
 * The first timed layer can read low while V8 is still optimising the kernels on the worker
 * threads; the warm-up runs every kernel on every layer first.
 */
import * as tf from '../lib/core/tf';
import { parseArgs } from 'node:util';
import { initBackend, wasmThreads } from '../lib/backend/index';

// Unknown flags are an error (parseArgs is strict by default).
const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, reps: { type: 'string', default: '9' }, warmup: { type: 'string', default: '3' } } });
const count = (flag: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} ${raw}: expected a whole number ≥ 1`);
  return n;
};
const json = values.json;
const REPS = count('reps', values.reps);
const WARMUP = count('warmup', values.warmup);

interface Layer {
  model: string;
  x: [number, number, number, number];
  outC: number;
}

/** The 3×3 'same' convolutions of the reference CNN (batch 64) and the book CNN (batch 128). */
const LAYERS: Layer[] = [
  { model: 'cnn', x: [64, 48, 48, 1], outC: 16 },
  { model: 'cnn', x: [64, 24, 24, 16], outC: 32 },
  { model: 'cnn', x: [64, 12, 12, 32], outC: 64 },
  { model: 'cnn-bn', x: [128, 64, 64, 3], outC: 16 },
  { model: 'cnn-bn', x: [128, 32, 32, 16], outC: 32 },
  { model: 'cnn-bn', x: [128, 16, 16, 32], outC: 64 },
  { model: 'cnn-bn', x: [128, 8, 8, 64], outC: 64 },
];

type Pass = 'forward' | 'inputGrad' | 'filterGrad';
const PASSES: Pass[] = ['forward', 'inputGrad', 'filterGrad'];

function medianMs(f: () => tf.Tensor, reps: number): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = f();
    times.push(performance.now() - t0);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

async function main(): Promise<void> {
  const choice = await initBackend({ backend: 'wasm' });
  const rows: Record<string, unknown>[] = [];
  const cases = LAYERS.map((l) => {
    const x = tf.randomUniform(l.x, -1, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, l.x[3], l.outC], -1, 1, 'float32', 2) as tf.Tensor4D;
    const b = tf.randomUniform([l.outC], -1, 1, 'float32', 3) as tf.Tensor1D;
    const dy = tf.randomUniform([l.x[0], l.x[1], l.x[2], l.outC], -1, 1, 'float32', 4);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const run: Record<Pass, () => tf.Tensor> = {
      forward: () => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
      inputGrad: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: l.x } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filterGrad: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
    return { layer: l, tensors: [x, w, b, dy], run };
  });
  try {
    for (const c of cases) for (const p of PASSES) medianMs(c.run[p], WARMUP);
    for (const { layer, run } of cases) {
      const gflop = (2 * layer.x[0] * layer.x[1] * layer.x[2] * 9 * layer.x[3] * layer.outC) / 1e9;
      const row: Record<string, unknown> = { model: layer.model, input: layer.x, outC: layer.outC, gflop };
      for (const p of PASSES) {
        const ms = medianMs(run[p], REPS);
        row[p] = { ms, gflops: gflop / (ms / 1000) };
      }
      rows.push(row);
    }
  } finally {
    for (const c of cases) tf.dispose(c.tensors);
  }
  const result = { backend: choice.backend, threads: wasmThreads(), reps: REPS, layers: rows };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`convolution kernels on ${choice.backend}, ${wasmThreads()} thread(s), medians of ${REPS} calls: ms (GFLOP/s)`);
  console.log(`${'model'.padEnd(7)} ${'input'.padEnd(16)} ${'outC'.padStart(4)}   ${PASSES.map((p) => p.padStart(16)).join(' ')}`);
  for (const r of rows) {
    const cells = PASSES.map((p) => {
      const v = r[p] as { ms: number; gflops: number };
      return `${v.ms.toFixed(2)} (${v.gflops.toFixed(1)})`.padStart(16);
    });
    console.log(`${String(r.model).padEnd(7)} ${(r.input as number[]).join('×').padEnd(16)} ${String(r.outC).padStart(4)}   ${cells.join(' ')}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
