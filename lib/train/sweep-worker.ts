/**
 * The worker side of {@link runSweep}: one per thread, each with its own tfjs backend. Receives
 * `{ type: 'run', index, config, outDir? }`, trains, answers `{ type: 'result', index, ok, ... }`.
 * Failures of a run are caught and reported; the worker then takes the next run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatasetRef } from '../data/dataset-ref';
import type { TrainConfig } from './config';
import type { DatasetSplits } from '../data/types';

interface WorkerInit {
  data: DatasetRef;
  backend?: string;
}

async function main(): Promise<void> {
  if (!parentPort) return;
  const port = parentPort;
  const init = workerData as WorkerInit;
  const { initBackend } = require('../backend/select') as typeof import('../backend/select');
  const { trainModel } = require('./fit') as typeof import('./fit');
  const { loadDatasetRef } = require('../data/dataset-ref') as typeof import('../data/dataset-ref');
  let data: DatasetSplits | undefined;
  let setupError: string | undefined;
  try {
    await initBackend(init.backend ? { backend: init.backend as never } : {});
    data = await loadDatasetRef(init.data);
  } catch (e) {
    setupError = `worker set-up failed: ${(e as Error).message}`;
  }
  port.on('message', async (msg: { type: string; index: number; config: TrainConfig; outDir?: string }) => {
    if (msg.type === 'stop') {
      port.close();
      return;
    }
    const start = Date.now();
    try {
      if (!data) throw new Error(setupError ?? 'no data');
      const r = await trainModel(msg.config, { data, outDir: msg.outDir, progress: 'none', keepModel: false });
      port.postMessage({ type: 'result', index: msg.index, ok: true, best: r.best, history: r.history.records, seconds: (Date.now() - start) / 1000, backend: r.backend });
    } catch (e) {
      port.postMessage({ type: 'result', index: msg.index, ok: false, error: (e as Error).message, seconds: (Date.now() - start) / 1000 });
    }
  });
  port.postMessage({ type: 'ready' });
}

void main();
