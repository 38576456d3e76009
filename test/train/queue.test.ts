// Queue sweeps without Redis: addresses and redaction, ids, option checks, lazy loading, a clear
// error for an unreachable queue. The sweep itself on a real Redis is queue-redis.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { codeVersion, defineLoss, queueSweepId, redactQueueUrl, runSweep, submitSweep } from '../../lib/index';
import { main } from '../../lib/cli/asl';
import { jobIdOf, queueNameFor, sweepIdOf } from '../../lib/train/queue/ids';
import { queueAddress, scrubSecret } from '../../lib/train/queue/url';

const data = { kind: 'multifashion' as const, options: { trainSize: 64, valSize: 32 } };
const spec = { base: { epochs: 1 }, grid: { loss: [{ name: 'bce' }, { name: 'asl' }], seed: [0, 1] } };

function loaded(pkg: string): boolean {
  return Object.keys(require.cache).some((k) => k.includes(`node_modules/${pkg}/`));
}

describe('queue sweeps: addresses, ids, options', () => {
  it('importing the workbook loads neither BullMQ nor ioredis', () => {
    assert.equal(loaded('bullmq'), false);
    assert.equal(loaded('ioredis'), false);
  });

  it('never shows the password of a queue URL', () => {
    assert.equal(redactQueueUrl('redis://:s3cret@host:6379/2'), 'redis://:***@host:6379/2');
    assert.equal(redactQueueUrl('rediss://me:p%40ss@redis.example:6380'), 'rediss://me:***@redis.example:6380');
    assert.equal(redactQueueUrl('redis://host:6379'), 'redis://host:6379');
    assert.equal(redactQueueUrl('not a url s3cret'), '<not a URL>');
    const a = queueAddress('redis://me:p%40ss@host:6379', 'f');
    assert.equal(scrubSecret('WRONGPASS for p@ss at redis://me:p%40ss@host:6379', a), 'WRONGPASS for *** at redis://me:***@host:6379');
  });

  it('checks the URL and takes the password from ASL_QUEUE_PASSWORD when the URL has none', () => {
    assert.throws(() => queueAddress('http://host:80', 'f'), /must be a Redis URL/);
    assert.throws(() => queueAddress('redis://host:6379/x', 'f'), /database .* must be a number/);
    assert.throws(() => queueAddress('', 'f'), /must be a Redis URL/);
    assert.equal(queueAddress('redis://host:6379', 'f', { ASL_QUEUE_PASSWORD: 'pw' }).password, 'pw');
    assert.equal(queueAddress('redis://:own@host:6379', 'f', { ASL_QUEUE_PASSWORD: 'pw' }).password, undefined);
  });

  it('derives the sweep id from the runs, data and code version, and job ids from the configuration', () => {
    const v = codeVersion();
    assert.match(v, /^[0-9a-f]{16}$/);
    assert.equal(codeVersion(), v);
    const id = queueSweepId(spec, { data });
    assert.match(id, /^sweep-[0-9a-f]{16}$/);
    assert.equal(queueSweepId({ base: { epochs: 1 }, grid: { loss: [{ name: 'bce' }, { name: 'asl' }], seed: [0, 1] } }, { data }), id);
    assert.notEqual(queueSweepId({ ...spec, grid: { ...spec.grid, seed: [0, 2] } }, { data }), id);
    assert.notEqual(queueSweepId(spec, { data: { kind: 'multifashion', options: { trainSize: 65, valSize: 32 } } }), id);
    assert.notEqual(sweepIdOf([{ a: 1 }], data, undefined, 'v1'), sweepIdOf([{ a: 1 }], data, undefined, 'v2'));
    // Key order does not matter; ids carry no ':' (BullMQ's separator).
    assert.equal(jobIdOf(id, { a: 1, b: 2 }), jobIdOf(id, { b: 2, a: 1 }));
    assert.match(jobIdOf(id, { a: 1 }), new RegExp(`^${id}\\.[0-9a-f]{12}$`));
    assert.equal(queueNameFor(v), `runs-${v}`);
  });

  it('rejects options that do not apply, and losses that cannot leave this process', async () => {
    await assert.rejects(runSweep(spec, { data, queue: 'redis://127.0.0.1:1', workers: 2 }), /workers.*asl worker/);
    await assert.rejects(runSweep(spec, { data, queue: { url: 'redis://127.0.0.1:1', atempts: 2 } as never }), /unknown option 'queue\.atempts' \(did you mean 'attempts'/);
    await assert.rejects(runSweep(spec, { data, queue: { url: 'redis://127.0.0.1:1', attempts: 0 } }), /attempts.*≥ 1/);
    await assert.rejects(runSweep(spec, { data, queue: 'http://127.0.0.1:1' }), /must be a Redis URL/);
    const mine = defineLoss({ name: 'queue-test-mine', positive: ({ logP }) => tf.neg(logP), negative: ({ log1mP }) => tf.neg(log1mP) });
    await assert.rejects(submitSweep({ base: { epochs: 1 }, grid: { loss: [mine] } }, { data, queue: 'redis://127.0.0.1:1' }), /defined in this process and cannot travel to a worker/);
  });

  it('fails at once, naming the queue without its password, when Redis cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const started = Date.now();
    await assert.rejects(submitSweep(spec, { data, queue: `redis://:hunter2@127.0.0.1:${port}` }), (e: Error) => {
      assert.match(e.message, new RegExp(`cannot connect to the queue at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
  });

  it('the command line rejects queue flags used wrongly (exit code 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['sweep', '--detach'], /--detach goes with --queue/],
      [['sweep', '--queue', 'redis://h:1', '--workers', '2'], /--workers sets the threads of a local sweep/],
      [['sweep', '--sweep', 'sweep-1'], /--sweep goes with 'asl sweep status'/],
      [['sweep', 'status'], /'asl sweep status' needs --queue URL/],
      [['sweep', 'results', '--queue', 'redis://h:1'], /needs --sweep ID/],
      [['sweep', 'status', '--queue', 'redis://h:1', '--sweep', 'x', '--loss', 'bce'], /takes --queue, --sweep, --json; drop --loss/],
      [['sweep', 'frob'], /unknown action 'frob'/],
      [['sweep', '--queue', 'http://me:hunter2@h:1'], /must be a Redis URL.*http:\/\/me:\*\*\*@h:1/],
      [['worker'], /'asl worker' needs --queue URL/],
      [['worker', '--queue', 'redis://h:1', '--concurency', '2'], /did you mean '--concurrency'/],
    ];
    const error = console.error;
    try {
      for (const [argv, message] of cases) {
        const err: string[] = [];
        console.error = (...a: unknown[]) => err.push(a.join(' '));
        assert.equal(await main(argv), 2, argv.join(' '));
        assert.match(err.join('\n'), message);
        assert.doesNotMatch(err.join('\n'), /hunter2/);
      }
    } finally {
      console.error = error;
    }
  });
});
