/**
 * The worker side of {@link runSweep} and of `asl worker`: one per thread, each with its own tfjs
 * backend. Receives `{ type: 'run', index, config, outDir?, resume?, progress? }` (a
 * {@link SweepTask}), trains, answers `{ type: 'result', index, ok, ... }`; with `progress` it also
 * sends `{ type: 'epoch', index, epoch, epochs, valMap }` after every epoch. Failures of a run are
 * caught and reported (with the error's class name, and whether the thread's set-up failed); the
 * worker then takes the next run. ./sweep-thread.ts is the other end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatasetSplits } from '../data/types';
import type { TrainingCallback } from './events';
import type { SweepTask, SweepThreadInit } from './sweep-thread';

/** The trackers a task asks for (./sweep-grid.ts `SweepTracking`). */
function trackers(task: SweepTask): TrainingCallback[] {
  const { ProbabilityTracker } = require('./callbacks') as typeof import('./callbacks');
  const { GradientShareTracker } = require('./gradient-share-tracker') as typeof import('./gradient-share-tracker');
  const out: TrainingCallback[] = [];
  if (task.track?.probabilities) out.push(new ProbabilityTracker(task.track.probabilities));
  if (task.track?.gradientShare) out.push(new GradientShareTracker(task.config.loss ?? 'asl', task.track.gradientShare));
  return out;
}

async function main(): Promise<void> {
  if (!parentPort) return;
  const port = parentPort;
  const init = workerData as SweepThreadInit;
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
  port.on('message', async (msg: SweepTask & { type: string }) => {
    if (msg.type === 'stop') {
      port.close();
      return;
    }
    const start = Date.now();
    try {
      if (!data) throw new Error(setupError ?? 'no data');
      let epochs = 0;
      const progress: TrainingCallback[] = msg.progress
        ? [
            {
              name: 'sweep-progress',
              onTrainBegin: (info) => void (epochs = info.epochs),
              onEpochEnd: (r) => port.postMessage({ type: 'epoch', index: msg.index, epoch: r.epoch + 1, epochs, valMap: r.valMap }),
            },
          ]
        : [];
      const r = await trainModel(msg.config, { data, outDir: msg.outDir, resume: msg.resume && msg.outDir ? 'if-present' : false, progress: 'none', keepModel: false, callbacks: [...progress, ...trackers(msg)] });
      port.postMessage({ type: 'result', index: msg.index, ok: true, best: r.best, history: r.history.records, seconds: (Date.now() - start) / 1000, backend: r.backend, recordedConfig: r.recordedConfig, resumedFromEpoch: r.resumedFromEpoch });
    } catch (e) {
      const err = e as Error;
      port.postMessage({ type: 'result', index: msg.index, ok: false, error: err.message, errorName: err.name, setupFailed: !data, seconds: (Date.now() - start) / 1000 });
    }
  });
  port.postMessage({ type: 'ready' });
}

void main();
