import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../lib/index';
import { ApWorkspace, narrowAveragePrecision } from '../../lib/metrics/ap-kernel';
import { _binaryAveragePrecision } from '../../lib/metrics/average-precision';
import { SortableColumn } from '../../lib/metrics/sort';
import { assertClose } from '../helpers';

// The fast kernel (sort the positives, place the negatives) against the reference formulation
// (radix-sort the whole column, walk it descending), on float32 columns built to stress it:
// heavy ties, ties across buckets' edges, negatives and ±0, very few and very many positives.
describe('narrowAveragePrecision equals the full-sort walk', () => {
  const rand = seededRandom(11);
  const makers: Array<[string, (n: number) => number]> = [
    ['continuous probabilities', () => rand()],
    ['rounded to 0.05 (many ties)', () => Math.round(rand() * 20) / 20],
    ['three distinct values', () => [0.25, 0.5, 0.75][Math.floor(rand() * 3)]],
    ['logits with ±0 and negatives', () => (rand() < 0.1 ? (rand() < 0.5 ? 0 : -0) : (rand() - 0.5) * 20)],
    ['tiny range (same top-16-bit bucket)', () => 0.5 + Math.floor(rand() * 50) * 2 ** -23],
    ['all equal', () => 0.3],
  ];
  for (const [name, make] of makers) {
    for (const rate of [0.002, 0.05, 0.5, 0.97]) {
      test(`${name}, positive rate ${rate}`, () => {
        const n = 3000;
        const values = new Float32Array(n);
        const targets = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          values[i] = make(i);
          targets[i] = rand() < rate ? 1 : 0;
        }
        const col = new SortableColumn();
        const ws = new ApWorkspace();
        for (const ties of ['official', 'sklearn'] as const) {
          col.loadStrided(values, targets, undefined, 0, 1, n);
          assert.equal(col.wide, false);
          const fast = narrowAveragePrecision(col.lo, col.labels, col.n, ties === 'official', ws);
          const reference = _binaryAveragePrecision(col, ties); // no workspace: full sort
          assert.equal(fast.positives, reference.positives);
          assertClose(fast.ap, reference.ap, 1e-12, `${ties}`);
        }
      });
    }
  }
});
