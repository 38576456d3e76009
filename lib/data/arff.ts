/**
 * MEKA and MULAN multi-label ARFF files (landscape §6.5). An ARFF file has `@relation`,
 * `@attribute <name> <numeric|real|integer|{v1,v2,…}>` lines and `@data` rows, dense
 * (`0.1,3,1,0`) or sparse (`{0 0.1,1 3,2 1}`: an absent value is 0, or for a nominal attribute its
 * first value, as in Weka). Which attributes are labels:
 * - MEKA: the relation name carries `-C n`: n > 0 → the first n attributes, n < 0 → the last |n|;
 * - MULAN: a separate XML file lists them (`<labels xmlns="http://mulan.sourceforge.net/labels">
 *   <label name="…"/>…</labels>`), anywhere among the attributes.
 * Label values must be 0/1; `?` makes the label unknown (mask 0). Missing feature values become 0;
 * nominal features become their value index. A leading byte-order mark and CRLF line ends are
 * accepted; `loadArff` rejects a file without data rows or without any positive label.
 */
import { fail } from '../core/errors';
import { checkOptionKeys } from '../core/options';
import { readTextFile, stripBom } from './files';
import { InMemoryDataset } from './in-memory';
import { parseXmlDocument, type XmlElement } from './xml';

interface ArffAttribute {
  name: string;
  /** Nominal values, or undefined for numeric. */
  values?: string[];
  line: number;
}

export interface ArffData {
  relation: string;
  attributes: ArffAttribute[];
  /** Rows of raw string values (sparse rows expanded: an absent value is '0', or a nominal attribute's first value). */
  rows: Array<{ line: number; values: string[] }>;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')))) return t.slice(1, -1).replace(/\\(['"\\])/g, '$1');
  return t;
}

