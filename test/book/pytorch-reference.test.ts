import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pytorchReference, pytorchReferenceFile, referenceAtRateGapRows, referenceAtRateRows, referenceGapRows, referenceRows, type ComparisonResult, type PytorchReference } from 'asl-workbook-book';
import { fixtureComparison } from './comparison-fixture';

const SEEDS = [0, 1, 2];
const WB: Record<string, number[]> = { CE: [20, 21, 22], ASL: [29, 30, 31] };

function result(): ComparisonResult {
  const plan: ComparisonResult['plan'] = { id: 't', data: { kind: 'multifashion', options: {} }, base: {}, arms: [{ label: 'CE', loss: { name: 'bce' } }, { label: 'ASL', loss: { name: 'asl' } }], seeds: SEEDS, lrGrid: [0.001] };
  return fixtureComparison(plan, WB, { CE: 0.016, ASL: 0.002 });
}

const REF: PytorchReference = {
  command: 'python3 bench/pytorch_multifashion_lr.py DIR',
  torch: '1.13.1',
  date: '2026-12-03',
  setting: 'toy',
  seeds: SEEDS,
  arms: {
    CE: { tried: { '0.008': 19, '0.016': 20, '0.032': 18 }, chosen: 0.016, interior: true, mAP: [20, 20.5, 21] },
    ASL: { tried: { '0.001': 25, '0.002': 27, '0.004': 26 }, chosen: 0.002, interior: true, mAP: [24, 24.5, 25] },
  },
};

