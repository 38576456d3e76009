/**
 * Chapter 10's helpers ("your own data"): a dataset's label matrix with its unknown labels, a folder of
 * "your own" photos in the CSV form the image loaders read (made from MultiFashion canvases, the only
 * images the repository has), the `asl` command run as a user runs it, an excerpt of its help, a
 * backbone's layers as a table, parameter counts, and a content digest for cache keys.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Sharp from 'sharp';
import {
  FASHION_MNIST_CLASSES,
  StreamingDataset,
  loadMultiFashion,
  workbookRoot,
  type loadLayersModelFromDisk,
  type MultiLabelDataset,
} from 'asl-workbook';
import { fail } from '../errors';

/** A tfjs Layers model (what the library's backbone loader returns). */
type LayersModel = Awaited<ReturnType<typeof loadLayersModelFromDisk>>;

// ---------------------------------------------------------------------------------------------------
// Label matrices.

/** Targets and known-label mask of a dataset, one row per sample (1 = known; all known without a mask). */
export interface LabelMatrix {
  classNames: string[];
  targets: number[][];
  known: number[][];
}

/**
 * The label matrix of a dataset, from its targets and known-label mask (no inputs are read, so image
 * datasets work without their images). Datasets held in memory give their mask through one pass of
 * batches.
 */
export async function labelMatrix(ds: MultiLabelDataset): Promise<LabelMatrix> {
  const k = ds.classNames.length;
  const targets = await ds.targets();
  let known: ArrayLike<number> | undefined;
  if (ds.hasMask) {
    if (ds instanceof StreamingDataset) known = await ds.knownMask();
    else {
      const mask = new Uint8Array(ds.size * k);
      let row = 0;
      for await (const b of ds.batches({ batchSize: 256 })) {
        if (b.mask) mask.set(b.mask.dataSync(), row * k);
        row += b.size;
        b.x.dispose();
        b.y.dispose();
        b.mask?.dispose();
      }
      known = mask;
    }
  }
  const rows = (a: ArrayLike<number>) => Array.from({ length: ds.size }, (_, i) => Array.from({ length: k }, (_, c) => a[i * k + c]));
  return { classNames: [...ds.classNames], targets: rows(targets), known: known ? rows(known) : rows(new Uint8Array(ds.size * k).fill(1)) };
}

/**
 * The matrix as table rows: one per sample, a column per class holding 1, 0 or ? (unknown). With
 * `onlyUsed`, classes that are 0 for every sample are left out (VOC's fixed 20 classes on a few images).
 */
export function labelMatrixRows(m: LabelMatrix, ids?: readonly string[], options: { onlyUsed?: boolean } = {}): Array<Record<string, string>> {
  if (ids && ids.length !== m.targets.length) fail('labelMatrixRows', 'ids', `has ${ids.length} ids for ${m.targets.length} samples`);
  const used = m.classNames.map((_, c) => !options.onlyUsed || m.targets.some((row, i) => row[c] === 1 || !m.known[i][c]));
  return m.targets.map((row, i) => {
    const out: Record<string, string> = { sample: ids ? ids[i] : String(i) };
    m.classNames.forEach((name, c) => {
      if (used[c]) out[name] = m.known[i][c] ? String(row[c]) : '?';
    });
    return out;
  });
}

/** Counts of a label matrix: positives, known negatives and unknown labels. */
export function labelCounts(m: LabelMatrix): { positives: number; negatives: number; unknown: number } {
  let positives = 0;
  let negatives = 0;
  let unknown = 0;
  m.targets.forEach((row, i) =>
    row.forEach((t, c) => {
      if (!m.known[i][c]) unknown++;
      else if (t) positives++;
      else negatives++;
    }),
  );
  return { positives, negatives, unknown };
}

// ---------------------------------------------------------------------------------------------------
// A folder of "your own" photos.

/** What {@link writePhotoFolder} makes: MultiFashion canvases (items of the shipped Fashion-MNIST test set). */
export interface PhotoFolderSpec {
  trainSize: number;
  valSize: number;
  /** Side of the square images in pixels. */
  canvasSize: number;
  seed: number;
}

export interface PhotoFolder {
  /** The folder. */
  dir: string;
  /** `labels.csv`, relative to the folder. */
  csv: string;
  classNames: string[];
  train: number;
  val: number;
}

/** The garment types present in a MultiFashion target row (its 80 classes are colour × 10 + type). */
export function garmentTypes(targetRow: ArrayLike<number>): string[] {
  const present = new Set<number>();
  for (let c = 0; c < targetRow.length; c++) if (targetRow[c]) present.add(c % FASHION_MNIST_CLASSES.length);
  return [...present].sort((a, b) => a - b).map((t) => FASHION_MNIST_CLASSES[t]);
}

