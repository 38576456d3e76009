/**
 * Training augmentations on one image sample (`[H, W, C]` row-major floats in [0, 1]), in place.
 *
 * - {@link cutout}: the official ASL training transform `CutoutPIL(cutout_factor=0.5)`: one solid
 *   rectangle of side ≈ 0.5 × image side, random centre, clipped to the image, filled with a random
 *   colour (asl-reference §4.1).
 * - {@link randAugmentLite}: a small RandAugment-style policy (Cubuk et al. 2020): `n` operations
 *   drawn uniformly from a hue-preserving set (flip, translate, brightness, contrast, sharpness-like
 *   blur, posterize) at magnitude `m` of 10. Hue is left alone because MultiFashion's labels are colours.
 */

/** Cuts out one square of side `round(factor × min(H, W))` at a random centre (clipped), filled with a random colour. */
export function cutout(sample: Float32Array, shape: readonly number[], random: () => number, factor = 0.5): void {
  const [h, w, c = 1] = shape;
  const side = Math.floor(factor * Math.min(h, w) + 0.5);
  if (side <= 0) return;
  const cy = Math.floor(random() * h);
  const cx = Math.floor(random() * w);
  const y0 = Math.max(0, cy - (side >> 1));
  const y1 = Math.min(h, cy + side - (side >> 1));
  const x0 = Math.max(0, cx - (side >> 1));
  const x1 = Math.min(w, cx + side - (side >> 1));
  const fill = Array.from({ length: c }, () => random());
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let k = 0; k < c; k++) sample[(y * w + x) * c + k] = fill[k];
}

export interface RandAugmentOptions {
  /** Operations per image (default 2). */
  n?: number;
  /** Magnitude 0–10 (default 5). */
  m?: number;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** The operation names of {@link randAugmentLite}. */
export const RAND_AUGMENT_OPS = ['identity', 'flipHorizontal', 'translateX', 'translateY', 'brightness', 'contrast', 'blur', 'posterize'] as const;

/** Applies one named operation at magnitude fraction `f` ∈ [0, 1]; `sign` ±1 picks a direction. */
export function applyAugmentOp(
  op: (typeof RAND_AUGMENT_OPS)[number],
  sample: Float32Array,
  shape: readonly number[],
  f: number,
  sign: number,
): void {
  const [h, w, c = 1] = shape;
  const copy = () => sample.slice();
  switch (op) {
    case 'identity':
      return;
    case 'flipHorizontal': {
      const s = copy();
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) sample[(y * w + x) * c + k] = s[(y * w + (w - 1 - x)) * c + k];
      return;
    }
    case 'translateX':
    case 'translateY': {
      const s = copy();
      const d = Math.round(sign * f * 0.3 * (op === 'translateX' ? w : h));
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const sx = op === 'translateX' ? x - d : x;
          const sy = op === 'translateY' ? y - d : y;
          const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
          for (let k = 0; k < c; k++) sample[(y * w + x) * c + k] = inside ? s[(sy * w + sx) * c + k] : 0;
        }
      return;
    }
    case 'brightness': {
      const g = 1 + sign * 0.9 * f;
      for (let i = 0; i < sample.length; i++) sample[i] = clamp01(sample[i] * g);
      return;
    }
    case 'contrast': {
      let mean = 0;
      for (let i = 0; i < sample.length; i++) mean += sample[i];
      mean /= sample.length;
      const g = 1 + sign * 0.9 * f;
      for (let i = 0; i < sample.length; i++) sample[i] = clamp01(mean + (sample[i] - mean) * g);
      return;
    }
    case 'blur': {
      const s = copy();
      const a = 0.5 * f;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let k = 0; k < c; k++) {
            let sum = 0;
            let n = 0;
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const yy = y + dy;
                const xx = x + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                  sum += s[(yy * w + xx) * c + k];
                  n++;
                }
              }
            const i = (y * w + x) * c + k;
            sample[i] = (1 - a) * s[i] + (a * sum) / n;
          }
      return;
    }
    case 'posterize': {
      const levels = Math.max(2, Math.round(256 / Math.pow(2, Math.round(4 * f))));
      for (let i = 0; i < sample.length; i++) sample[i] = Math.floor(sample[i] * (levels - 1) + 0.5) / (levels - 1);
      return;
    }
  }
}

/** RandAugment-style: `n` random operations (uniform over {@link RAND_AUGMENT_OPS}) at magnitude `m`/10. */
export function randAugmentLite(sample: Float32Array, shape: readonly number[], random: () => number, options: RandAugmentOptions = {}): void {
  const { n = 2, m = 5 } = options;
  for (let i = 0; i < n; i++) {
    const op = RAND_AUGMENT_OPS[Math.floor(random() * RAND_AUGMENT_OPS.length)];
    applyAugmentOp(op, sample, shape, m / 10, random() < 0.5 ? -1 : 1);
  }
}
