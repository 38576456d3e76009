import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { main } from '../../lib/cli/asl';
import { setupBackend } from '../helpers';
import { FIXTURES, tempDir } from './fixtures';

before(async () => {
  process.env.ASL_CACHE_DIR = tempDir('asl-cache-');
  await setupBackend();
});

/** Runs `asl data …` through the command line's entry point and returns the exit code and what it printed. */
async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  const err = console.error;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    return { code: await main(['data', ...args]), out: lines.join('\n') };
  } finally {
    console.log = log;
    console.error = err;
  }
}

describe('asl data', () => {
  test('formats, and --name=value options', async () => {
    const f = await run('formats');
    assert.equal(f.code, 0);
    assert.deepEqual(f.out.split('\n'), ['multifashion', 'fashion-mnist', 'debtags', 'coco', 'voc', 'nus-wide', 'open-images', 'arff']);
    const r = await run('stats', 'nus-wide', path.join(FIXTURES, 'nus-wide', 'nus_wide_data.csv'), '--split=val', '--json');
    assert.equal(r.code, 0, r.out);
    assert.equal(JSON.parse(r.out).samples, 2);
  });

  test('stats coco --json prints the documented shape with hand-checked values', async () => {
    const r = await run('stats', 'coco', path.join(FIXTURES, 'coco', 'annotations', 'instances_val2014.json'), '--json');
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.samples, 3);
    assert.equal(j.classes, 3);
    assert.equal(j.labelCardinality, 5 / 3);
    assert.equal(j.negPosRatio, 4 / 5);
    assert.deepEqual(j.perClass, [
      { name: 'person', positives: 2 },
      { name: 'dog', positives: 1 },
      { name: 'toothbrush', positives: 2 },
    ]);
  });

  test('stats for every loader format and the built-ins', async () => {
    const cases: Array<[string[], number, number]> = [
      [['voc', path.join(FIXTURES, 'voc', 'VOC2007')], 3, 20],
      [['nus-wide', path.join(FIXTURES, 'nus-wide', 'nus_wide_data.csv'), '--split', 'train'], 3, 7], // classes: union over the whole file
      [['open-images', path.join(FIXTURES, 'open-images', 'train-annotations-human-imagelabels-boxable.csv'), '--classes', path.join(FIXTURES, 'open-images', 'class-descriptions-boxable.csv')], 3, 4],
      [['arff', path.join(FIXTURES, 'arff', 'mulan-tiny.arff'), '--xml', path.join(FIXTURES, 'arff', 'mulan-tiny.xml')], 3, 3],
      [['multifashion', '--split', 'val', '--train-size', '20', '--val-size', '30', '--canvas', '32'], 30, 80],
      [['debtags', '--split', 'test', '--feature-dim', '64'], 4358, 232],
    ];
    for (const [args, samples, classes] of cases) {
      const r = await run('stats', ...args, '--json');
      assert.equal(r.code, 0, r.out);
      const j = JSON.parse(r.out);
      assert.equal(j.samples, samples, args.join(' '));
      assert.equal(j.classes, classes, args.join(' '));
      assert.equal(j.perClass.length, classes);
    }
  });

  test('text output and errors', async () => {
    const r = await run('stats', 'arff', path.join(FIXTURES, 'arff', 'meka-tiny.arff'));
    assert.match(r.out, /label cardinality/);
    assert.equal((await run('nonsense')).code, 2);
    const format = await run('stats', 'cooc', 'x');
    assert.equal(format.code, 2);
    assert.match(format.out, /unknown format 'cooc' \(did you mean 'coco'\?/);
    const split = await run('stats', 'debtags', '--split', 'dev');
    assert.equal(split.code, 1);
    assert.match(split.out, /debtags has splits train, val, test, got 'dev'/);
    // A loader's error reaches the command line as one line naming the file.
    const folder = tempDir('asl-cli-folder-');
    const bad = await run('stats', 'coco', folder);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, `asl data: loadCoco: ${folder} is a folder, expected a file`);
  });
});
