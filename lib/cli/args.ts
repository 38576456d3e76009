/**
 * The command line's argument handling, on `node:util`'s `parseArgs` in strict mode: every command
 * declares its options once (type, value kind, choices, help text); unknown options, missing or
 * ambiguous values and stray positionals are usage errors (exit code 2) with a "did you mean", and
 * every value is checked (an integer is an integer: `--labels 2.5` is an error) before any work.
 */
import { parseArgs } from 'node:util';
import { closestMatch } from '../core/options';

/** A mistake in how a command was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The kind of value an option takes. */
export type ValueKind = 'string' | 'int' | 'positive-int' | 'count' | 'number' | 'positive' | 'fraction' | 'list' | 'path';

export interface OptionSpec {
  /** `boolean` flags take no value. */
  type: 'string' | 'boolean';
  /** How the string value is checked and converted (default `'string'`). */
  kind?: ValueKind;
  /** Allowed values (strings). */
  choices?: readonly string[];
  /** Placeholder shown in help (`--epochs N`). */
  value?: string;
  description: string;
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed arguments: typed values by option name, and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Whether an option was given on the command line. */
  has(name: string): boolean;
  string(name: string): string | undefined;
  flag(name: string): boolean;
  /** The option's value as a checked number (by its kind). */
  number(name: string): number | undefined;
  /** A comma-separated list (numbers where they parse). */
  list(name: string): (string | number)[] | undefined;
}

const NUMBER_KINDS: Partial<Record<ValueKind, { what: string; ok: (n: number) => boolean }>> = {
  int: { what: 'an integer', ok: Number.isInteger },
  count: { what: 'an integer ≥ 0', ok: (n) => Number.isInteger(n) && n >= 0 },
  'positive-int': { what: 'a positive integer', ok: (n) => Number.isInteger(n) && n >= 1 },
  number: { what: 'a number', ok: () => true },
  positive: { what: 'a number > 0', ok: (n) => n > 0 },
  fraction: { what: 'a number in [0, 1]', ok: (n) => n >= 0 && n <= 1 },
};

function checkNumber(name: string, text: string, kind: ValueKind): number {
  const rule = NUMBER_KINDS[kind] ?? NUMBER_KINDS.number!;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !rule.ok(n)) throw new UsageError(`--${name} must be ${rule.what}, got '${text}'`);
  return n;
}

/** Parses `args` against `specs` (see the module comment); `maxPositionals` bounds the positionals. */
export function parseCommandArgs(command: string, args: readonly string[], specs: OptionSpecs, maxPositionals = 0): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, s] of Object.entries(specs)) options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}) };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: maxPositionals > 0 }) as typeof parsed;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const m = /Unknown option '(-{1,2})([^']+)'/.exec(err.message);
    if (m) {
      const close = closestMatch(m[2], Object.keys(specs));
      throw new UsageError(`unknown option '${m[1]}${m[2]}'${close ? ` (did you mean '--${close}'?)` : ''}; see 'asl help ${command}'`);
    }
    throw new UsageError(`${err.message.split('\n').join(' ')} (see 'asl help ${command}')`);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals];
    throw new UsageError(`unexpected argument '${extra}'${maxPositionals === 0 ? ': this command takes only options' : ''}; see 'asl help ${command}'`);
  }
  const values = parsed.values;
  for (const [name, s] of Object.entries(specs)) {
    const v = values[name];
    if (typeof v !== 'string') continue;
    if (s.choices && !s.choices.includes(v)) {
      const close = closestMatch(v, s.choices);
      throw new UsageError(`--${name} must be one of ${s.choices.join(', ')}, got '${v}'${close ? ` (did you mean '${close}'?)` : ''}`);
    }
    const kind = s.kind ?? 'string';
    if (kind !== 'string' && kind !== 'list' && kind !== 'path') checkNumber(name, v, kind);
    if (v.trim() === '') throw new UsageError(`--${name} needs a value`);
  }
  return {
    values,
    positionals: parsed.positionals,
    has: (name) => values[name] !== undefined,
    string: (name) => (typeof values[name] === 'string' ? (values[name] as string) : undefined),
    flag: (name) => values[name] === true,
    number(name) {
      const v = values[name];
      return typeof v === 'string' ? checkNumber(name, v, specs[name]?.kind ?? 'number') : undefined;
    },
    list(name) {
      const v = values[name];
      if (typeof v !== 'string') return undefined;
      const items = v.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list without empty items, got '${v}'`);
      return items.map((s) => (Number.isFinite(Number(s)) ? Number(s) : s));
    },
  };
}

/** The options part of a command's help, generated from its specs. */
export function optionsHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const value = s.type === 'boolean' ? '' : ` ${s.value ?? (s.choices ? s.choices.join('|') : 'VALUE')}`;
    return [`  ${s.short ? `-${s.short}, ` : ''}--${name}${value}`, s.description];
  });
  const width = Math.min(34, Math.max(...rows.map((r) => r[0].length)) + 2);
  return rows.map(([l, d]) => (l.length >= width ? `${l}\n${' '.repeat(width)}${d}` : `${l.padEnd(width)}${d}`)).join('\n');
}
