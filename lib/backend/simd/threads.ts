/**
 * Both cores for the SIMD kernels: a pool of `worker_threads` that run the kernels' exports on
 * the backend's shared heap (./shared-heap), synchronised with `Atomics`.
 *
 * A parallel call is a list of *jobs* (argument lists of one kernel export). The main thread and
 * the workers claim jobs one at a time from a shared counter (`Atomics.add`) until none is left,
 * then the main thread waits for the workers' last jobs. Claiming instead of a fixed share per
 * thread matters on a shared machine: when another process takes a core from one of our threads,
 * the others simply do more of the jobs, and a call is never much slower than on one thread.
 * Drivers cut work into a few jobs per thread (./jobs `partsFor`), each writing its own part of
 * the output (rows of a product, images of a gradient, blocks of a sum with its own partial
 * result), and combine partial results in a fixed order, so results do not depend on the number
 * of threads nor on which thread ran which job.
 *
 * Protocol: a header line on the heap holds the next job's index, the job count, the function's
 * index and the argument count; each worker has a line with `seq` (the main thread bumps it to
 * start a call), `done` (the worker sets it to `seq` when it found no job left) and an error flag.
 * Job arguments are float64 values in a table on the heap (every i32 and f32 argument is exact in
 * a float64). A worker spins on `seq` for about half a millisecond before it sleeps in `Atomics.wait`,
 * and so does the main thread on `done`, so the back-to-back calls of a training step do not pay a futex wake-up
 * each.
 *
 * How many threads: `ASL_THREADS` (≥ 1) in the main thread, else the machine's available
 * parallelism. In a worker thread (a sweep's worker, see lib/train/sweep.ts, which already runs one
 * job per core) it is always 1: `require('node:worker_threads').isMainThread` is false there. With
 * one thread no pool is created and the heap is not shared (./backend-heap).
 */
import * as os from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import type { WasmMemoryLike, WasmModuleLike } from './wasm-api';

/** Most arguments of a kernel export. */
export const MAX_JOB_ARGS = 24;
/** Jobs per dispatch (more are run in several dispatches). */
const MAX_JOBS = 256;
const SLOT_BYTES = 64;
/**
 * Polls of a flag before sleeping on it: about half a millisecond here (Node 20, AMD EPYC; ≈6 ns a
 * poll). Between the products of a training step tfjs runs 0.1–0.5 ms of JavaScript (gradient
 * bookkeeping); a worker that slept through it costs the next call a futex wake-up, which on a VM
 * means waking a halted vCPU. 4,000 polls (≈25 µs) against 100,000, three interleaved rounds each:
 * MLP step median 17.8–18.4 → 17.4–17.6 ms, reference CNN 32.3–32.4 → 31.7 ms (one round, 35.8,
 * lost to the host), book CNN 154.6–167.3 → 151.4–159.6 ms. Idle, a worker goes back to sleep
 * after that half millisecond (OpenMP's default spins for 200 ms).
 */
const SPIN = 100_000;

/** Header fields (int32 indices): the next unclaimed job, the job count, the function, its arguments. */
const NEXT = 0;
const COUNT = 1;
const FN = 2;
const ARGC = 3;
/** Worker slot fields (int32 indices). */
const SEQ = 0;
const DONE = 1;
const ERROR = 2;

/**
 * Threads the kernels use in this thread of the process: 1 in a worker thread; else
 * `ASL_THREADS` if set, else the available parallelism. Throws on a malformed `ASL_THREADS`.
 */
export function configuredThreadCount(env: NodeJS.ProcessEnv = process.env, mainThread = isMainThread): number {
  if (!mainThread) return 1;
  const raw = env.ASL_THREADS?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`ASL_THREADS=${raw} is not a thread count (a whole number ≥ 1)`);
    return n;
  }
  const available = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, available);
}

/** The worker's code (CommonJS, run with `eval: true`): instantiate, then serve calls forever. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, module, header, slot, table, maxArgs, names, spin } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
const h = new Int32Array(memory.buffer, header, 16);
const c = new Int32Array(memory.buffer, slot, 16);
const args = new Float64Array(memory.buffer, table, ${MAX_JOBS} * maxArgs);
let seen = 0;
for (;;) {
  let s = Atomics.load(c, ${SEQ});
  for (let i = 0; s === seen && i < spin; i++) s = Atomics.load(c, ${SEQ});
  if (s === seen) {
    Atomics.wait(c, ${SEQ}, seen);
    continue;
  }
  seen = s;
  if (s < 0) break;
  const fn = fns[h[${FN}]];
  const argc = h[${ARGC}];
  const count = h[${COUNT}];
  let error = 0;
  for (let j = Atomics.add(h, ${NEXT}, 1); j < count; j = Atomics.add(h, ${NEXT}, 1)) {
    try {
      fn(...args.subarray(j * maxArgs, j * maxArgs + argc));
    } catch (e) {
      error = 1;
    }
  }
  c[${ERROR}] = error;
  Atomics.store(c, ${DONE}, s);
  Atomics.notify(c, ${DONE});
}
`;

type KernelFn = (...args: number[]) => void;

/** Kernel threads on one shared memory. */
export class KernelThreadPool {
  private workers: Worker[] = [];
  private header?: Int32Array;
  private slots: Int32Array[] = [];
  private table?: Float64Array;
  private seq = 0;
  private active: number;

