#!/usr/bin/env node
/**
 * `asl-kernel`: the workbook's Jupyter kernel (TypeScript, built on tslab). Jupyter starts it from
 * the kernel spec written by environment/kernelspec.mjs:
 *
 *   asl-kernel --connection-file {connection_file} [--no-backend]
 *   asl-kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]   (see ./install.ts)
 *
 * `--no-backend` skips the tfjs backend start-up (for tools that only need the language).
 */
import { installCommand } from './install';
import { exitProcess } from './process-exit';

function main(argv: string[]): void {
  if (argv[0] === 'install') {
    process.exitCode = installCommand(argv.slice(1));
    return;
  }
  // Before any library loads: stack frames in the core (compiled with source maps) then name its
  // TypeScript lines.
  process.setSourceMapsEnabled(true);
  // Deep enough that a traceback from inside a library call still reaches the cell's own frame.
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 50);
  // Loaded only to run a kernel (tslab, zeromq and TypeScript take a moment).
  const { startWorkbookKernel } = require('./kernel') as typeof import('./kernel');
  let connectionFile: string | undefined;
  let initBackend = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--connection-file' || a === '-f' || a === '--config-path') connectionFile = argv[++i];
    else if (a.startsWith('--connection-file=')) connectionFile = a.slice('--connection-file='.length);
    else if (a === '--no-backend') initBackend = false;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: asl-kernel --connection-file FILE [--no-backend]\n       asl-kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT]\n');
      return;
    } else if (!a.startsWith('-') && !connectionFile) connectionFile = a;
    else {
      process.stderr.write(`asl-kernel: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!connectionFile) {
    process.stderr.write('usage: asl-kernel --connection-file FILE [--no-backend]\n');
    process.exit(2);
  }
  startWorkbookKernel({ connectionFile, initBackend }).catch((e: Error) => {
    // A bad connection file (unsupported signature_scheme, unreadable JSON) is the user's to fix: its
    // message says how; anything else is a kernel bug: its stack helps.
    const config = /connection file|signature_scheme|JSON|ENOENT|EACCES/.test(String(e?.message));
    process.stderr.write(`asl-kernel: could not start: ${config ? e.message : (e.stack ?? e)}\n`);
    exitProcess(1);
  });
}

main(process.argv.slice(2));