describe('PyTorch reference (same protocol)', () => {
  test('referenceRows: rates, mean ± sd of both, the difference ± its Welch standard error, and what it means', () => {
    const rows = referenceRows(result(), REF);
    assert.deepEqual(rows.map((r) => r.loss), ['CE', 'ASL']);
    assert.equal(rows[0]['rate (workbook)'], '0.016');
    assert.equal(rows[0]['rate (PyTorch)'], '0.016');
    assert.equal(rows[0]['mAP workbook'], '21.00 ± 1.00');
    assert.equal(rows[0]['mAP PyTorch'], '20.50 ± 0.50');
    // CE: difference 0.5, SE = sqrt(1/3 + 0.25/3) = 0.6455 → within noise.
    assert.equal(rows[0]['workbook − PyTorch'], '+0.50 ± 0.65');
    assert.equal(rows[0].reading, 'same within noise');
    // ASL: difference 5.5, SE 0.6455 → the workbook is higher.
    assert.equal(rows[1]['workbook − PyTorch'], '+5.50 ± 0.65');
    assert.equal(rows[1].reading, 'workbook higher');
    assert.throws(() => referenceRows(result(), REF, ['focal']), /"focal" has no PyTorch reference/);
  });

  test('referenceGapRows: the gain between two losses in each framework, paired by seed within it', () => {
    const [row] = referenceGapRows(result(), REF, [['ASL', 'CE']]);
    assert.equal(row.gain, 'ASL − CE');
    // Workbook: differences 9, 9, 9 (SE 0) → holds; PyTorch: 4, 4, 4 → holds.
    assert.equal(row.workbook, '+9.00 ± 0.00 (holds)');
    assert.equal(row.PyTorch, '+4.00 ± 0.00 (holds)');
  });

  test('referenceAtRateRows: the workbook beside PyTorch at the same rate over more seeds, unpaired', () => {
    const ref: PytorchReference = {
      ...REF,
      atRate: {
        CE: { command: 'x', date: '2026-12-03', lr: 0.016, seeds: [0, 1, 2, 3, 4, 5], mAP: [18, 19, 20, 18, 19, 20] },
        ASL: { command: 'x', date: '2026-12-03', lr: 0.004, seeds: [0, 1, 2], mAP: [28, 28, 28] },
        focal: { command: 'x', date: '2026-12-03', lr: 0.004, seeds: [0, 1, 2], mAP: [20, 20, 20] },
      },
    };
    const rows = referenceAtRateRows(result(), ref);
    assert.deepEqual(rows.map((r) => r.loss), ['CE', 'ASL', 'focal']);
    // CE: workbook 20, 21, 22 (mean 21, var 1); PyTorch mean 19, var 0.8: diff 2, SE sqrt(1/3 + 0.8/6) = 0.6831 → higher.
    assert.equal(rows[0].rate, '0.016');
    assert.equal(rows[0]['mAP workbook'], '21.00 ± 1.00 (3 seeds)');
    assert.equal(rows[0]['mAP PyTorch'], '19.00 ± 0.89 (6 seeds)');
    assert.equal(rows[0]['workbook − PyTorch'], '+2.00 ± 0.68');
    assert.equal(rows[0].reading, 'workbook higher');
    // ASL: the workbook chose 0.002, the runs trained at 0.004 → no comparison.
    assert.equal(rows[1]['workbook − PyTorch'], '—');
    assert.match(rows[1].reading, /^not testable here \(the workbook chose 0\.002, these PyTorch runs trained at 0\.004\)$/);
    assert.match(rows[2].reading, /not testable here \(the comparison has no arm "focal"\)/);
    assert.deepEqual(referenceAtRateRows(result(), REF), [], 'a file without atRate has no rows');
  });

  test('referenceAtRateGapRows: the gains within PyTorch over its runs at one rate, paired by the seeds both arms trained', () => {
    const ref: PytorchReference = {
      ...REF,
      atRate: {
        CE: { command: 'x', date: '2026-12-03', lr: 0.016, seeds: [0, 1, 2, 3], mAP: [18, 20, 19, 21] },
        focal: { command: 'x', date: '2026-12-03', lr: 0.002, seeds: [3, 1, 0], mAP: [21.5, 20.5, 19], host: 'cpu' },
        ASL: { command: 'x', date: '2026-12-03', lr: 0.002, seeds: [7], mAP: [28] },
      },
    };
    const rows = referenceAtRateGapRows(ref, [['focal', 'CE'], ['ASL', 'CE'], ['CE', 'other']]);
    assert.deepEqual(rows.map((r) => r.gain), ['focal − CE', 'ASL − CE', 'CE − other']);
    // focal − CE over seeds 0, 1, 3 (focal's own order differs): 19 − 18, 20.5 − 20, 21.5 − 21 = 1, 0.5, 0.5;
    // mean 2/3, sd sqrt(((1/3)² + 2·(1/6)²)/2) = 0.2887, SE 0.1667: 4 SE → holds.
    assert.equal(rows[0].rates, '0.002 / 0.016');
    assert.equal(rows[0].seeds, '3');
    assert.equal(rows[0].PyTorch, '+0.67 ± 0.17 (holds)');
    assert.equal(rows[1].PyTorch, 'not testable here (no seed in common)');
    assert.equal(rows[2].PyTorch, 'not testable here (no runs at one rate for other)');
    assert.equal(referenceAtRateGapRows(REF, [['ASL', 'CE']])[0].PyTorch, 'not testable here (no runs at one rate for ASL and CE)');
  });

  test('pytorchReference reads the shipped file and names the file and key of a bad one', () => {
    const shipped = pytorchReference();
    assert.deepEqual(Object.keys(shipped.arms).sort(), ['ASL (γ−=4, m=0.05)', 'CE', 'focal (γ=2)'].sort());
    for (const a of Object.values(shipped.arms)) {
      assert.equal(a.mAP.length, shipped.seeds.length);
      assert.ok(String(a.chosen) in a.tried || Object.keys(a.tried).map(Number).includes(a.chosen), 'the chosen rate is one of the rates tried');
    }
    // Every loss at the rate the workbook chooses, over 12 seeds, on one recorded CPU (the search ran on
    // another: the same seed differs there by float rounding, so its runs are not compared here).
    assert.deepEqual(Object.keys(shipped.atRate ?? {}).sort(), Object.keys(shipped.arms).sort());
    const hosts = new Set(Object.values(shipped.atRate!).map((a) => a.host));
    assert.equal(hosts.size, 1);
    assert.ok([...hosts][0], 'the CPU is recorded');
    for (const a of Object.values(shipped.atRate!)) {
      assert.deepEqual(a.seeds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.ok(a.mAP.every((m) => m > 5 && m < 50), 'mAPs in percent');
    }
    assert.ok(pytorchReferenceFile().endsWith(path.join('data', 'reference', 'pytorch-multifashion-scratch.json')));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-ref-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ ...REF, arms: { CE: { ...REF.arms.CE, mAP: 'x' } } }));
      assert.throws(() => pytorchReference(bad), (e: Error) => e.message.includes(bad) && e.message.includes("'arms.CE.mAP'"));
      fs.writeFileSync(bad, JSON.stringify({ ...REF, arms: { CE: { ...REF.arms.CE, mAP: [1, 2] } } }));
      assert.throws(() => pytorchReference(bad), /'arms\.CE\.mAP' has 2 values for 3 seeds/);
      const at = { command: 'x', date: 'd', lr: 0.016, seeds: [0, 1, 2], mAP: [1, 2] };
      fs.writeFileSync(bad, JSON.stringify({ ...REF, atRate: { CE: at } }));
      assert.throws(() => pytorchReference(bad), /'atRate\.CE\.mAP' has 2 values for 3 seeds/);
      fs.writeFileSync(bad, JSON.stringify({ ...REF, atRate: { CE: { ...at, mAP: [1, 2, 3], lr: -1 } } }));
      assert.throws(() => pytorchReference(bad), /'atRate\.CE\.lr'/);
      fs.writeFileSync(bad, JSON.stringify({ ...REF, extra: 1 }));
      assert.throws(() => pytorchReference(bad), /extra/);
      assert.throws(() => pytorchReference(path.join(dir, 'missing.json')), /missing\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
