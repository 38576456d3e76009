/**
 * A small on-disk cache for generated data: one binary file per key, where the key is a hash of the
 * generator's name, version and parameters (so changing any parameter regenerates). Files are
 * written to a temporary name and renamed, so a crash or a concurrent writer never leaves a torn file.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './paths';

/** A stable JSON text (object keys sorted) of a parameter record. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The cache file for `name` and `params`: `<cacheDir>/<name>-<sha1 of params, 16 hex>.bin`. */
export function cachePath(name: string, params: unknown, dir = cacheDir()): string {
  const hash = crypto.createHash('sha1').update(stableStringify(params)).digest('hex').slice(0, 16);
  return path.join(dir, `${name}-${hash}.bin`);
}

/** Reads a cached buffer, or undefined when absent. */
export function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes a buffer atomically (temporary file + rename); cache failures are not fatal. */
export function writeCache(file: string, data: Uint8Array): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}
