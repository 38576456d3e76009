/**
 * One verdict rule for every claim the book tests. A difference between two settings (say ASL's mAP
 * and CE's, over the same seeds) "holds" only when it exceeds twice its standard error over at least
 * three seeds; it "contradicts" the paper when it is that significant the other way; otherwise it is
 * "within noise". With fewer than three seeds, or when the paper's setting has no faithful stand-in
 * here, the claim is "not testable here" and the reason is given. Verdicts are computed from the
 * numbers of the run — never written by hand.
 *
 * Standard error: with paired samples (the same seeds, so the same initialisation and batch order for
 * both settings) SE = sd(dᵢ)/√n of the per-seed differences dᵢ = aᵢ − bᵢ; unpaired, Welch's
 * SE = √(s_a²/n_a + s_b²/n_b).
 */
import { fail } from './errors';

export type VerdictStatus = 'holds' | 'within noise' | 'contradicts' | 'not testable here';

/** The outcome of one comparison "a > b" (the paper's direction). */
export interface Comparison {
  /** What is compared, e.g. "ASL > CE (mAP)". */
  label: string;
  /** mean(a) − mean(b) (paired: mean of the differences). */
  diff: number;
  /** Standard error of `diff`. */
  se: number;
  /** Seeds (pairs) used. */
  n: number;
  status: VerdictStatus;
  /** Why, when not testable. */
  reason?: string;
}

/** A claim's verdict: the comparisons it rests on and the combined status. */
export interface Verdict {
  status: VerdictStatus;
  comparisons: Comparison[];
  /** Why, when not testable. */
  reason?: string;
}

export const MIN_SEEDS = 3;

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const variance = (v: readonly number[]) => {
  const m = mean(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
};

/**
 * Compares "a > b" by the rule (see the module comment). `paired` (default true when the arrays have
 * the same length) treats aᵢ and bᵢ as the same seed.
 */
export function compare(label: string, a: readonly number[], b: readonly number[], options: { paired?: boolean } = {}): Comparison {
  if (!Array.isArray(a) || !Array.isArray(b)) fail('compare', 'a', 'must be arrays of per-seed values');
  const paired = options.paired ?? a.length === b.length;
  if (paired && a.length !== b.length) fail('compare', 'b', `paired samples need the same number of seeds (${a.length} vs ${b.length})`);
  if ([...a, ...b].some((x) => !Number.isFinite(x))) {
    return { label, diff: NaN, se: NaN, n: Math.min(a.length, b.length), status: 'not testable here', reason: 'a run gave no finite value' };
  }
  const n = Math.min(a.length, b.length);
  let diff: number;
  let se: number;
  if (paired) {
    const d = a.map((x, i) => x - b[i]);
    diff = mean(d);
    se = n > 1 ? Math.sqrt(variance(d) / n) : NaN;
  } else {
    diff = mean(a) - mean(b);
    se = a.length > 1 && b.length > 1 ? Math.sqrt(variance(a) / a.length + variance(b) / b.length) : NaN;
  }
  if (n < MIN_SEEDS) return { label, diff, se, n, status: 'not testable here', reason: `${n} seed${n === 1 ? '' : 's'}; the rule needs at least ${MIN_SEEDS}` };
  const status: VerdictStatus = diff > 2 * se ? 'holds' : diff < -2 * se ? 'contradicts' : 'within noise';
  return { label, diff, se, n, status };
}

/** A claim that rests on several comparisons holds when all hold; contradicts when any contradicts. */
export function verdictOf(comparisons: readonly Comparison[]): Verdict {
  if (comparisons.length === 0) fail('verdictOf', 'comparisons', 'must not be empty');
  const untestable = comparisons.find((c) => c.status === 'not testable here');
  if (untestable) return { status: 'not testable here', comparisons: [...comparisons], reason: untestable.reason };
  const status: VerdictStatus = comparisons.some((c) => c.status === 'contradicts')
    ? 'contradicts'
    : comparisons.every((c) => c.status === 'holds')
      ? 'holds'
      : 'within noise';
  return { status, comparisons: [...comparisons] };
}

/** A claim this book cannot test, with the reason (a missing dataset, backbone or scale). */
export function notTestable(reason: string): Verdict {
  if (!reason) fail('notTestable', 'reason', 'must say why');
  return { status: 'not testable here', comparisons: [], reason };
}

/** A claim checked exactly (a formula against reference values): holds when the check passed. */
export function exactCheck(label: string, maxError: number, tolerance: number): Verdict {
  const ok = Number.isFinite(maxError) && maxError <= tolerance;
  return {
    status: ok ? 'holds' : 'contradicts',
    comparisons: [{ label: `${label}: max error ${maxError.toExponential(1)} ≤ ${tolerance.toExponential(0)}`, diff: maxError, se: 0, n: 1, status: ok ? 'holds' : 'contradicts' }],
  };
}

/** One line per comparison: `ASL > CE (mAP): +12.31 ± 0.45 (2 SE 0.90), 3 seeds → holds`. */
export function comparisonText(c: Comparison, digits = 2): string {
  if (c.status === 'not testable here' && !Number.isFinite(c.diff)) return `${c.label}: not testable here (${c.reason})`;
  const sign = c.diff >= 0 ? '+' : '−';
  const se = Number.isFinite(c.se) ? ` ± ${c.se.toFixed(digits)} (2 SE ${(2 * c.se).toFixed(digits)})` : '';
  return `${c.label}: ${sign}${Math.abs(c.diff).toFixed(digits)}${se}, ${c.n} seed${c.n === 1 ? '' : 's'} → ${c.status}${c.reason ? ` (${c.reason})` : ''}`;
}
