/**
 * Validating plain data (configs, run-folder files, checkpoint headers) against a zod schema with
 * errors in the workbook's style: the function, the key path, what was expected, and for an unknown
 * key the closest valid one — `asl train: config.json: unknown option 'epocs' (did you mean 'epochs'? …)`.
 */
import { z } from 'zod';
import { AslInputError } from './errors';
import { suggestion } from './options';

function unwrap(s: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s.removeDefault();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

/** The object option of a union that fits `value` (by a literal `name`/`kind` discriminator, else the first object). */
function objectOption(s: z.ZodTypeAny, value: unknown): z.ZodTypeAny {
  s = unwrap(s);
  const options: z.ZodTypeAny[] | undefined =
    s instanceof z.ZodDiscriminatedUnion ? [...(s.options as z.ZodTypeAny[])] : s instanceof z.ZodUnion ? [...(s.options as z.ZodTypeAny[])] : undefined;
  if (!options) return s;
  const objects = options.map(unwrap).filter((o): o is z.AnyZodObject => o instanceof z.ZodObject);
  const v = value as Record<string, unknown> | undefined;
  for (const o of objects) {
    const fits = Object.entries(o.shape as Record<string, z.ZodTypeAny>).every(([k, t]) => {
      const u = unwrap(t);
      return !(u instanceof z.ZodLiteral) || (v !== undefined && v !== null && u.value === v[k]);
    });
    if (fits) return o;
  }
  return objects[0] ?? s;
}

/** The keys the schema allows for the object at `path` of `value`. */
function knownKeysAt(schema: z.ZodTypeAny, path: readonly (string | number)[], value: unknown): string[] {
  let s = objectOption(schema, value);
  let v: unknown = value;
  for (const seg of path) {
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
    if (s instanceof z.ZodObject) s = objectOption((s.shape as Record<string, z.ZodTypeAny>)[String(seg)] ?? z.never(), v);
    else if (s instanceof z.ZodArray) s = objectOption(s.element, v);
    else if (s instanceof z.ZodRecord) s = objectOption(s.valueSchema, v);
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}

function pathText(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

/** One readable line per issue (unions: the issue of the closest option). */
function describeIssue(schema: z.ZodTypeAny, value: unknown, issue: z.ZodIssue): string {
  if (issue.code === z.ZodIssueCode.invalid_union && issue.unionErrors.length) {
    // The option that got furthest (longest path) explains best what is wrong.
    const best = issue.unionErrors
      .flatMap((e) => e.issues)
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (best && best.path.length > issue.path.length) return describeIssue(schema, value, best);
  }
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const known = knownKeysAt(schema, issue.path, value);
    return issue.keys
      .map((k) => `unknown option '${pathText([...issue.path, k])}' ${suggestion(k, known)}`)
      .join('; ');
  }
  const at = pathText(issue.path);
  let what = issue.message;
  if (issue.code === z.ZodIssueCode.invalid_enum_value || issue.code === z.ZodIssueCode.invalid_union_discriminator) {
    const options = issue.options.map((o) => String(o));
    const got = issue.code === z.ZodIssueCode.invalid_enum_value ? String(issue.received) : undefined;
    const close = got !== undefined ? suggestion(got, options).replace(/ known: .*\)$/, ')') : '';
    what = `must be one of ${options.map((o) => `'${o}'`).join(', ')}${got !== undefined ? `, got '${got}'` : ''}${close.startsWith('(did') ? ` ${close}` : ''}`;
  } else if (issue.code === z.ZodIssueCode.invalid_type) {
    what = issue.received === 'undefined' ? `is required (${issue.expected})` : `must be ${issue.expected}, got ${issue.received}`;
  }
  return at ? `'${at}' ${what}` : what;
}

/**
 * Parses `value` with `schema`; on failure throws an {@link AslInputError} from `fn` listing every
 * problem with its key path, after `where` (the source: a file name, `'config'`) when given.
 */
export function parseWithSchema<S extends z.ZodTypeAny>(schema: S, value: unknown, fn: string, where = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.output<S>;
  const lines = [...new Set(r.error.issues.map((i) => describeIssue(schema, value, i)))];
  throw new AslInputError(fn, undefined, `${where ? `${where}: ` : ''}${lines.join('; ')}`);
}
