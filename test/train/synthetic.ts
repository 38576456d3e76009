/** Small synthetic multi-label datasets for the training tests (learnable linear rules). */
import { InMemoryDataset, seededRandom } from '../../lib/index';
import type { DatasetSplits } from '../../lib/index';

export function syntheticVectors(options: { train?: number; val?: number; features?: number; classes?: number; seed?: number; mask?: boolean } = {}): DatasetSplits {
  const f = options.features ?? 8;
  const k = options.classes ?? 3;
  const rnd = seededRandom(options.seed ?? 1);
  const w = Array.from({ length: k * f }, () => rnd() * 2 - 1);
  const make = (n: number, name: string) => {
    const inputs = new Float32Array(n * f).map(() => rnd() * 2 - 1);
    const targets = new Uint8Array(n * k);
    const mask = options.mask ? new Uint8Array(n * k) : undefined;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < f; j++) s += w[c * f + j] * inputs[i * f + j];
        targets[i * k + c] = s > 0.3 ? 1 : 0;
        if (mask) mask[i * k + c] = rnd() < 0.8 ? 1 : 0;
      }
    }
    return new InMemoryDataset({ name, classNames: Array.from({ length: k }, (_, c) => `c${c}`), inputShape: [f], inputs, targets, mask });
  };
  return { train: make(options.train ?? 96, 'synthetic-train'), val: make(options.val ?? 48, 'synthetic-val') };
}

export function syntheticImages(options: { train?: number; val?: number; size?: number; classes?: number; seed?: number } = {}): DatasetSplits {
  const s = options.size ?? 8;
  const k = options.classes ?? 2;
  const rnd = seededRandom(options.seed ?? 2);
  const make = (n: number, name: string) => {
    const inputs = new Float32Array(n * s * s);
    const targets = new Uint8Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const on = rnd() < 0.5;
        targets[i * k + c] = on ? 1 : 0;
        // Class c lights up quadrant c.
        if (on) for (let y = 0; y < s / 2; y++) for (let x = 0; x < s / 2; x++) inputs[i * s * s + (y + (c >> 1) * (s / 2)) * s + x + (c & 1) * (s / 2)] = 1;
      }
      for (let p = 0; p < s * s; p++) inputs[i * s * s + p] += 0.3 * rnd();
    }
    return new InMemoryDataset({ name, classNames: Array.from({ length: k }, (_, c) => `q${c}`), inputShape: [s, s, 1], inputs, targets });
  };
  return { train: make(options.train ?? 64, 'img-train'), val: make(options.val ?? 32, 'img-val') };
}
