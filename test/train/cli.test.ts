import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../lib/cli/asl';

async function capture(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => err.push(a.map(String).join(' '));
  try {
    return { code: await main(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('asl train / eval / sweep / bench', () => {
  const data = `${path.join(__dirname, 'synthetic.ts')}#syntheticVectors`;

  it('trains into a run folder, resumes it, and evaluates its best checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-'));
    const t = await capture(['train', '--data', data, '--model', 'reference-mlp', '--loss', 'asl', '--loss-params', 'gammaNeg=2', '--epochs', '2', '--batch-size', '16', '--out', dir, '--progress', 'none', '--json']);
    assert.equal(t.code, 0, t.err.join('\n'));
    const summary = JSON.parse(t.out[t.out.length - 1]);
    assert.equal(summary.epochs, 2);
    for (const f of ['config.json', 'data.json', 'metrics.jsonl', 'report.json', 'checkpoints/last.ckpt', 'checkpoints/best.ckpt']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).loss;
    assert.equal(recorded.name, 'asl');
    assert.equal(recorded.params.gammaNeg, 2);
    const r = await capture(['train', '--out', dir, '--resume', '--epochs', '3', '--progress', 'none', '--json']);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.equal(JSON.parse(r.out[r.out.length - 1]).resumedFromEpoch, 2);
    const e = await capture(['eval', dir, '--json']);
    assert.equal(e.code, 0, e.err.join('\n'));
    const ev = JSON.parse(e.out[e.out.length - 1]);
    assert.ok(ev.val.mAP > 0 && ev.val.samples === 48);

    // A checkpoint filled with NaN bytes (checksum recomputed) is refused on resume and on eval, naming the file.
    for (const name of ['last', 'best']) {
      const file = path.join(dir, 'checkpoints', `${name}.ckpt`);
      const buf = fs.readFileSync(file);
      const body = buf.length - 32;
      for (let o = body - 64; o < body; o += 4) buf.writeFloatLE(NaN, o);
      require('node:crypto').createHash('sha256').update(buf.subarray(0, body)).digest().copy(buf, body);
      fs.writeFileSync(file, buf);
    }
    const resumeNaN = await capture(['train', '--out', dir, '--resume', '--epochs', '4', '--progress', 'none']);
    assert.equal(resumeNaN.code, 1);
    assert.match(resumeNaN.err.join('\n'), /last\.ckpt: tensor .* holds NaN/);
    const evalNaN = await capture(['eval', dir]);
    assert.equal(evalNaN.code, 1);
    assert.match(evalNaN.err.join('\n'), /best\.ckpt: tensor .* holds NaN/);
  });

  it('runs a sweep and writes its records; a re-run reuses them; a failing run makes the exit code 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-sweep-'));
    const s = await capture(['sweep', '--data', data, '--model', 'reference-mlp', '--loss', 'bce,focal', '--epochs', '1', '--workers', '2', '--out', dir, '--json']);
    assert.equal(s.code, 0, s.err.join('\n'));
    assert.equal(JSON.parse(s.out[s.out.length - 1]).records.length, 2);
    assert.ok(fs.existsSync(path.join(dir, 'results.csv')));
    const again = await capture(['sweep', '--data', data, '--model', 'reference-mlp', '--loss', 'bce,focal', '--epochs', '1', '--workers', '2', '--out', dir, '--json']);
    assert.equal(again.code, 0);
    assert.ok(JSON.parse(again.out[again.out.length - 1]).records.every((r: { reused?: boolean }) => r.reused === true));
    // A run that diverges fails; the sweep goes on, reports it and exits 1.
    const failing = await capture(['sweep', '--data', data, '--model', 'reference-mlp', '--loss', 'bce', '--lr', '1e-3,1e30', '--schedule', 'constant', '--epochs', '1', '--workers', '1']);
    assert.equal(failing.code, 1);
    assert.match(failing.err.join('\n'), /1 of 2 runs failed: run 1 \(training diverged/);
  });

  it('prints help (also as asl help <command>) and the version', async () => {
    for (const name of ['train', 'eval', 'sweep', 'bench', 'data', 'losses']) {
      const h = await capture([name, '--help']);
      assert.equal(h.code, 0);
      assert.match(h.out.join('\n'), new RegExp(`asl ${name}`));
      const h2 = await capture(['help', name]);
      assert.equal(h2.code, 0);
      assert.deepEqual(h2.out, h.out);
    }
    const v = await capture(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.out[0], /^\d+\.\d+\.\d+$/);
    const l = await capture(['losses', 'asl']);
    assert.match(l.out.join('\n'), /gammaNeg = 4/);
  });

  it('rejects mistakes before any work, with exit code 2 and a "did you mean"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-bad-'));
    const cases: Array<[string[], RegExp]> = [
      [['train', '--epoch', '1'], /unknown option '--epoch' \(did you mean '--epochs'\?\)/],
      [['train', '--spilt'], /unknown option '--spilt'/],
      [['train', '--progress', 'fancy'], /--progress must be one of auto, bar, lines, none, got 'fancy'/],
      [['data', 'stats', 'multifashion', '--split', '--json'], /'--split' argument is ambiguous/],
      [['data', 'stats', 'arff', 'x.arff', '--labels', '2.5'], /--labels must be a positive integer, got '2\.5'/],
      [['train', '--loss', 'asll', '--out', path.join(dir, 'never')], /unknown loss 'asll' \(did you mean 'asl'\?/],
      [['trian'], /unknown command 'trian' \(did you mean 'train'\?\)/],
      [['help', 'trian'], /unknown command 'trian'/],
      [['eval'], /give the run folder/],
      [['train', '--resume'], /--resume needs --out/],
      [['train', '--resume', '--out', dir], /has no checkpoint to resume/],
      [['sweep', '--lr', '1e-3,,2'], /without empty items/],
    ];
    for (const [argv, pattern] of cases) {
      const r = await capture(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: exit ${r.code} ${r.err.join('\n')}`);
      assert.match(r.err.join('\n'), pattern, argv.join(' '));
      assert.equal(r.err.length, 1, `one line: ${r.err.join(' | ')}`);
    }
    assert.ok(!fs.existsSync(path.join(dir, 'never')), 'a bad loss leaves no files behind');
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, '{"epocs": 1}');
    const c = await capture(['train', '--config', config]);
    assert.equal(c.code, 2);
    assert.match(c.err.join('\n'), /config\.json: unknown option 'epocs' \(did you mean 'epochs'\?/);
    fs.writeFileSync(config, '{"epochs": 1, "loss": "as');
    const t = await capture(['train', '--config', config]);
    assert.equal(t.code, 2);
    assert.match(t.err.join('\n'), /config\.json:1:\d+: bad JSON/);
  });
});
