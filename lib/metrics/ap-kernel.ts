/**
 * Fast exact AP of one class without sorting the negatives.
 *
 * AP only needs, for each positive, how many negatives rank above it. So: sort the P positives
 * (stable radix sort by key: ascending (score, position)), then place every negative among them —
 * a lookup table on the top 16 key bits gives the run of positives sharing its bucket, and a binary
 * search inside that (usually empty or tiny) run gives its place — and count negatives per gap.
 * The work is one pass over the N samples plus a sort of P ≪ N keys, instead of sorting all N.
 *
 * The numbers are the same as walking the full descending order (tested against it):
 *   official  a negative ranks above a positive when (score, position) is larger — later positions
 *             first among equal scores, numpy's `argsort()[::-1]`;
 *             AP = Σ_{d=1..P} d / (d + negatives above the d-th positive) / (P + 1e-8)
 *   sklearn   tie groups: for each distinct positive score g, with tp_g positives and n_g negatives
 *             scoring ≥ g, AP = Σ_g (positives at g) · tp_g / (tp_g + n_g) / P
 * Only 32-bit keys (float32-representable scores) take this path; the caller falls back to the full
 * sort for 64-bit keys.
 */
import { radixSortKeys, RADIX_SORT_HISTOGRAM_SIZE } from './sort';

/** The epsilon in the official AP denominator, Σ prec@pos / (P + 1e-8). */
export const OFFICIAL_AP_EPSILON = 1e-8;

const SHIFT = 16; // lookup on the top 16 bits of the key

/** Reusable buffers of {@link narrowAveragePrecision}. */
export class ApWorkspace {
  pk = new Uint32Array(0);
  pi = new Uint32Array(0);
  pk2 = new Uint32Array(0);
  pi2 = new Uint32Array(0);
  gap = new Float64Array(0);
  equal = new Float64Array(0);
  start = new Uint32Array((1 << (32 - SHIFT)) + 1);
  readonly hist = new Uint32Array(RADIX_SORT_HISTOGRAM_SIZE);

  ensure(n: number): void {
    if (this.pk.length >= n) return;
    const size = Math.max(n, 2 * this.pk.length);
    this.pk = new Uint32Array(size);
    this.pi = new Uint32Array(size);
    this.pk2 = new Uint32Array(size);
    this.pi2 = new Uint32Array(size);
    this.gap = new Float64Array(size + 1);
    this.equal = new Float64Array(size + 1);
  }
}

/**
 * AP (fraction; 0 without positives) and the positive count of one class given by 32-bit order
 * keys and 0/1 labels in sample order (`keys[0..n)`, `labels[0..n)`); the inputs are not modified.
 */
export function narrowAveragePrecision(
  keys: Uint32Array,
  labels: Uint8Array,
  n: number,
  official: boolean,
  ws: ApWorkspace,
): { ap: number; positives: number } {
  ws.ensure(n);
  // 1. The positives, in sample order.
  let pk = ws.pk;
  let pi = ws.pi;
  let P = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      pk[P] = keys[i];
      pi[P] = i;
      P++;
    }
  }
  if (P === 0) return { ap: 0, positives: 0 };
  // 2. Stable sort of the positives by key → ascending (key, position).
  if (radixSortKeys(pk, pi, ws.pk2, ws.pi2, P, ws.hist)) {
    pk = ws.pk2;
    pi = ws.pi2;
  }
  // 3. start[b − bMin] = first positive whose bucket (top 16 bits) is ≥ b, for b in [bMin, bMax + 1].
  const bMin = pk[0] >>> SHIFT;
  const bMax = pk[P - 1] >>> SHIFT;
  const start = ws.start;
  for (let b = bMin, q = 0; b <= bMax + 1; b++) {
    while (q < P && pk[q] >>> SHIFT < b) q++;
    start[b - bMin] = q;
  }
  // 4. Place every negative: gap[q] counts negatives between positives q − 1 and q (ascending);
  //    in sklearn mode, equal[q] counts negatives whose score equals that of positive q.
  const gap = ws.gap;
  const equal = ws.equal;
  gap.fill(0, 0, P + 1);
  if (!official) equal.fill(0, 0, P + 1);
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) continue;
    const k = keys[i];
    const b = k >>> SHIFT;
    if (b < bMin) {
      gap[0]++;
      continue;
    }
    if (b > bMax) {
      gap[P]++;
      continue;
    }
    let lo = start[b - bMin];
    let hi = start[b - bMin + 1];
    if (official) {
      // First positive with (key, position) > (k, i).
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const km = pk[mid];
        if (km < k || (km === k && pi[mid] < i)) lo = mid + 1;
        else hi = mid;
      }
      gap[lo]++;
    } else {
      // First positive with key ≥ k.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pk[mid] < k) lo = mid + 1;
        else hi = mid;
      }
      if (lo < P && pk[lo] === k) equal[lo]++;
      else gap[lo]++;
    }
  }
  // 5. Walk the positives from the highest score down.
  let sum = 0;
  if (official) {
    let above = 0;
    for (let j = P - 1; j >= 0; j--) {
      above += gap[j + 1];
      const d = P - j;
      sum += d / (d + above);
    }
    return { ap: sum / (P + OFFICIAL_AP_EPSILON), positives: P };
  }
  let above = gap[P]; // negatives above every positive score
  let j = P - 1;
  while (j >= 0) {
    let a = j;
    while (a > 0 && pk[a - 1] === pk[j]) a--;
    for (let q = a + 1; q <= j; q++) above += gap[q] + equal[q];
    const tp = P - a;
    sum += ((j - a + 1) * tp) / (tp + above + equal[a]);
    above += gap[a] + equal[a];
    j = a - 1;
  }
  return { ap: sum / P, positives: P };
}

