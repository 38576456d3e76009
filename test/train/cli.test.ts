import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/asl';

async function capture(argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => out.push(a.map(String).join(' '));
  try {
    return { code: await main(argv), out };
  } finally {
    console.log = log;
  }
}

describe('asl train / eval / sweep / bench', () => {
  const data = `${path.join(__dirname, 'synthetic.ts')}#syntheticVectors`;

  it('trains into a run folder, resumes it, and evaluates its best checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-'));
    const t = await capture(['train', '--data', data, '--model', 'reference-mlp', '--loss', 'asl', '--loss-params', 'gammaNeg=2', '--epochs', '2', '--batch-size', '16', '--out', dir, '--progress', 'none', '--json']);
    assert.equal(t.code, 0);
    const summary = JSON.parse(t.out[t.out.length - 1]);
    assert.equal(summary.epochs, 2);
    for (const f of ['config.json', 'data.json', 'metrics.jsonl', 'report.json', 'checkpoints/last.ckpt', 'checkpoints/best.ckpt']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).loss, { name: 'asl', params: { gammaNeg: 2 } });
    const r = await capture(['train', '--out', dir, '--resume', '--epochs', '3', '--progress', 'none', '--json']);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out[r.out.length - 1]).resumedFromEpoch, 2);
    const e = await capture(['eval', dir, '--json']);
    assert.equal(e.code, 0);
    const ev = JSON.parse(e.out[e.out.length - 1]);
    assert.ok(ev.val.mAP > 0 && ev.val.samples === 48);
  });

  it('runs a sweep and writes its records', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-sweep-'));
    const s = await capture(['sweep', '--data', data, '--model', 'reference-mlp', '--loss', 'bce,focal', '--epochs', '1', '--workers', '2', '--out', dir, '--json']);
    assert.equal(s.code, 0);
    assert.equal(JSON.parse(s.out[s.out.length - 1]).records.length, 2);
    assert.ok(fs.existsSync(path.join(dir, 'results.csv')));
  });

  it('prints help and rejects bad arguments', async () => {
    for (const name of ['train', 'eval', 'sweep', 'bench']) {
      const h = await capture([name, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.out.join('\n'), new RegExp(`asl ${name}`));
    }
    const err = console.error;
    console.error = () => {};
    try {
      assert.equal((await capture(['eval'])).code, 1);
      assert.equal((await capture(['train', '--resume'])).code, 1);
    } finally {
      console.error = err;
    }
  });
});
