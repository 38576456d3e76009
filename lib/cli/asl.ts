#!/usr/bin/env node
/**
 * The `asl` command line. Sub-commands live in ./commands (one file each). Exit codes: 0 success,
 * 1 the work failed (one line on stderr; `ASL_DEBUG=1` adds the stack), 2 the command was called
 * wrongly (unknown command or option, a bad value) — with a "did you mean".
 */
import { AslInputError } from '../core/errors';
import { closestMatch } from '../core/options';
import { optionsHelp, parseCommandArgs, UsageError } from './args';
import type { CliCommand } from './command';
import { command as bench } from './commands/bench';
import { command as data } from './commands/data';
import { command as evalCommand } from './commands/eval';
import { command as losses } from './commands/losses';
import { command as sweep } from './commands/sweep';
import { command as train } from './commands/train';
import { command as worker } from './commands/worker';

/** Every command, in help order. */
export const COMMANDS: CliCommand[] = [train, evalCommand, sweep, worker, data, losses, bench];

/** The package version (from its package.json). */
export function version(): string {
  // lib/dist/cli → lib/package.json when built; lib/cli → lib/package.json from the sources.
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'asl-workbook' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

export function usage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    'asl: the Asymmetric Loss workbook command line',
    '',
    'Usage: asl <command> [options]     asl help <command>     asl --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** The full help of one command. */
export function commandHelp(c: CliCommand): string {
  const opts = optionsHelp({ ...c.options, help: { type: 'boolean', short: 'h', description: 'this help' } });
  return [`asl ${c.name}: ${c.summary}`, '', `Usage: ${c.usage}`, '', 'Options:', opts, ...(c.details ? ['', c.details] : [])].join('\n');
}

function findCommand(name: string, commands: readonly CliCommand[]): CliCommand {
  const c = commands.find((x) => x.name === name);
  if (c) return c;
  const close = closestMatch(name, commands.map((x) => x.name));
  throw new UsageError(`unknown command '${name}'${close ? ` (did you mean '${close}'?)` : ''}; commands: ${commands.map((x) => x.name).join(', ')}`);
}

export async function main(argv: string[], commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      console.error(usage(commands));
      return 2;
    }
    if (name === '--help' || name === '-h') {
      console.log(usage(commands));
      return 0;
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      console.log(version());
      return 0;
    }
    if (name === 'help') {
      if (rest.length > 1) throw new UsageError(`'asl help' takes one command name, got ${rest.length}`);
      console.log(rest[0] === undefined ? usage(commands) : commandHelp(findCommand(rest[0], commands)));
      return 0;
    }
    if (name.startsWith('-')) throw new UsageError(`unknown option '${name}' before the command; see 'asl --help'`);
    const command = findCommand(name, commands);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(commandHelp(command));
      return 0;
    }
    const parsed = parseCommandArgs(command.name, rest, command.options, command.positionals ?? 0);
    return await command.run(parsed);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`asl${name && !name.startsWith('-') && name !== 'help' ? ` ${name}` : ''}: ${e.message}`);
      return 2;
    }
    const err = e as Error;
    const message = err instanceof AslInputError || err.name === 'TrainingDivergedError' ? err.message : `${err.message}`;
    console.error(`asl ${name}: ${message.split('\n')[0]}`);
    if (process.env.ASL_DEBUG) console.error(err.stack);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
