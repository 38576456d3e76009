import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trainModel, readCheckpoint } from '../../lib/index';
import type { EpochRecord } from '../../lib/index';
import { setupBackend } from '../helpers';
import { syntheticVectors } from './synthetic';
import { KILL_TEST_CONFIG, KILL_TEST_DATA } from './fixtures/kill-config';

const metricsOf = (h: readonly EpochRecord[]) => h.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss, r.valMap, r.valMapEma]);

describe('resume after SIGKILL', () => {
  before(async () => {
    await setupBackend();
  });

  it('a training process killed with SIGKILL mid-run resumes to the uninterrupted metrics', async () => {
    const reference = await trainModel(KILL_TEST_CONFIG, { data: syntheticVectors(KILL_TEST_DATA), progress: 'none', keepModel: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-kill-'));
    const ckpt = path.join(dir, 'checkpoints', 'last.ckpt');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'train-child.ts'), dir], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill as soon as the first checkpoint exists (the run has 8 epochs).
    let killedEarly = false;
    while (child.exitCode === null) {
      if (fs.existsSync(ckpt)) {
        killedEarly = child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await exited;
    const killedAt = (readCheckpoint(ckpt).meta as { epoch: number }).epoch;
    const resumed = await trainModel(KILL_TEST_CONFIG, { data: syntheticVectors(KILL_TEST_DATA), outDir: dir, resume: true, progress: 'none', keepModel: false });
    assert.ok(killedEarly, 'the child was killed while training');
    assert.ok(killedAt < KILL_TEST_CONFIG.epochs! - 1, `killed after epoch ${killedAt + 1}`);
    assert.equal(resumed.resumedFromEpoch, killedAt + 1);
    assert.deepEqual(metricsOf(resumed.history.records), metricsOf(reference.history.records));
    assert.deepEqual(resumed.best, reference.best);
  });
});
