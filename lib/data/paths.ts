/**
 * Where the workbook finds its shipped data (`<repo>/data`) and keeps generated caches
 * (`<repo>/.cache/asl-workbook`, git-ignored). Both are found by walking up from this module, so
 * they work from the TypeScript sources (`lib/data`) and from the compiled package (`lib/dist/data`).
 * Override with the environment variables `ASL_DATA_DIR` and `ASL_CACHE_DIR`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let repoRootMemo: string | undefined;

/** The repository root: the nearest folder above this module holding `data/fashion-mnist`. */
export function workbookRoot(): string {
  if (repoRootMemo) return repoRootMemo;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'data', 'fashion-mnist'))) return (repoRootMemo = dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return (repoRootMemo = process.cwd());
}

/** The folder of shipped data files (`ASL_DATA_DIR`, else `<repo>/data`). */
export function dataDir(): string {
  return process.env.ASL_DATA_DIR || path.join(workbookRoot(), 'data');
}

/** The cache folder (`ASL_CACHE_DIR`, else `<repo>/.cache/asl-workbook`). Not created here. */
export function cacheDir(): string {
  return process.env.ASL_CACHE_DIR || path.join(workbookRoot(), '.cache', 'asl-workbook');
}
