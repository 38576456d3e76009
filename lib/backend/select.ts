/**
 * Picks and initialises the fastest tfjs backend available in this process.
 *
 * Order: `tensorflow` through @tensorflow/tfjs-node-gpu, `tensorflow` through @tensorflow/tfjs-node,
 * `wasm` (@tensorflow/tfjs-backend-wasm, SIMD; tfjs' own kernels on one thread in Node, the
 * workbook's kernels on `ASL_THREADS` threads, default all cores, see ./simd/threads), then `cpu`
 * (pure JS).
 * `webgpu` is opt-in only (it needs a GPU adapter and the `webgpu` package; see ./webgpu).
 * The environment variable `ASL_BACKEND` forces one: `node-gpu`, `node`, `wasm`, `cpu` or `webgpu`.
 *
 * Why the package check: danfojs-node needs an alias of @tensorflow/tfjs installed under the name
 * @tensorflow/tfjs-node (see the README), so `require('@tensorflow/tfjs-node')` can succeed without
 * the native binding. Only a module whose package.json is really tfjs-node and that registers the
 * `tensorflow` backend counts.
 */
import * as tf from '../core/tf';
import { registerWasmTrainingFixes } from './wasm-fixes';
import { withSharedWasmHeap } from './simd/shared-heap';
import { configuredThreadCount } from './simd/threads';
import { simdHeap } from './simd/backend-heap';
import type { WasmBackendHeapLike } from './simd/backend-heap';

/** What a caller may force through `ASL_BACKEND` or `initBackend({ backend })`. */
export type BackendRequest = 'node-gpu' | 'node' | 'wasm' | 'cpu' | 'webgpu';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['node-gpu', 'node', 'wasm', 'cpu', 'webgpu'];

/** The default search order (webgpu is never picked unless asked for). */
export const BACKEND_ORDER: readonly BackendRequest[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface BackendAttempt {
  candidate: BackendRequest;
  ok: boolean;
  /** Why it was or was not taken. */
  detail: string;
}

/** The outcome of {@link initBackend}: reportable in notebooks and logs. */
export interface BackendChoice {
  /** The tfjs backend name now active (`tensorflow`, `wasm`, `cpu`, `webgpu`). */
  backend: string;
  /** The candidate that won (`node-gpu`, `node`, `wasm`, `cpu`, `webgpu`). */
  candidate: BackendRequest;
  /** Whether the choice was forced by `ASL_BACKEND` or an explicit option. */
  forced: boolean;
  /** One sentence: why this backend. */
  reason: string;
  attempts: BackendAttempt[];
  tfjsVersion: string;
  /** Wall time spent initialising, in ms. */
  initMs: number;
}

export interface InitBackendOptions {
  /** Force a backend (overrides `ASL_BACKEND`). */
  backend?: BackendRequest;
  /** Re-run the selection even when a backend was already chosen in this process. */
  reinit?: boolean;
}

let current: Promise<BackendChoice> | undefined;
let currentValue: BackendChoice | undefined;

/** Post-initialisation hooks (kernel fixes for wasm register here, see ./wasm-fixes). */
const hooks: Array<(choice: BackendChoice) => void | Promise<void>> = [];

/** Registers a function to run after a backend is initialised (and at once if one already is). */
export function onBackendReady(hook: (choice: BackendChoice) => void | Promise<void>): void {
  hooks.push(hook);
  if (currentValue) void hook(currentValue);
}

/** Why `pkg` cannot serve as the native backend, or undefined when it is the real package. */
function tfjsNodeProblem(pkg: string): string | undefined {
  let meta: { name?: string };
  try {
    meta = require(`${pkg}/package.json`) as { name?: string };
  } catch {
    return `${pkg} is not installed`;
  }
  return meta.name === pkg ? undefined : `${pkg} is only an alias of ${meta.name} (danfojs-node's override), not the native binding`;
}

async function tryCandidate(candidate: BackendRequest): Promise<string> {
  switch (candidate) {
    case 'node-gpu':
    case 'node': {
      const pkg = candidate === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      const problem = tfjsNodeProblem(pkg);
      if (problem) throw new Error(problem);
      require(pkg);
      if (!tf.findBackendFactory('tensorflow')) throw new Error(`${pkg} loaded but registered no 'tensorflow' backend`);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`the 'tensorflow' backend failed to initialise`);
      return `${pkg} (native libtensorflow)`;
    }
    case 'wasm': {
      require('@tensorflow/tfjs-backend-wasm');
      // With more than one thread, tfjs' heap is made shared while the backend starts, so the
      // workbook's kernels can run on several threads (./simd/shared-heap); a backend already
      // started keeps its plain heap (one thread).
      const threads = configuredThreadCount();
      const start = async () => {
        if (!(await tf.setBackend('wasm'))) throw new Error('the wasm module failed to initialise');
      };
      if (threads > 1 && !tf.findBackend('wasm')) await withSharedWasmHeap(start);
      else await start();
      registerWasmTrainingFixes(); // conv, batch-norm, pooling and matMul kernels (./wasm-fixes)
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const heap = simdHeap(tf.backend() as unknown as WasmBackendHeapLike);
      const n = heap?.pool?.threads ?? 1;
      return `@tensorflow/tfjs-backend-wasm (SIMD ${simd ? 'on' : 'off'}; tfjs kernels on one thread, the workbook's on ${n} thread${n === 1 ? '' : 's'})`;
    }
    case 'webgpu': {
      const { setUpWebGpu } = require('./webgpu') as typeof import('./webgpu');
      return await setUpWebGpu();
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
      return 'pure-JS cpu backend (slowest)';
    }
  }
}