  /**
   * @param capacity threads including the calling one
   * @param alloc allocates bytes on the shared heap (used once, for the slots and the job table)
   */
  constructor(
    private readonly memory: WasmMemoryLike,
    private readonly module: WasmModuleLike,
    private readonly exports: Record<string, unknown>,
    private readonly alloc: (bytes: number) => number,
    readonly capacity: number,
  ) {
    this.active = capacity;
  }

  /** Threads used by the next calls (1 … capacity). */
  get threads(): number {
    return this.active;
  }

  set threads(n: number) {
    this.active = Math.max(1, Math.min(this.capacity, Math.floor(n)));
  }

  private start(): void {
    if (this.table) return;
    const names = Object.keys(this.exports).filter((k) => typeof this.exports[k] === 'function');
    const workers = this.capacity - 1;
    const base = this.alloc((workers + 1) * SLOT_BYTES + MAX_JOBS * MAX_JOB_ARGS * 8 + 64);
    if (!base) throw new Error('kernel threads: could not allocate their control block on the heap');
    const header = (base + 63) & ~63;
    const slot0 = header + SLOT_BYTES;
    const tableAt = slot0 + workers * SLOT_BYTES;
    new Int32Array(this.memory.buffer, header, ((workers + 1) * SLOT_BYTES) / 4).fill(0);
    this.header = new Int32Array(this.memory.buffer, header, 16);
    this.table = new Float64Array(this.memory.buffer, tableAt, MAX_JOBS * MAX_JOB_ARGS);
    this.names = names;
    for (let w = 0; w < workers; w++) {
      const slot = slot0 + w * SLOT_BYTES;
      this.slots.push(new Int32Array(this.memory.buffer, slot, 16));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory: this.memory, module: this.module, header, slot, table: tableAt, maxArgs: MAX_JOB_ARGS, names, spin: SPIN },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  private names: string[] = [];

  /** Runs `name(...job)` for every job, spread over the threads; returns when all are done. */
  run(name: string, jobs: readonly (readonly number[])[]): void {
    const fn = this.exports[name] as KernelFn;
    const threads = Math.min(this.active, jobs.length);
    if (threads <= 1) {
      for (const job of jobs) fn(...job);
      return;
    }
    this.start();
    for (let first = 0; first < jobs.length; first += MAX_JOBS) this.dispatch(name, fn, jobs.slice(first, first + MAX_JOBS), threads);
  }

  private dispatch(name: string, fn: KernelFn, jobs: readonly (readonly number[])[], wanted: number): void {
    const table = this.table!;
    const h = this.header!;
    const argc = jobs[0].length;
    if (argc > MAX_JOB_ARGS) throw new Error(`kernel threads: ${name} takes ${argc} arguments (at most ${MAX_JOB_ARGS})`);
    jobs.forEach((job, j) => {
      if (job.length !== argc) throw new Error(`kernel threads: jobs of ${name} differ in argument count`);
      for (let i = 0; i < argc; i++) table[j * MAX_JOB_ARGS + i] = job[i];
    });
    const workers = Math.min(wanted, jobs.length) - 1;
    h[FN] = this.names.indexOf(name);
    h[ARGC] = argc;
    h[COUNT] = jobs.length;
    Atomics.store(h, NEXT, 0);
    const seq = ++this.seq;
    for (let t = 0; t < workers; t++) {
      const c = this.slots[t];
      c[ERROR] = 0;
      Atomics.store(c, SEQ, seq);
      Atomics.notify(c, SEQ);
    }
    let failed: unknown;
    for (let j = Atomics.add(h, NEXT, 1); j < jobs.length; j = Atomics.add(h, NEXT, 1)) {
      try {
        fn(...jobs[j]);
      } catch (e) {
        failed ??= e;
      }
    }
    let workerFailed = false;
    for (let t = 0; t < workers; t++) {
      const c = this.slots[t];
      let done = Atomics.load(c, DONE);
      for (let i = 0; done !== seq && i < SPIN; i++) done = Atomics.load(c, DONE);
      while (done !== seq) {
        Atomics.wait(c, DONE, done);
        done = Atomics.load(c, DONE);
      }
      if (c[ERROR]) workerFailed = true;
    }
    if (failed) throw failed;
    if (workerFailed) throw new Error(`kernel threads: ${name} failed on a worker thread`);
  }

  /** Stops the workers (the pool can start them again on the next call). */
  dispose(): void {
    for (const c of this.slots) {
      Atomics.store(c, SEQ, -1);
      Atomics.notify(c, SEQ);
    }
    for (const w of this.workers) void w.terminate();
    this.workers = [];
    this.slots = [];
    this.table = undefined;
    this.header = undefined;
  }
}
