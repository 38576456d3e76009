/**
 * Strict options objects. Every public function that takes an options object rejects keys it does
 * not know, naming the key and the closest valid one, so a misspelt option never falls back to its
 * default silently:
 *
 *   asymmetricLoss: unknown option 'gamaNeg' (did you mean 'gammaNeg'? known: gammaNeg, gammaPos, …)
 */
import { fail } from './errors';

/** Levenshtein distance (insertions, deletions, substitutions; a transposition counts 1). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}

/**
 * The candidate closest to `word` (case-insensitive edit distance), when it is close enough to be a
 * plausible typo: at most 2 edits, or a third of the word's length for long words. Undefined otherwise.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(w.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** `(did you mean 'x'? known: a, b, c)` for an unknown word. */
export function suggestion(word: string, known: readonly string[]): string {
  const close = closestMatch(word, known);
  const list = known.length ? `known: ${known.join(', ')}` : 'there are none';
  return close ? `(did you mean '${close}'? ${list})` : `(${list})`;
}

/**
 * Throws when `options` has a key outside `known`: `fn: unknown option 'gamaNeg' (did you mean
 * 'gammaNeg'? known: …)`. `where` prefixes nested keys (`'optimizer.'`). Keys whose value is
 * `undefined` are still rejected: a misspelt key is a mistake whatever its value.
 */
export function checkOptionKeys(options: object | undefined | null, known: readonly string[], fn: string, where = ''): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, where ? where.replace(/\.$/, '') : 'options', `must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(fn, undefined, `unknown option '${where}${key}' ${suggestion(key, known)}`);
  }
}
