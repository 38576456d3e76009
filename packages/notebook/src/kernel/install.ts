/**
 * Registering the kernel with Jupyter: `asl-kernel install [--user | --prefix DIR] [--name NAME]
 * [--display-name TEXT]` writes `kernel.json` into Jupyter's kernels folder. The spec runs this
 * installed package's kernel with the Node.js that installed it, and sets `NODE_PATH` to the
 * `node_modules` folder the package lies in, so a notebook in any folder can `import 'asl-workbook'`.
 * No Python is needed to install; `jupyter kernelspec list` shows the result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A Jupyter kernel spec (kernel.json). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'signal' | 'message';
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export interface KernelSpecOptions {
  /** Kernel name (folder name; default `asl-workbook`). */
  name?: string;
  /** Shown in the notebook's kernel menu (default `ASL Workbook (TypeScript)`). */
  displayName?: string;
  /** The kernel entry (default: this package's dist/kernel/main.js). */
  kernelMain?: string;
  /** Extra environment of the kernel process. */
  env?: Record<string, string>;
}

/** The `node_modules` folder a file lies in (the nearest one above it), if any. */
export function nodeModulesOf(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  return at >= 0 ? parts.slice(0, at + 1).join(path.sep) : undefined;
}

/**
 * The kernel spec for this installation. NODE_PATH is the `node_modules` folder the package lies in;
 * when the package is linked there (a workspace, `npm link`: its real path is elsewhere) it is the
 * folder of the `asl-kernel` command that was run (`npx asl-kernel install` runs
 * `<project>/node_modules/.bin/asl-kernel`), else of the given kernel path.
 */
export function kernelSpec(options: KernelSpecOptions = {}): KernelSpec {
  const kernelMain = path.resolve(options.kernelMain ?? path.join(__dirname, 'main.js'));
  const command = process.argv[1] && /asl-kernel(\.js)?$/.test(process.argv[1]) ? process.argv[1] : undefined;
  const modules = nodeModulesOf(fs.realpathSync.native(kernelMain)) ?? (command ? nodeModulesOf(command) : undefined) ?? nodeModulesOf(kernelMain);
  return {
    argv: [process.execPath, kernelMain, '--connection-file', '{connection_file}'],
    display_name: options.displayName ?? 'ASL Workbook (TypeScript)',
    language: 'typescript',
    interrupt_mode: 'signal',
    env: { ...(modules ? { NODE_PATH: modules } : {}), ...(options.env ?? {}) },
    metadata: { 'asl-workbook': { kernelMain, createdBy: 'asl-kernel install' } },
  };
}

/** Jupyter's per-user data folder (JUPYTER_DATA_DIR, else the platform's default). */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

/** Writes the spec into `<dir>/<name>/kernel.json`; returns that folder. */
export function writeKernelSpec(dir: string, options: KernelSpecOptions = {}): string {
  const name = options.name ?? 'asl-workbook';
  if (!/^[a-z0-9._-]+$/i.test(name)) throw new Error(`asl-kernel install: --name must be letters, digits, '.', '_' or '-', got '${name}'`);
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'kernel.json'), JSON.stringify(kernelSpec(options), null, 2) + '\n');
  return folder;
}

const USAGE = `usage: asl-kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]
  --user          install for this user (default): <Jupyter data dir>/kernels
  --prefix DIR    install under DIR/share/jupyter/kernels (e.g. a virtualenv's prefix)
  --name NAME     kernel name (default asl-workbook)
  --display-name TEXT   name shown in the kernel menu`;

/** The `install` sub-command; returns the exit code. */
export function installCommand(argv: readonly string[]): number {
  const { parseArgs } = require('node:util') as typeof import('node:util');
  let values: { user?: boolean; prefix?: string; name?: string; 'display-name'?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { user: { type: 'boolean' }, prefix: { type: 'string' }, name: { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`asl-kernel install: ${(e as Error).message.split('\n')[0]}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (values.user && values.prefix) {
    process.stderr.write(`asl-kernel install: give --user or --prefix, not both\n${USAGE}\n`);
    return 2;
  }
  const kernels = values.prefix ? path.join(path.resolve(values.prefix), 'share', 'jupyter', 'kernels') : path.join(userJupyterDataDir(), 'kernels');
  try {
    const folder = writeKernelSpec(kernels, { name: values.name, displayName: values['display-name'] });
    process.stdout.write(`asl-kernel: installed kernel '${values.name ?? 'asl-workbook'}' in ${folder}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`asl-kernel install: ${(e as Error).message}\n`);
    return 1;
  }
}
