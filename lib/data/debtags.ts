/**
 * Debtags: Debian's package tags as a real multi-label dataset. Each sample is a Debian package;
 * its labels are its Debtags (`facet::tag`, e.g. `role::program`, `interface::commandline`); its
 * input is a hashed bag of words and word bigrams over its short description, plus its section and
 * the names of its dependencies. Tagging is done by volunteers and is genuinely incomplete, so the
 * negatives contain missing positives, the situation ASL's probability shifting targets.
 *
 * The snapshot `data/debtags/debtags.tsv.gz` (29,770 tagged packages, 597 tags, ≈ 3.7 tags per
 * package, from Debian 12) is built by `scripts/build-debtags.ts` from `apt-cache dumpavail`.
 * Default label set: tags carried by ≥ 50 packages (232 tags). Split: fixed by a hash of the
 * package name (70 % train, 15 % val, 15 % test), so it is stable when the snapshot is rebuilt.
 */
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fail } from '../core/errors';
import { decodeUtf8, readFileBytes } from './files';
import { dataDir } from './paths';
import { fnv1a32, hashTokenRows, SparseFeatureDataset } from './sparse';
import type { DatasetSplits } from './types';

/** One package of the snapshot. */
export interface DebtagsPackage {
  name: string;
  section: string;
  description: string;
  depends: string[];
  tags: string[];
}

/** The default snapshot file. */
export function debtagsSnapshotPath(): string {
  return path.join(dataDir(), 'debtags', 'debtags.tsv.gz');
}

/** Parses a snapshot (gzipped or plain TSV); malformed lines are errors naming the file and line. */
export function readDebtagsSnapshot(file = debtagsSnapshotPath()): DebtagsPackage[] {
  const fn = 'readDebtagsSnapshot';
  let raw = readFileBytes(file, fn, 'build it with: npx tsx scripts/build-debtags.ts');
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch (e) {
      fail(fn, 'file', `${file}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const out: DebtagsPackage[] = [];
  const lines = decodeUtf8(raw, file, fn).split('\n');
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const f = line.split('\t');
    if (f.length !== 5) fail(fn, 'file', `${file}:${i + 1}: expected 5 tab-separated fields, got ${f.length}`);
    const tags = f[4].split(' ').filter(Boolean);
    if (!f[0]) fail(fn, 'file', `${file}:${i + 1}: empty package name`);
    const bad = tags.find((t) => !t.includes('::'));
    if (bad) fail(fn, 'file', `${file}:${i + 1}: '${bad}' is not a facet::tag`);
    out.push({ name: f[0], section: f[1], description: f[2], depends: f[3].split(' ').filter(Boolean), tags });
  });
  if (out.length === 0) fail(fn, 'file', `${file}: no packages`);
  return out;
}

/** The split of a package, fixed by a hash of its name: 70 % train, 15 % val, 15 % test. */
export function debtagsSplitOf(name: string): 'train' | 'val' | 'test' {
  const h = fnv1a32(`split:${name}`) % 100;
  return h < 70 ? 'train' : h < 85 ? 'val' : 'test';
}

/** Words of a text: lower case, runs of letters/digits (with `+`, `#`, `.` inside, e.g. `c++`, `gtk3.0`). */
export function debtagsWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]/g) ?? []);
}

/** A dependency name without trailing version/soname numbers: `libgtk-3-0` → `libgtk`. */
export function dependencyStem(name: string): string {
  return name.replace(/[-.\d]+$/, '').replace(/[-.]?\d+(\.\d+)*$/, '') || name;
}

/**
 * The tokens hashed for one package: description words (`w:`) and bigrams (`b:`, when `ngrams` ≥ 2),
 * the section (`s:`), dependency names (`d:`) and their stems (`ds:`).
 */
export function debtagsTokens(p: DebtagsPackage, ngrams = 2): string[] {
  const words = debtagsWords(p.description);
  const tokens = words.map((w) => `w:${w}`);
  for (let n = 2; n <= ngrams; n++) {
    for (let i = 0; i + n <= words.length; i++) tokens.push(`${n}:${words.slice(i, i + n).join(' ')}`);
  }
  tokens.push(`s:${p.section}`);
  for (const d of p.depends) {
    tokens.push(`d:${d}`);
    const stem = dependencyStem(d);
    if (stem !== d) tokens.push(`ds:${stem}`);
  }
  return tokens;
}