/** Splits on commas outside quotes; undefined when a quote is not closed. */
function splitFields(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '\\' && i + 1 < s.length) {
        cur += ch + s[++i];
        continue;
      }
      if (ch === q) q = undefined;
      cur += ch;
    } else if (ch === "'" || ch === '"') {
      q = ch;
      cur += ch;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (q) return undefined;
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Parses ARFF text; malformed lines are errors naming `source` and the line. */
export function parseArff(text: string, source = 'data.arff'): ArffData {
  const fn = 'parseArff';
  let relation: string | undefined;
  const attributes: ArffAttribute[] = [];
  const rows: ArffData['rows'] = [];
  let inData = false;
  const lines = stripBom(text).split(/\r\n|\n|\r/);
  const fields = (s: string, at: number): string[] => splitFields(s) ?? fail(fn, undefined, `${source}:${at}: a quote is not closed`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const at = i + 1;
    if (line === '' || line.startsWith('%')) continue;
    if (!inData) {
      const lower = line.toLowerCase();
      if (lower.startsWith('@relation')) {
        relation = unquote(line.slice(9));
      } else if (lower.startsWith('@attribute')) {
        const rest = line.slice(10).trim();
        const m = /^('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)\s+(.+)$/.exec(rest);
        if (!m) fail(fn, undefined, `${source}:${at}: malformed @attribute line`);
        const type = m[2].trim();
        let values: string[] | undefined;
        if (type.startsWith('{')) {
          if (!type.endsWith('}')) fail(fn, undefined, `${source}:${at}: nominal type must end with '}'`);
          values = fields(type.slice(1, -1), at).map(unquote);
          if (values.length === 1 && values[0] === '') fail(fn, undefined, `${source}:${at}: a nominal type needs at least one value`);
        } else if (!/^(numeric|real|integer)$/i.test(type)) {
          fail(fn, undefined, `${source}:${at}: unsupported attribute type '${type}' (numeric, real, integer or {nominal})`);
        }
        const name = unquote(m[1]);
        const twice = attributes.find((a) => a.name === name);
        if (twice) fail(fn, undefined, `${source}:${at}: attribute '${name}' is declared twice (first on line ${twice.line})`);
        attributes.push({ name, values, line: at });
      } else if (lower.startsWith('@data')) {
        if (relation === undefined) fail(fn, undefined, `${source}:${at}: @data before @relation`);
        if (attributes.length === 0) fail(fn, undefined, `${source}:${at}: @data before any @attribute`);
        inData = true;
      } else {
        fail(fn, undefined, `${source}:${at}: unexpected line in the header: '${line.slice(0, 60)}'`);
      }
      continue;
    }
    const n = attributes.length;
    if (line.startsWith('{')) {
      if (!line.endsWith('}')) fail(fn, undefined, `${source}:${at}: sparse row must end with '}'`);
      const values = attributes.map((a) => (a.values ? a.values[0] : '0'));
      const given = new Set<number>();
      for (const part of fields(line.slice(1, -1), at)) {
        if (part === '') continue;
        const m = /^(\d+)\s+(.+)$/.exec(part);
        if (!m) fail(fn, undefined, `${source}:${at}: sparse entry '${part}' is not '<index> <value>'`);
        const idx = Number(m[1]);
        if (idx >= n) fail(fn, undefined, `${source}:${at}: sparse index ${idx} ≥ ${n} attributes`);
        if (given.has(idx)) fail(fn, undefined, `${source}:${at}: sparse index ${idx} given twice`);
        given.add(idx);
        values[idx] = unquote(m[2]);
      }
      rows.push({ line: at, values });
    } else {
      const values = fields(line, at).map(unquote);
      if (values.length !== n) fail(fn, undefined, `${source}:${at}: ${values.length} values, expected ${n} attributes`);
      rows.push({ line: at, values });
    }
  }
  if (relation === undefined) fail(fn, undefined, `${source}: no @relation`);
  if (!inData) fail(fn, undefined, `${source}: no @data section`);
  return { relation, attributes, rows };
}

/** The MEKA label count from a relation name (`'yeast: -C 14'` → 14), or undefined. */
export function mekaLabelCount(relation: string): number | undefined {
  const m = /(?:^|\s)-C\s+(-?\d+)/.exec(relation);
  return m ? Number(m[1]) : undefined;
}

/**
 * Label names listed by a MULAN labels XML file (`<labels><label name="…"/>…</labels>`, read with an
 * XML parser: comments ignored, entities decoded), nested hierarchies flattened in document order.
 */
export function parseMulanLabelsXml(xml: string, source = 'labels.xml'): string[] {
  const fn = 'parseMulanLabelsXml';
  const root = parseXmlDocument(xml, source, fn);
  if (root.name !== 'labels') fail(fn, undefined, `${source}: no <labels> element (root element <${root.name}>)`);
  const names: string[] = [];
  const lineOfName = new Map<string, number>();
  const visit = (el: XmlElement): void => {
    for (const child of el.children) {
      if (typeof child === 'string' || child.name !== 'label') continue;
      const name = child.attributes.name;
      if (!name) fail(fn, undefined, `${source}:${child.line}: a <label> without a name="…" attribute`);
      const first = lineOfName.get(name);
      if (first !== undefined) fail(fn, undefined, `${source}:${child.line}: label '${name}' listed twice (first on line ${first})`);
      lineOfName.set(name, child.line);
      names.push(name);
      visit(child);
    }
  };
  visit(root);
  if (names.length === 0) fail(fn, undefined, `${source}: no <label name="…"> entries`);
  return names;
}

export interface ArffOptions {
  /** The ARFF file. */
  file: string;
  /** MULAN labels XML (default: MEKA `-C n` from the relation name). */
  xml?: string;
  /** Label count as MEKA's `-C` (overrides the relation name). */
  labelCount?: number;
}

/** Which attribute indices are labels, from MULAN names or a MEKA count. */
export function arffLabelIndices(data: ArffData, source: string, names?: readonly string[], count?: number): number[] {
  const fn = 'arffLabelIndices';
  const n = data.attributes.length;
  if (names) {
    const at = new Map(data.attributes.map((a, i) => [a.name, i]));
    return names.map((name) => at.get(name) ?? fail(fn, undefined, `${source}: label '${name}' from the XML is not an attribute`));
  }
  const c = count ?? mekaLabelCount(data.relation);
  if (c === undefined) fail(fn, undefined, `${source}: no label count: the relation name has no MEKA '-C n' and no MULAN XML was given`);
  if (c === 0 || Math.abs(c) >= n) fail(fn, undefined, `${source}: label count ${c} must be non-zero and smaller than ${n} attributes`);
  return c > 0 ? Array.from({ length: c }, (_, i) => i) : Array.from({ length: -c }, (_, i) => n + c + i);
}

/** Converts parsed ARFF to features, targets and (when a label is '?') a mask. */
export function arffToArrays(data: ArffData, labelIdx: readonly number[], source = 'data.arff') {
  const fn = 'arffToArrays';
  const isLabel = new Set(labelIdx);
  const featureIdx = data.attributes.map((_, i) => i).filter((i) => !isLabel.has(i));
  const k = labelIdx.length;
  const f = featureIdx.length;
  const m = data.rows.length;
  const inputs = new Float32Array(m * f);
  const targets = new Uint8Array(m * k);
  const mask = new Uint8Array(m * k).fill(1);
  let unknown = 0;
  data.rows.forEach((row, r) => {
    labelIdx.forEach((a, c) => {
      const v = row.values[a];
      if (v === '?') {
        mask[r * k + c] = 0;
        unknown++;
      } else if (v === '1') targets[r * k + c] = 1;
      else if (v !== '0') fail(fn, undefined, `${source}:${row.line}: label '${data.attributes[a].name}' must be 0, 1 or ?, got '${v}'`);
    });
    featureIdx.forEach((a, j) => {
      const v = row.values[a];
      const attr = data.attributes[a];
      let x = 0;
      if (v !== '?') {
        if (attr.values) {
          x = attr.values.indexOf(v);
          if (x < 0) fail(fn, undefined, `${source}:${row.line}: '${v}' is not a value of nominal attribute '${attr.name}'`);
        } else {
          x = Number(v);
          if (!Number.isFinite(x) || v === '') fail(fn, undefined, `${source}:${row.line}: attribute '${attr.name}' must be numeric, got '${v}'`);
        }
      }
      inputs[r * f + j] = x;
    });
  });
  return {
    classNames: labelIdx.map((a) => data.attributes[a].name),
    featureNames: featureIdx.map((a) => data.attributes[a].name),
    inputs,
    targets,
    mask: unknown > 0 ? mask : undefined,
  };
}

/** Loads a MEKA or MULAN ARFF file as an in-memory dataset (features `[F]`). */
export async function loadArff(options: ArffOptions): Promise<InMemoryDataset & { featureNames: string[] }> {
  const fn = 'loadArff';
  if (typeof options?.file !== 'string') fail(fn, 'file', 'must be the path of an .arff file');
  checkOptionKeys(options, ['file', 'xml', 'labelCount'], fn);
  const data = parseArff(readTextFile(options.file, fn), options.file);
  const names = options.xml ? parseMulanLabelsXml(readTextFile(options.xml, fn), options.xml) : undefined;
  const labelIdx = arffLabelIndices(data, options.file, names, options.labelCount);
  const a = arffToArrays(data, labelIdx, options.file);
  if (a.featureNames.length === 0) fail(fn, undefined, `${options.file}: no feature attributes`);
  if (data.rows.length === 0) fail(fn, undefined, `${options.file}: no data rows after @data, so there are no samples`);
  if (!a.targets.includes(1)) fail(fn, undefined, `${options.file}: no row has a positive label, so there is nothing to learn`);
  const ds = new InMemoryDataset({
    name: `arff/${data.relation.split(':')[0].trim()}`,
    classNames: a.classNames,
    inputShape: [a.featureNames.length],
    inputs: a.inputs,
    targets: a.targets,
    mask: a.mask,
  });
  return Object.assign(ds, { featureNames: a.featureNames });
}
