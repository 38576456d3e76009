/**
 * Shared argument handling of the training commands (`asl train`, `asl eval`, `asl sweep`,
 * `asl bench`): `--key value`, `--key=value` and boolean flags; the dataset options common to them.
 */
import type { DatasetRef } from './data-ref';

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Parses arguments; `booleans` are the flags that take no value. */
export function parseTrainingArgs(args: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (booleans.includes(a.slice(2))) flags.set(a.slice(2), true);
    else {
      if (i + 1 >= args.length) throw new Error(`option ${a} needs a value`);
      flags.set(a.slice(2), args[++i]);
    }
  }
  return { positional, flags };
}

export function numberFlag(p: ParsedArgs, key: string): number | undefined {
  const v = p.flags.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new Error(`--${key} must be a number, got ${String(v)}`);
  return n;
}

export function stringFlag(p: ParsedArgs, key: string): string | undefined {
  const v = p.flags.get(key);
  if (v === true) throw new Error(`--${key} needs a value`);
  return v;
}

/** A comma-separated list flag (`--seed 0,1,2`), numbers where they parse. */
export function listFlag(p: ParsedArgs, key: string): (string | number)[] | undefined {
  const v = stringFlag(p, key);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s.trim()));
}

/** `gammaNeg=4,gammaPos=0,fused=true` → params. */
export function parseParams(text: string | undefined): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined) throw new Error(`parameter '${part}' must be key=value`);
    out[k] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

export const DATA_HELP = `Data (default: MultiFashion, 32×32 canvas, 2,000 training and 500 validation images):
  --data multifashion|debtags|<module.js>#<export>
  --train-size N, --val-size N, --canvas N     MultiFashion sizes
  --missing-rate R                             MultiFashion: fraction of training positives hidden
  --feature-dim N                              Debtags hashed features (default 4096)`;

/** The dataset reference the data flags describe. */
export function datasetRefFromArgs(p: ParsedArgs): DatasetRef {
  const data = stringFlag(p, 'data') ?? 'multifashion';
  if (data === 'multifashion') {
    const options: Record<string, unknown> = {
      trainSize: numberFlag(p, 'train-size') ?? 2000,
      valSize: numberFlag(p, 'val-size') ?? 500,
      canvasSize: numberFlag(p, 'canvas') ?? 32,
    };
    const missing = numberFlag(p, 'missing-rate');
    if (missing !== undefined) options.missingLabelRate = missing;
    return { kind: 'multifashion', options };
  }
  if (data === 'debtags') return { kind: 'debtags', options: { featureDim: numberFlag(p, 'feature-dim') ?? 4096 } };
  const hash = data.lastIndexOf('#');
  if (hash <= 0) throw new Error(`--data must be multifashion, debtags or <module>#<export>, got ${data}`);
  return { kind: 'module', module: data.slice(0, hash), exportName: data.slice(hash + 1) };
}
