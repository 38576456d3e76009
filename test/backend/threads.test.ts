/**
 * Kernel threads (lib/backend/simd/threads, shared-heap): the thread count rules (ASL_THREADS, one
 * thread in worker threads), the module rewrite that gives tfjs a shared heap, the pool (results,
 * errors), one thread without a shared heap under ASL_THREADS=1, and a whole training step of the
 * book CNN that is bit-identical on one thread and on all of them.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '../../lib/core/tf';
import { reassertGradients } from '../../lib/backend/fixes/kernel-api';
import { initBackend, configuredThreadCount, setWasmThreads, wasmThreads } from '../../lib/backend/index';
import { shareModuleMemory } from '../../lib/backend/simd/shared-heap';
import { simdHeap } from '../../lib/backend/simd/backend-heap';
import { isSharedMemory } from '../../lib/backend/simd/wasm-api';
import { runJobs, splitRange } from '../../lib/backend/simd/jobs';
import { gemmLimits } from '../../lib/backend/simd/gemm';
import { benchmarkStep } from '../../lib/train/benchmark';
import { bnCnn } from '../../lib/train/models';
import { TrainingOptimizer, trainableWeightsOf } from '../../lib/train/optimizer';
import { trainStep } from '../../lib/train/step';
import { binaryCrossEntropy } from '../../lib/losses/bce';
import { registerFusedOptimizerKernels, FUSED_ADAM_KERNEL } from '../../lib/backend/fixes/fused-optimizer';
import { assertWasmMatchesCpu, randomTensor } from './wasm-compare';

const leb = (n: number) => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s: string) => [...leb(s.length), ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

/** A module that defines a memory (1 page, max 10) and exports it with `malloc` and `free`, like tfjs'. */
function emscriptenLikeModule(exportsMalloc = true): Uint8Array {
  const types = section(1, [2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 1, 0x7f, 0]);
  const funcs = section(3, [2, 0, 1]);
  const memory = section(5, [1, 0x01, 1, 10]);
  const exps = [[...str('memory'), 2, 0], [...str(exportsMalloc ? 'malloc' : 'alloc'), 0, 0], [...str('free'), 0, 1]];
  const exportSection = section(7, [exps.length, ...exps.flat()]);
  const malloc = [0, 0x41, ...leb(1024), 0x0b];
  const free = [0, 0x0b];
  const code = section(10, [2, ...leb(malloc.length), ...malloc, ...leb(free.length), ...free]);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...funcs, ...memory, ...exportSection, ...code]);
}

interface WA {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBufferLike };
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WA }).WebAssembly;

