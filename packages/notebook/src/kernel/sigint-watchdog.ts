/**
 * Interrupts that reach a cell stuck in a synchronous loop after its first `await`
 * (`await 0; while (true) {}`): nothing can run on the JavaScript thread while it spins, so the
 * kernel listens for SIGINT on two small worker threads instead of the main thread.
 *
 * How: each worker keeps a `vm` script running with `breakOnSigint` (an idle `Atomics.wait` loop).
 * Node then routes SIGINT to the most recently started watchdog, so the signal stops the worker's
 * script, not the process; the worker counts it, tells the main thread (a message, handled at the
 * next free moment) and, if a cell is running and the main thread has not taken the interrupt within
 * {@link SigintWatchdogOptions.graceMs}, asks V8 through the inspector protocol
 * (`Runtime.terminateExecution`, from an inspector session connected to the main thread) to stop
 * the JavaScript that is running there. V8 unwinds that task only; the event loop, the kernel's
 * sockets and the session's variables carry on, and the cell ends with `KeyboardInterrupt`.
 * Two workers, so one is always listening while the other re-arms.
 *
 * A synchronous loop in the cell's first stretch is still stopped by the executor's own
 * `breakOnSigint` (it started last, so it gets the signal first). For this to work the main thread
 * must have no `process.on('SIGINT')` listener (Node would otherwise hand the signal to the main
 * event loop again); {@link SigintWatchdog.start} removes the kernel's start-up listener before
 * arming.
 */
import { Worker } from 'node:worker_threads';

/** Shared state slots (Int32Array on a SharedArrayBuffer). */
const SIGNALS = 0; // SIGINTs received by the workers
const STOP = 1; // set to stop the workers
const BUSY = 2; // 1 while a cell runs
const ACKED = 3; // signals the main thread has taken
const GO = 4; // set once the main thread removed its own SIGINT listener

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const state = workerData.state;
const graceMs = workerData.graceMs;
let session;
try {
  const inspector = require('node:inspector');
  session = new inspector.Session();
  session.connectToMainThread();
} catch (e) {
  session = undefined;
}
while (Atomics.load(state, ${GO}) === 0 && Atomics.load(state, ${STOP}) === 0) Atomics.wait(state, ${GO}, 0, 100);
const context = vm.createContext({ Atomics, state });
const idle = new vm.Script('while (Atomics.load(state, ${STOP}) === 0) Atomics.wait(state, ${STOP}, 0, 50);');
parentPort.postMessage({ type: 'armed', inspector: !!session });
for (;;) {
  try {
    idle.runInContext(context, { breakOnSigint: true });
    break;
  } catch (e) {
    if (!e || e.code !== 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw e;
    const n = Atomics.add(state, ${SIGNALS}, 1) + 1;
    parentPort.postMessage({ type: 'sigint', n });
    if (session && Atomics.load(state, ${BUSY}) === 1) {
      const deadline = Date.now() + graceMs;
      let acked = Atomics.load(state, ${ACKED});
      while (acked < n && Date.now() < deadline) {
        Atomics.wait(state, ${ACKED}, acked, Math.max(1, deadline - Date.now()));
        acked = Atomics.load(state, ${ACKED});
      }
      if (acked < n && Atomics.load(state, ${BUSY}) === 1) {
        session.post('Runtime.terminateExecution', () => {});
        parentPort.postMessage({ type: 'terminated', n });
      }
    }
  }
}
`;

export interface SigintWatchdogOptions {
  /** How long a running cell gets to take an interrupt before its JavaScript is terminated (default 250 ms). */
  graceMs?: number;
  /** Called on the main thread for every SIGINT, when the thread is free. */
  onInterrupt(): void;
  /** Called when a stuck cell's JavaScript was terminated (for the kernel's log). */
  onTerminated?(): void;
}

/** SIGINT handling off the main thread (see the module comment). */
export class SigintWatchdog {
  private readonly state = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
  private readonly workers: Worker[] = [];
  private inspectorAvailable = false;

  constructor(private readonly options: SigintWatchdogOptions) {}

  /** Whether a stuck cell can be terminated (Node.js built with the inspector). */
  get canTerminate(): boolean {
    return this.inspectorAvailable;
  }

  /** SIGINTs received so far. */
  get signals(): number {
    return Atomics.load(this.state, SIGNALS);
  }

  /**
   * Starts the workers; resolves once both listen. `earlyListener`, the main thread's own SIGINT
   * listener used until then, is removed just before they arm.
   */
  async start(earlyListener?: (...args: unknown[]) => void): Promise<void> {
    const graceMs = this.options.graceMs ?? 250;
    const armed: Array<Promise<void>> = [];
    for (let i = 0; i < 2; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { state: this.state, graceMs }, name: `asl-kernel sigint ${i + 1}` });
      worker.unref();
      armed.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (m: { type: string; n?: number; inspector?: boolean }) => {
            if (m.type === 'armed') {
              this.inspectorAvailable = this.inspectorAvailable || !!m.inspector;
              resolve();
            } else if (m.type === 'sigint') {
              // Taken: the worker need not terminate anything.
              if ((m.n ?? 0) > Atomics.load(this.state, ACKED)) {
                Atomics.store(this.state, ACKED, m.n ?? 0);
                Atomics.notify(this.state, ACKED);
              }
              this.options.onInterrupt();
            } else if (m.type === 'terminated') {
              this.options.onTerminated?.();
            }
          });
          worker.once('error', reject);
        }),
      );
      this.workers.push(worker);
    }
    if (earlyListener) process.removeListener('SIGINT', earlyListener);
    Atomics.store(this.state, GO, 1);
    Atomics.notify(this.state, GO);
    await Promise.all(armed);
  }

  /** Marks a cell as running (its JavaScript may be terminated on an untaken interrupt) or not. */
  setBusy(busy: boolean): void {
    Atomics.store(this.state, BUSY, busy ? 1 : 0);
  }

  /** Stops the workers. */
  stop(): void {
    Atomics.store(this.state, STOP, 1);
    Atomics.notify(this.state, STOP);
    Atomics.notify(this.state, GO);
  }
}
