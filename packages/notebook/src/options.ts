/**
 * Strict options objects for the notebook package's public functions: an unknown key (a typo) is an
 * AslInputError naming the function, the key and the closest allowed key, never silently ignored.
 */
import { fail } from './errors';

/** Edit distance of two short strings (option names). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * Throws when `options` is not a plain object or has a key outside `allowed`; `undefined` passes.
 * The message suggests the closest allowed key when one is near.
 */
export function checkOptions(fn: string, options: unknown, allowed: readonly string[], arg = 'options'): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, arg, `must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = allowed
      .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
      .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
      .sort((x, y) => x.d - y.d)[0];
    fail(fn, arg, `has an unknown key '${key}'${near ? ` (did you mean '${near.k}'?)` : ''}; allowed: ${allowed.join(', ')}`);
  }
}
