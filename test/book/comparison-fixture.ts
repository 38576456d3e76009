/** A hand-made `ComparisonResult` for the book's analysis tests: per-seed mAPs per arm, nothing trained. */
import type { ComparisonPlan, ComparisonResult, ComparisonRun } from 'asl-workbook-book';

/** One evaluated run with only its arm, seed, rate and mAP set. */
export function fixtureRun(arm: string, seed: number, mAP: number, lr = 2e-3): ComparisonRun {
  return { arm, seed, lr, mAP, params: {}, ok: true, CF1: 0, OF1: 0, averagePrecision: [], bestEpoch: 0, valMap: [], trainLoss: [], seconds: 0 };
}

/** A comparison of `plan` whose arm `a` scored `mAPs[a][i]` on `plan.seeds[i]`, at the rates `chosenLr`. */
export function fixtureComparison(plan: ComparisonPlan, mAPs: Record<string, readonly number[]>, chosenLr: Record<string, number>): ComparisonResult {
  return {
    plan,
    runs: Object.entries(mAPs).flatMap(([arm, v]) => v.map((m, i) => fixtureRun(arm, plan.seeds[i], m))),
    lrSearch: [],
    chosenLr,
    lrInterior: Object.fromEntries(Object.keys(chosenLr).map((arm) => [arm, true])),
    classNames: [],
    trainPositives: [],
    valPositives: [],
    prClasses: [],
    seconds: 0,
  };
}
