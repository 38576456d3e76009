/**
 * Notebooks anywhere: a notebook in a folder without `node_modules` can `import 'asl-workbook'` when
 * the kernel was installed from a project that has it (`asl-kernel install` puts that project's
 * `node_modules` in the spec's `NODE_PATH`).
 *
 * Node.js resolves NODE_PATH itself at run time, but tslab type-checks cells with TypeScript's
 * `node10` resolution, which ignores NODE_PATH (and tslab's compiler options cannot be changed).
 * TypeScript looks for a package in `node_modules` of the notebook's folder and of every folder
 * above it, the file-system root last. The kernel makes that last place, `/node_modules`, show the
 * NODE_PATH folders, through TypeScript's `sys` (the file-system functions tslab's compiler host
 * forwards to): NODE_PATH is then searched after every real `node_modules`, exactly as Node.js
 * searches it, and types resolve wherever the package is found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The part of TypeScript's `sys` the overlay wraps. */
export interface FileSystemHost {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
}

/** The folders of a NODE_PATH value that exist (absolute). */
export function nodePathFolders(value: string | undefined = process.env.NODE_PATH): string[] {
  return (value ?? '')
    .split(path.delimiter)
    .filter((p) => p.trim() !== '')
    .map((p) => path.resolve(p))
    .filter((p, i, all) => all.indexOf(p) === i && fs.existsSync(p));
}

/** The `node_modules` folder at the file-system root that stands for NODE_PATH. */
export const ROOT_NODE_MODULES = path.join(path.parse(process.cwd()).root, 'node_modules');

/**
 * Maps a path under the root `node_modules` to the first NODE_PATH folder that has it; other paths
 * (and paths no folder has) are returned unchanged.
 */
export function nodePathTarget(p: string, folders: readonly string[], host: Pick<FileSystemHost, 'fileExists' | 'directoryExists'>): string {
  const rel = path.relative(ROOT_NODE_MODULES, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return p;
  for (const folder of folders) {
    const candidate = path.join(folder, rel);
    if (host.fileExists(candidate) || host.directoryExists(candidate)) return candidate;
  }
  return p;
}

const patched = new WeakSet<object>();

/**
 * Makes `sys` (TypeScript's) see the NODE_PATH folders at the root `node_modules`. Returns the
 * folders used (none: nothing is changed). Idempotent per `sys`.
 */
export function installNodePathResolution(sys: FileSystemHost, value: string | undefined = process.env.NODE_PATH): string[] {
  const folders = nodePathFolders(value);
  if (folders.length === 0 || patched.has(sys)) return folders;
  patched.add(sys);
  const real = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    realpath: sys.realpath?.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
  };
  const target = (p: string) => nodePathTarget(p, folders, real);
  sys.fileExists = (p) => real.fileExists(p) || real.fileExists(target(p));
  sys.directoryExists = (p) => real.directoryExists(p) || p === ROOT_NODE_MODULES || real.directoryExists(target(p));
  sys.readFile = (p, encoding) => (real.fileExists(p) ? real.readFile(p, encoding) : real.readFile(target(p), encoding));
  sys.getDirectories = (p) => (real.directoryExists(p) ? real.getDirectories(p) : real.getDirectories(target(p)));
  if (real.realpath) {
    const realpath = real.realpath;
    sys.realpath = (p) => {
      const t = real.fileExists(p) || real.directoryExists(p) ? p : target(p);
      return realpath(t);
    };
  }
  return folders;
}