/** The backend forced by the environment, if any (throws on an unknown value). */
export function requestedBackend(env: NodeJS.ProcessEnv = process.env): BackendRequest | undefined {
  const raw = env.ASL_BACKEND?.trim();
  if (!raw) return undefined;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(raw)) {
    throw new Error(`ASL_BACKEND=${raw} is not a backend; use one of ${BACKEND_REQUESTS.join(', ')}`);
  }
  return raw as BackendRequest;
}

/**
 * Silences tfjs' "install our node backend" banner: it is printed by the cpu backend on its first
 * tensor write in Node, and it is noise in notebooks. Only that banner is affected (tfjs' other
 * warnings stay on).
 */
export function quietTfjsBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

async function select(options: InitBackendOptions): Promise<BackendChoice> {
  const start = Date.now();
  quietTfjsBanner();
  const forcedRequest = options.backend ?? requestedBackend();
  const candidates = forcedRequest ? [forcedRequest] : [...BACKEND_ORDER];
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    try {
      const detail = await tryCandidate(candidate);
      attempts.push({ candidate, ok: true, detail });
      const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.candidate}: ${a.detail}`);
      const reason = forcedRequest
        ? `forced by ${options.backend ? 'the backend option' : 'ASL_BACKEND'}: ${detail}`
        : skipped.length === 0
          ? `${detail}, the fastest candidate`
          : `${detail}; faster candidates unavailable (${skipped.join('; ')})`;
      quietTfjsBanner();
      return {
        backend: tf.getBackend(),
        candidate,
        forced: forcedRequest !== undefined,
        reason,
        attempts,
        tfjsVersion: tf.version_core,
        initMs: Date.now() - start,
      };
    } catch (e) {
      attempts.push({ candidate, ok: false, detail: (e as Error).message.split('\n')[0] });
    }
  }
  const tried = attempts.map((a) => `${a.candidate}: ${a.detail}`).join('; ');
  throw new Error(`initBackend: no tfjs backend could be initialised (${tried})`);
}

/**
 * Picks and initialises the fastest available backend once per process and returns the choice
 * (later calls return the same promise unless `reinit` is set). Await it before any tensor work.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  if (!current || options.reinit || options.backend) {
    current = select(options).then(async (choice) => {
      currentValue = choice;
      for (const hook of hooks) await hook(choice);
      return choice;
    });
  }
  return current;
}

/** The choice made by {@link initBackend}, or undefined before it has finished. */
export function backendChoice(): BackendChoice | undefined {
  return currentValue;
}

/** A one-line report for notebooks and logs: `backend wasm: <reason>`. */
export function describeBackend(choice: BackendChoice | undefined = currentValue): string {
  if (!choice) return 'backend not initialised (call initBackend())';
  return `tfjs ${choice.tfjsVersion}, backend ${choice.backend}: ${choice.reason}`;
}