/** One row of the CSV form (`filepath,label,split_name`, labels as a Python list, as NUS-WIDE's CSV). */
export function photoCsvRow(file: string, labels: readonly string[], split: string): string {
  for (const l of labels) if (/['",]/.test(l)) fail('photoCsvRow', 'labels', `label ${JSON.stringify(l)} contains a quote or comma`);
  return `${file},"[${labels.map((l) => `'${l}'`).join(', ')}]",${split}`;
}

function loadSharp(): typeof Sharp {
  try {
    return require('sharp');
  } catch {
    return fail('writePhotoFolder', undefined, "needs the optional package 'sharp' to write PNG files (npm install sharp)");
  }
}

/**
 * Writes a folder of "your own photos": PNG images under `images/` and `labels.csv` in the CSV form of
 * `loadNusWide` (`filepath,label,split_name`), labelled by the garment types each MultiFashion canvas
 * holds (10 classes, 1–4 garments per image). The folder is rebuilt only when `spec` changed.
 */
export async function writePhotoFolder(dir: string, spec: PhotoFolderSpec): Promise<PhotoFolder> {
  const marker = path.join(dir, 'spec.json');
  const wanted = JSON.stringify(spec);
  const done = (train: number, val: number): PhotoFolder => ({ dir, csv: 'labels.csv', classNames: [...FASHION_MNIST_CLASSES], train, val });
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted && fs.existsSync(path.join(dir, 'labels.csv'))) return done(spec.trainSize, spec.valSize);
  const sharp = loadSharp();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const data = await loadMultiFashion({ source: 'shipped', canvasSize: spec.canvasSize, trainSize: spec.trainSize, valSize: spec.valSize, seed: spec.seed });
  const rows = ['filepath,label,split_name'];
  for (const split of ['train', 'val'] as const) {
    const ds = data[split];
    const targets = await ds.targets();
    const k = ds.classNames.length;
    for (let i = 0; i < ds.size; i++) {
      const file = `images/${split}-${String(i).padStart(4, '0')}.png`;
      await sharp(Buffer.from(ds.samplePixels(i)), { raw: { width: spec.canvasSize, height: spec.canvasSize, channels: 3 } }).png().toFile(path.join(dir, file));
      rows.push(photoCsvRow(file, garmentTypes(targets.subarray(i * k, (i + 1) * k)), split));
    }
  }
  fs.writeFileSync(path.join(dir, 'labels.csv'), rows.join('\n') + '\n');
  fs.writeFileSync(marker, wanted);
  return done(data.train.size, data.val.size);
}

/**
 * Lines `from`–`to` (1-based, inclusive; default the whole file) of a text file, under a header naming
 * the file relative to `root` (default: its folder) and the lines shown.
 */
export function fileExcerpt(file: string, options: { from?: number; to?: number; root?: string } = {}): string {
  const lines = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const from = Math.max(1, options.from ?? 1);
  const to = Math.min(lines.length, options.to ?? lines.length);
  if (from > to) fail('fileExcerpt', 'from', `line ${from} is past line ${to} (the file has ${lines.length} lines)`);
  const name = path.relative(options.root ?? path.dirname(file), file).split(path.sep).join('/');
  const range = from === 1 && to === lines.length ? `${lines.length} lines` : `lines ${from}–${to} of ${lines.length}`;
  return `── ${name} (${range})\n${lines.slice(from - 1, to).join('\n')}`;
}

// ---------------------------------------------------------------------------------------------------
// The command line.

/** The `asl` command's script (the package's bin). */
export function aslBin(): string {
  return path.join(path.dirname(require.resolve('asl-workbook/package.json')), 'bin', 'asl.js');
}

/**
 * Runs `asl <args>` in `cwd` as a user would (the same Node.js, the workbook's packages on NODE_PATH so
 * a loader module there can import 'asl-workbook'), and returns its standard output.
 */
export function runAsl(args: readonly string[], cwd: string): string {
  const nodePath = [path.join(workbookRoot(), 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  return execFileSync(process.execPath, [aslBin(), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ASL_QUIET: '1', NODE_PATH: nodePath }, maxBuffer: 16 << 20 });
}

/** The lines of a command's help that describe `flags` (each option line and its continuation lines). */
export function helpExcerpt(help: string, flags: readonly string[]): string {
  const lines = help.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s+(--[a-z-]+)/.exec(lines[i]);
    if (!m || !flags.includes(m[1])) continue;
    out.push(lines[i]);
    // a long value list puts the description on the next, deeper-indented line
    while (i + 1 < lines.length && /^\s{20,}\S/.test(lines[i + 1])) out.push(lines[++i]);
  }
  const missing = flags.filter((f) => !out.some((l) => l.trimStart().startsWith(f)));
  if (missing.length) fail('helpExcerpt', 'flags', `not in the help text: ${missing.join(', ')}`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Backbones.

/** One row per layer: name, type, output shape, parameters, whether it trains. */
export function layerRows(model: LayersModel): Array<{ layer: string; type: string; 'output shape': string; parameters: number; trains: string }> {
  return model.layers.map((l) => {
    const shape = l.outputShape;
    const text = Array.isArray(shape[0]) ? JSON.stringify(shape) : `[${shape.map((d) => (d === null ? 'N' : String(d))).join(', ')}]`;
    return { layer: l.name, type: l.getClassName(), 'output shape': text, parameters: l.countParams(), trains: l.trainable ? 'yes' : 'no' };
  });
}

/** Trainable and total parameter counts of a model. */
export function parameterCounts(model: LayersModel): { trainable: number; total: number } {
  const size = (shape: ReadonlyArray<number | null>) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);
  return { trainable: model.trainableWeights.reduce((a, w) => a + size(w.shape), 0), total: model.countParams() };
}

/** A SHA-256 digest (16 hex digits) of files' contents, for cache keys that change when the files change. */
export function filesDigest(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    if (!fs.existsSync(f)) fail('filesDigest', 'files', `${f} does not exist`);
    h.update(path.basename(f)).update('\0').update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}
