/**
 * The contract of an `asl` sub-command. Each command is one file in `cli/commands/` whose module
 * exports `command: CliCommand`; the dispatcher finds them by listing that folder, so commands are
 * added without touching a shared file.
 */
export interface CliCommand {
  /** The word after `asl` (e.g. `train`, `data`). */
  name: string;
  /** One line for `asl --help`. */
  summary: string;
  /** Full help text for `asl <name> --help`. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
