/**
 * A disk cache for expensive runs (training runs, sweeps), keyed by the run's configuration AND the
 * code version, so re-executing a chapter is fast and a result is never served for a different
 * configuration or after the library changed.
 *
 * Code version = the core's `codeVersion()`: a hash of its compiled files (or of its TypeScript sources
 * when running from them), computed once per process.
 * Location: `<ASL_CACHE_DIR or <repo>/.cache/asl-workbook>/runs` (git-ignored). `ASL_NO_CACHE=1` disables it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, codeVersion as coreCodeVersion } from 'asl-workbook';

/**
 * The core library's code version (`codeVersion` of asl-workbook: a hash of its compiled files, or of
 * its TypeScript sources when running from them) — the same version the sweep queue keys its jobs by.
 */
export function codeVersion(): string {
  return coreCodeVersion();
}

/** Canonical JSON (sorted keys), so equal configurations give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where runs are cached: `<cacheDir()>/runs` (`ASL_CACHE_DIR` or `<repo>/.cache/asl-workbook`). */
export function runCacheDir(): string {
  return path.join(cacheDir(), 'runs');
}

/** The cache key of a configuration under the current code version. */
export function runCacheKey(config: unknown): string {
  return createHash('sha256').update(codeVersion()).update(canonicalJson(config)).digest('hex').slice(0, 24);
}

export interface CachedRunOptions {
  /** Recompute even if a cached result exists. */
  refresh?: boolean;
  dir?: string;
}

/** Computations in progress in this process, by cache file: concurrent callers of one configuration share one. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Returns the cached result of `config` if one exists for the current code version; otherwise runs
 * `fn`, stores its (JSON-serialisable) result atomically, and returns it. Callers that ask for the same
 * configuration while it is being computed (experiments running side by side that share a step) wait
 * for that one computation instead of starting another.
 */
export async function cachedRun<T>(config: unknown, fn: () => Promise<T>, options: CachedRunOptions = {}): Promise<T> {
  const disabled = process.env.ASL_NO_CACHE === '1';
  const dir = options.dir ?? runCacheDir();
  const file = path.join(dir, `${runCacheKey(config)}.json`);
  if (!disabled && !options.refresh) {
    const pending = inFlight.get(file);
    if (pending) return pending as Promise<T>;
    if (fs.existsSync(file)) {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: string; version: string; result: T };
      // Belt and braces: the key already encodes both, but a hash collision must never serve a wrong run.
      if (stored.config === canonicalJson(config) && stored.version === codeVersion()) return stored.result;
    }
  }
  const computation = (async () => {
    const result = await fn();
    if (!disabled) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ config: canonicalJson(config), version: codeVersion(), result }));
      fs.renameSync(tmp, file);
    }
    return result;
  })();
  if (disabled) return computation;
  inFlight.set(file, computation);
  try {
    return await computation;
  } finally {
    if (inFlight.get(file) === computation) inFlight.delete(file);
  }
}
