/** Shared helpers of the data tests: fixture paths, temporary copies, images written with sharp. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { AslInputError } from '../../lib/core/errors';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'data');

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder (removed at process exit). */
export function tempDir(prefix = 'asl-data-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Copies a fixture folder into a fresh temporary folder and returns the copy's path. */
export function copyFixture(name: string): string {
  const dir = tempDir();
  fs.cpSync(path.join(FIXTURES, name), path.join(dir, name), { recursive: true });
  return path.join(dir, name);
}

/** Writes a solid-colour JPEG (or PNG by extension) of `width × height`. */
export async function writeImage(file: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 100 })).toFile(file);
}

/** Writes `text` to a new temporary file and returns its path. */
export function tempFile(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Row `r` of a row-major `[N, K]` array. */
export function row(a: ArrayLike<number>, k: number, r: number): number[] {
  return Array.from({ length: k }, (_, c) => a[r * k + c]);
}

/** Asserts `fn` throws (or rejects with) an AslInputError whose message matches every pattern. */
export async function rejectsWith(fn: () => unknown, ...patterns: RegExp[]): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AslInputError, `expected an AslInputError, got ${String(error)}`);
  for (const p of patterns) assert.match(error.message, p);
}