export interface DebtagsOptions {
  /** Hashed feature buckets (default 2^14 = 16,384; 2^12–2^15 are sensible). */
  featureDim?: number;
  /** Longest word n-gram of the description (default 2). */
  ngrams?: number;
  /** Tags with at least this many packages (in the whole snapshot) are the classes (default 50). */
  minTagCount?: number;
  /** Keep packages with none of the selected tags as all-negative samples (default false). */
  keepUnlabeled?: boolean;
  /** Snapshot file (default `data/debtags/debtags.tsv.gz`). */
  file?: string;
}

export interface DebtagsSplits extends DatasetSplits {
  train: SparseFeatureDataset;
  val: SparseFeatureDataset;
  test: SparseFeatureDataset;
  /** Package names per split, in sample order. */
  packages: { train: string[]; val: string[]; test: string[] };
  /** Packages in the snapshot, and how many were dropped for having no selected tag. */
  info: { snapshotPackages: number; droppedUnlabeled: number; featureDim: number; snapshotTags: number };
}

const snapshotMemo = new Map<string, DebtagsPackage[]>();

/** Loads Debtags (train/val/test) from the shipped snapshot. */
export async function loadDebtags(options: DebtagsOptions = {}): Promise<DebtagsSplits> {
  const fn = 'loadDebtags';
  const { featureDim = 1 << 14, ngrams = 2, minTagCount = 50, keepUnlabeled = false, file = debtagsSnapshotPath() } = options;
  if (!Number.isInteger(featureDim) || featureDim < 16) fail(fn, 'featureDim', `must be an integer ≥ 16, got ${String(featureDim)}`);
  if (!Number.isInteger(ngrams) || ngrams < 1 || ngrams > 4) fail(fn, 'ngrams', `must be an integer in [1, 4], got ${String(ngrams)}`);
  if (!Number.isInteger(minTagCount) || minTagCount < 1) fail(fn, 'minTagCount', `must be a positive integer, got ${String(minTagCount)}`);
  let all = snapshotMemo.get(file);
  if (!all) {
    all = readDebtagsSnapshot(file);
    snapshotMemo.set(file, all);
  }
  const counts = new Map<string, number>();
  for (const p of all) for (const t of p.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  const classNames = [...counts.keys()].filter((t) => counts.get(t)! >= minTagCount).sort();
  if (classNames.length === 0) fail(fn, 'minTagCount', `${minTagCount} leaves no tag (most frequent has ${Math.max(0, ...counts.values())})`);
  const classIndex = new Map(classNames.map((t, i) => [t, i]));
  const k = classNames.length;
  const groups = { train: [] as DebtagsPackage[], val: [] as DebtagsPackage[], test: [] as DebtagsPackage[] };
  let dropped = 0;
  for (const p of all) {
    if (!keepUnlabeled && !p.tags.some((t) => classIndex.has(t))) {
      dropped++;
      continue;
    }
    groups[debtagsSplitOf(p.name)].push(p);
  }
  const make = (split: 'train' | 'val' | 'test') => {
    const list = groups[split];
    const targets = new Uint8Array(list.length * k);
    list.forEach((p, r) => {
      for (const t of p.tags) {
        const c = classIndex.get(t);
        if (c !== undefined) targets[r * k + c] = 1;
      }
    });
    return new SparseFeatureDataset({
      name: `debtags/${split}`,
      classNames,
      targets,
      features: hashTokenRows(list.map((p) => debtagsTokens(p, ngrams)), { dim: featureDim }),
    });
  };
  return {
    train: make('train'),
    val: make('val'),
    test: make('test'),
    packages: { train: groups.train.map((p) => p.name), val: groups.val.map((p) => p.name), test: groups.test.map((p) => p.name) },
    info: { snapshotPackages: all.length, droppedUnlabeled: dropped, featureDim, snapshotTags: counts.size },
  };
}
