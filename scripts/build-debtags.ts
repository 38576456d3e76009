#!/usr/bin/env -S npx tsx
/**
 * Builds the Debtags snapshot shipped in `data/debtags/debtags.tsv.gz` from Debian's package index.
 *
 * Usage (on any Debian/Ubuntu system, after `apt-get update`):
 *   npx tsx scripts/build-debtags.ts [--input dumpavail.txt] [--output data/debtags/debtags.tsv.gz]
 * Without `--input` it runs `apt-cache dumpavail`. Each output line is one package:
 *   package \t section \t short description \t dependency names (space-separated) \t tags (space-separated)
 * with a header line `# debtags snapshot …`. Packages with several stanzas (versions, suites) are
 * merged: the first stanza gives section, description and dependencies; tags are the union.
 * Tags of the `special::` facet (`special::not-yet-tagged*`, …) are bookkeeping, not labels, and are
 * dropped; packages left without tags are skipped. Lines are sorted by package name.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

interface Row {
  section: string;
  description: string;
  depends: string[];
  tags: Set<string>;
}

/** Splits a Debian control file into stanzas of field → value (continuation lines joined). */
export function parseControlStanzas(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (cur.size) out.push(cur);
      cur = new Map();
      last = undefined;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      cur.set(last, `${cur.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    cur.set(last, line.slice(colon + 1).trim());
  }
  if (cur.size) out.push(cur);
  return out;
}

/** Package names of a Depends-style field (alternatives included; versions and arch qualifiers removed). */
export function dependencyNames(field: string | undefined): string[] {
  if (!field) return [];
  const names = new Set<string>();
  for (const alt of field.split(/[,|]/)) {
    const name = alt.trim().split(/[\s(\[<]/)[0].replace(/:[a-z0-9-]+$/, '');
    if (name) names.add(name);
  }
  return [...names];
}

const clean = (s: string) => s.replace(/[\t\n\r]+/g, ' ').trim();

export function buildDebtagsSnapshot(dumpavail: string): { lines: string[]; packages: number; tags: number } {
  const rows = new Map<string, Row>();
  for (const st of parseControlStanzas(dumpavail)) {
    const pkg = st.get('Package');
    if (!pkg) continue;
    const tagField = st.get('Tag') ?? '';
    const tags = tagField
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter((t) => t.includes('::') && !t.startsWith('special::'));
    let row = rows.get(pkg);
    if (!row) {
      const section = (st.get('Section') ?? 'unknown').replace(/^.*\//, '');
      const description = clean((st.get('Description') ?? '').split('\n')[0]);
      const depends = [...dependencyNames(st.get('Pre-Depends')), ...dependencyNames(st.get('Depends'))];
      row = { section, description, depends: [...new Set(depends)], tags: new Set() };
      rows.set(pkg, row);
    }
    for (const t of tags) row.tags.add(t);
  }
  const names = [...rows.keys()].filter((p) => rows.get(p)!.tags.size > 0).sort();
  const allTags = new Set<string>();
  const lines = names.map((p) => {
    const r = rows.get(p)!;
    for (const t of r.tags) allTags.add(t);
    return [p, clean(r.section), r.description, r.depends.join(' '), [...r.tags].sort().join(' ')].join('\t');
  });
  return { lines, packages: names.length, tags: allTags.size };
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const input = opt('--input');
  const output = opt('--output') ?? path.join(__dirname, '..', 'data', 'debtags', 'debtags.tsv.gz');
  const text = input
    ? fs.readFileSync(input, 'utf8')
    : execFileSync('apt-cache', ['dumpavail'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const snap = buildDebtagsSnapshot(text);
  let origin = 'apt-cache dumpavail';
  try {
    const rel = fs.readFileSync('/etc/debian_version', 'utf8').trim();
    origin += ` on Debian ${rel}`;
  } catch {
    /* not Debian */
  }
  const header = `# debtags snapshot: ${snap.packages} packages, ${snap.tags} tags; from ${origin}; columns: package section description depends tags`;
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, zlib.gzipSync(`${header}\n${snap.lines.join('\n')}\n`, { level: 9 }));
  console.log(`${output}: ${snap.packages} packages, ${snap.tags} tags, ${fs.statSync(output).size} bytes`);
}

if (require.main === module) main();
