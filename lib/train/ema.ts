/**
 * Exponential moving average of a model's weights (all of them, batch-norm statistics included),
 * as the official ASL recipe's `ModelEma`: after every step, ema ← d·ema + (1 − d)·w with
 * d = min(decay, (1 + n)/(10 + n)) when `warmup` (n = updates so far), else d = decay.
 * Defaults: decay 0.9997 (the recipe's value for long runs; short runs want ~0.99), warmup true.
 */
import * as tf from '../core/tf';
import { FUSED_EMA_KERNEL, hasFusedOptimizerKernels } from '../backend/fixes/fused-optimizer';

export interface EmaConfig {
  decay?: number;
  warmup?: boolean;
}

export class ModelEma {
  readonly decay: number;
  readonly warmup: boolean;
  private shadow: tf.Variable[];
  private updates = 0;

  constructor(private readonly model: tf.LayersModel, config: EmaConfig = {}) {
    this.decay = config.decay ?? 0.9997;
    this.warmup = config.warmup ?? true;
    this.shadow = model.weights.map((w) => tf.tidy(() => tf.variable(w.read().clone(), false)));
  }

  get numUpdates(): number {
    return this.updates;
  }

  /** Updates the average from the model's current weights. */
  update(): void {
    this.updates += 1;
    const n = this.updates;
    const d = this.warmup ? Math.min(this.decay, (1 + n) / (10 + n)) : this.decay;
    if (hasFusedOptimizerKernels()) {
      // One pass per weight (lib/backend/fixes/fused-optimizer) instead of three kernels.
      this.model.weights.forEach((w, i) => {
        const s = this.shadow[i];
        const [next] = tf.engine().runKernel(FUSED_EMA_KERNEL, { ema: s, w: w.read() }, { decay: d }) as unknown as tf.Tensor[];
        s.assign(next);
        next.dispose();
      });
      return;
    }
    tf.tidy(() => {
      this.model.weights.forEach((w, i) => {
        const s = this.shadow[i];
        s.assign(s.mul(d).add(w.read().mul(1 - d)));
      });
    });
  }

  /** Runs `fn` with the averaged weights loaded into the model, then restores the raw weights. */
  async withAveragedWeights<T>(fn: () => Promise<T> | T): Promise<T> {
    const raw = this.model.weights.map((w) => w.read().clone());
    this.model.setWeights(this.shadow);
    try {
      return await fn();
    } finally {
      this.model.setWeights(raw);
      tf.dispose(raw);
    }
  }

  /** Copies of the averaged values (for checkpoints). */
  async values(): Promise<Float32Array[]> {
    return Promise.all(this.shadow.map(async (s) => (await s.data()) as Float32Array));
  }

  /** Restores values saved by {@link values} and the update count. */
  restore(values: readonly Float32Array[], updates: number): void {
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.tensor(values[i], s.shape))));
    this.updates = updates;
  }

  dispose(): void {
    tf.dispose(this.shadow);
    this.shadow = [];
  }
}
