import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ablationMatrix, axisPosition, gridOptimum, gridOptimumText, combinationComparisons, focusingCurves, type AblationResult } from 'asl-workbook-book';

/** A 3 × 3 grid (γ− 0, 2, 4 × m 0, 0.1, 0.2) whose best first-seed cell is `best`. */
function result(best: { g: number; m: number }): AblationResult {
  const gammaNegs = [0, 2, 4];
  const clips = [0, 0.1, 0.2];
  const grid = gammaNegs.flatMap((g) => clips.map((m) => ({ gammaNeg: g, clip: m, mAP: [g === best.g && m === best.m ? 30 : 10 + g + 10 * m] })));
  return {
    lr: 1e-3,
    gammaNegs,
    clips,
    grid,
    focal: [{ gamma: 2, mAP: 12 }, { gamma: 0, mAP: 10 }],
    confirmed: [
      { role: 'focusing only', gammaNeg: 4, clip: 0, mAP: [14, 13, 15] },
      { role: 'shifting only', gammaNeg: 0, clip: 0.1, mAP: [11, 12, 10] },
      { role: 'combined', gammaNeg: 2, clip: 0.1, mAP: [20, 21, 19.5] },
    ],
    seeds: [0, 1, 2],
  };
}

describe('ablation grid', () => {
  test('ablationMatrix: rows γ−, columns m, first-seed mAP, NaN for a missing cell', () => {
    const r = result({ g: 2, m: 0.1 });
    r.grid = r.grid.filter((c) => !(c.gammaNeg === 4 && c.clip === 0.2));
    const m = ablationMatrix(r);
    assert.deepEqual(m.gammaNegs, [0, 2, 4]);
    assert.deepEqual(m.clips, [0, 0.1, 0.2]);
    assert.equal(m.z[1][1], 30);
    assert.equal(m.z[0][2], 12);
    assert.ok(Number.isNaN(m.z[2][2]));
  });

  test('axisPosition: interior, the natural lower bound 0, and the edges', () => {
    assert.equal(axisPosition([0, 2, 4], 2), 'interior');
    assert.equal(axisPosition([0, 2, 4], 0), 'lower bound');
    assert.equal(axisPosition([4, 0, 2], 4), 'upper edge');
    assert.equal(axisPosition([1, 2, 4], 1), 'lower edge');
    assert.throws(() => axisPosition([0, 2], 3), /not one of the values tried/);
  });

  test('gridOptimum: interior, bracketed at 0, or on an edge to widen', () => {
    const inside = gridOptimum(result({ g: 2, m: 0.1 }));
    assert.deepEqual([inside.gammaNeg, inside.clip, inside.mAP, inside.interior, inside.bracketed], [2, 0.1, 30, true, true]);
    assert.match(gridOptimumText(inside), /interior in both directions/);
    const atZero = gridOptimum(result({ g: 2, m: 0 }));
    assert.deepEqual([atZero.clipPosition, atZero.interior, atZero.bracketed], ['lower bound', false, true]);
    const edge = gridOptimum(result({ g: 4, m: 0.1 }));
    assert.deepEqual([edge.gammaNegPosition, edge.interior, edge.bracketed], ['upper edge', false, false]);
    assert.match(gridOptimumText(edge), /largest value tried.*wider grid is needed/);
  });

  test('combinationComparisons: paired over the seeds; without the selection seed too few seeds remain', () => {
    const [focusing, shifting] = combinationComparisons(result({ g: 2, m: 0.1 }));
    assert.equal(focusing.n, 3);
    assert.ok(Math.abs(focusing.diff - (20 + 21 + 19.5 - 14 - 13 - 15) / 3) < 1e-12);
    assert.equal(focusing.status, 'holds');
    assert.match(shifting.label, /shifting only \(γ−=0, m=0.1\)/);
    const heldOut = combinationComparisons(result({ g: 2, m: 0.1 }), { skipFirst: true });
    assert.equal(heldOut[0].n, 2);
    assert.equal(heldOut[0].status, 'not testable here');
  });

  test('focusingCurves: focal sorted by γ beside the m = 0 row, and the best of each', () => {
    const c = focusingCurves(result({ g: 2, m: 0.1 }));
    assert.deepEqual(c.focal.gamma, [0, 2]);
    assert.deepEqual(c.asymmetric.gammaNeg, [0, 2, 4]);
    assert.deepEqual(c.asymmetric.mAP, [10, 12, 14]);
    assert.deepEqual(c.bestFocal, { gamma: 2, mAP: 12 });
    assert.deepEqual(c.bestAsymmetric, { gammaNeg: 4, mAP: 14 });
  });
});