describe('kernel threads', () => {
  before(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('thread count: ASL_THREADS, else the available parallelism; always 1 in a worker thread', () => {
    assert.equal(configuredThreadCount({ ASL_THREADS: '3' }, true), 3);
    assert.equal(configuredThreadCount({ ASL_THREADS: ' 1 ' }, true), 1);
    assert.equal(configuredThreadCount({}, true), os.availableParallelism());
    assert.equal(configuredThreadCount({ ASL_THREADS: '4' }, false), 1);
    assert.throws(() => configuredThreadCount({ ASL_THREADS: '0' }, true), /ASL_THREADS=0/);
    assert.throws(() => configuredThreadCount({ ASL_THREADS: 'two' }, true), /ASL_THREADS=two/);
  });

  it('rewrites a module that defines its memory into one that imports a shared memory', () => {
    const rewritten = shareModuleMemory(emscriptenLikeModule());
    assert.ok(rewritten);
    assert.equal(rewritten.initial, 1);
    assert.equal(rewritten.maximum, 10);
    const memory = new WA.Memory({ initial: 1, maximum: 10, shared: true });
    const instance = new WA.Instance(new WA.Module(rewritten.bytes), { asl: { sharedHeap: memory } });
    assert.equal(instance.exports.memory, memory);
    assert.ok(memory.buffer instanceof SharedArrayBuffer);
    assert.equal((instance.exports.malloc as (n: number) => number)(8), 1024);
    // Modules of another kind are left alone.
    assert.equal(shareModuleMemory(emscriptenLikeModule(false)), null);
    assert.equal(shareModuleMemory(rewritten.bytes), null);
    assert.equal(shareModuleMemory(new Uint8Array([1, 2, 3])), null);
  });

  it('tfjs runs on a shared heap with kernel threads (unless one thread is configured)', () => {
    const heap = simdHeap(tf.backend() as never);
    assert.ok(heap);
    if (configuredThreadCount() > 1) {
      assert.ok(isSharedMemory(heap.memory), 'the heap is shared');
      assert.equal(heap.pool?.capacity, configuredThreadCount());
    } else assert.equal(heap.pool, undefined);
  });

  it('the pool runs every job, and reports a failure on a worker thread', () => {
    const heap = simdHeap(tf.backend() as never)!;
    const x = randomTensor([1003], 1);
    const y = tf.zerosLike(x);
    const b = tf.backend() as unknown as { getMemoryOffset(id: object): number };
    const px = b.getMemoryOffset(x.dataId);
    const py = b.getMemoryOffset(y.dataId);
    const ranges = splitRange(250, 7);
    runJobs(heap, 'relu', ranges.map(([v0, v1]) => [px + 16 * v0, py + 16 * v1 - 16 * (v1 - v0), 4 * (v1 - v0)]));
    const xs = x.dataSync();
    const ys = y.dataSync();
    for (let i = 0; i < 1000; i++) assert.equal(ys[i], Math.max(xs[i], 0), `element ${i}`);
    if (heap.pool && heap.pool.threads > 1) {
      // An address past the end of the memory traps; the job on the worker must surface as an error.
      const far = 0x7fff0000;
      assert.throws(() => heap.pool!.run('relu', [[px, py, 4], [far, far, 4096]]), /failed on a worker thread|out of bounds/);
    }
    tf.dispose([x, y]);
  });

  it('ASL_THREADS=1: one thread, a plain heap, the same kernels', () => {
    const script = [
      "const { initBackend } = require('./lib/backend/select');",
      "const { wasmThreads } = require('./lib/backend/simd/backend-heap');",
      "const tf = require('./lib/core/tf');",
      'initBackend().then(() => {',
      '  const m = tf.backend().wasm.asm.memory;',
      "  console.log(JSON.stringify({ threads: wasmThreads(), shared: m.buffer instanceof SharedArrayBuffer, backend: tf.getBackend() }));",
      '});',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..', '..'), env: { ...process.env, ASL_THREADS: '1' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { threads: 1, shared: false, backend: 'wasm' });
  });

  it('training steps of the book CNN are bit-identical on one thread and on all threads (sizes large enough to split)', async () => {
    await tf.setBackend('wasm');
    const run = (threads: number) => {
      const all = wasmThreads();
      setWasmThreads(threads);
      try {
        const model = bnCnn({ inputShape: [30, 26, 3], numClasses: 7, seed: 5, channels: [8, 12] });
        const weights = trainableWeightsOf(model);
        const optimizer = new TrainingOptimizer({ name: 'adam' }, weights);
        const x = randomTensor([16, 30, 26, 3], 2, 0, 1);
        const y = tf.tidy(() => tf.cast(tf.less(randomTensor([16, 7], 3, 0, 1), 0.3), 'float32'));
        const losses: number[] = [];
        for (let s = 0; s < 2; s++) {
          const r = trainStep(model, optimizer, (z, t) => binaryCrossEntropy(z, t) as tf.Scalar, x, y, { lr: 1e-2 });
          losses.push(r.loss.dataSync()[0]);
          r.loss.dispose();
        }
        const values = model.weights.map((w) => Array.from(w.read().dataSync()));
        optimizer.dispose();
        model.dispose();
        tf.dispose([x, y]);
        return { losses, values };
      } finally {
        setWasmThreads(all);
      }
    };
    const before = tf.memory().numTensors;
    const one = run(1);
    const many = run(os.availableParallelism());
    assert.deepEqual(many.losses, one.losses);
    assert.deepEqual(many.values, one.values);
    assert.equal(tf.memory().numTensors, before, 'no tensors left');
  });

  it('the Adam kernel on a large weight (split over threads) equals cpu, bit-identical across thread counts', async () => {
    registerFusedOptimizerKernels();
    const n = 700_003;
    await assertWasmMatchesCpu(() => {
      const [w, g, m] = [1, 2, 3].map((seed) => randomTensor([n], seed));
      const v = randomTensor([n], 4, 0, 1);
      return tf.engine().runKernel(FUSED_ADAM_KERNEL, { w, g, m, v }, { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3, weightDecay: 1e-4, decoupled: false }) as unknown as tf.Tensor[];
    }, 'adam', 1e-6);
  });

  it('products deep enough for several K blocks (and several groups of them) equal cpu, bit-identical across thread counts', async () => {
    // heapGemm on several threads packs B for a group of kc-deep blocks and runs each thread's
    // share through all of them (gemmRowsDeep): split by rows (M large), by columns (M small), a
    // shallow last block, and K beyond one group (N·K·4 bytes over the packed-B budget).
    // Cases by [M, N, K, transposeA, transposeB, the shared operand's byte limit].
    const cases: Array<[number, number, number, boolean, boolean, number]> = [
      [64, 72, 3 * 512 + 37, false, false, 8 << 20], // columns, A shared, 4 blocks in one group
      [6, 300, 2 * 512 + 5, true, false, 8 << 20], // few rows
      [5, 2051, 1030, true, true, 8 << 20], // two column blocks (nc = 2048)
      [90, 40, 3 * 512 + 9, false, true, 8 << 20], // rows, B shared
      [300, 44, 5 * 512 + 3, true, false, 2 * 512 * 48 * 4], // rows, groups of 2 blocks (the last one 512 + 3 deep)
      [36, 200, 4 * 512 + 100, false, false, 3 * 512 * 36 * 4], // columns, groups of 3 blocks
    ];
    const limit = gemmLimits.deepBytes;
    try {
      for (const [m, n, k, tA, tB, bytes] of cases) {
        gemmLimits.deepBytes = bytes;
        await assertWasmMatchesCpu(() => {
          const a = randomTensor(tA ? [k, m] : [m, k], m + k);
          const b = randomTensor(tB ? [n, k] : [k, n], n + k);
          return tf.matMul(a, b, tA, tB);
        }, `matMul ${m}×${k}·${k}×${n} tA=${tA} tB=${tB} (shared operand ≤ ${bytes} bytes)`, 2e-4);
      }
    } finally {
      gemmLimits.deepBytes = limit;
    }
  });

  it('the benchmark step runs (cnn-bn, one step)', () => {
    const b = benchmarkStep('cnn-bn');
    try {
      assert.ok(Number.isFinite(b.step()));
    } finally {
      b.dispose();
    }
  });
});


describe('gradient overrides', () => {
  it('come back when something re-registers tfjs gradients after start-up', () => {
    const ours = tf.getGradient('Relu');
    // What loading @tensorflow/tfjs after the backend does for every kernel:
    tf.registerGradient({ kernelName: 'Relu', inputsToSave: ['x'], gradFunc: (dy) => ({ x: () => dy as tf.Tensor }) });
    assert.notEqual(tf.getGradient('Relu'), ours);
    const restored = reassertGradients();
    if (ours) {
      assert.ok(restored.includes('Relu'), restored.join(','));
      assert.equal(tf.getGradient('Relu'), ours);
    }
  });
});
