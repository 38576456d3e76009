/**
 * The contract of an `asl` sub-command. Each command is one file in `cli/commands/`; the dispatcher
 * (../asl.ts) lists them in one table. A command declares its options (./args.ts) so parsing,
 * checking and help come from one place.
 */
import type { OptionSpecs, ParsedArgs } from './args';

export interface CliCommand {
  /** The word after `asl` (e.g. `train`, `data`). */
  name: string;
  /** One line for `asl --help`. */
  summary: string;
  /** Usage lines (`asl train [options]`). */
  usage: string;
  /** Text after the options in `asl help <name>`. */
  details?: string;
  /** The options it accepts. */
  options: OptionSpecs;
  /** How many positional arguments it takes at most (default 0). */
  positionals?: number;
  /** Runs with the parsed arguments; resolves to the exit code. */
  run(args: ParsedArgs): Promise<number>;
}
