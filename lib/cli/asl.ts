#!/usr/bin/env node
/**
 * The `asl` command line. Sub-commands live in ./commands (one file each, exporting `command`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from './command';

export function loadCommands(dir = path.join(__dirname, 'commands')): CliCommand[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
    .map((f) => (require(path.join(dir, f)) as { command?: CliCommand }).command)
    .filter((c): c is CliCommand => !!c)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function usage(commands: CliCommand[]): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    'asl: the Asymmetric Loss workbook command line',
    '',
    'Usage: asl <command> [options]    (asl <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const commands = loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage(commands));
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`asl: unknown command '${name}'\n\n${usage(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    console.error(`asl ${name}: ${(e as Error).message}`);
    if (process.env.ASL_DEBUG) console.error((e as Error).stack);
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
