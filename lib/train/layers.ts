/**
 * A dropout layer whose mask is seeded by (seed, training step), for determinism *and* fresh masks.
 *
 * Why: tfjs' `tf.layers.dropout({ seed })` passes the same seed to every call, so every training
 * step drops the same units (a fixed sub-network, not dropout); without a seed it uses Math.random
 * and runs are not reproducible. Here the mask of step t is drawn with seed mix(seed, t), and the
 * trainer sets t to the global step before each step ({@link setTrainingStep}), so a resumed run
 * draws the same masks as the uninterrupted one.
 */
import * as tf from '../core/tf';
import { mixSeeds } from '../core/random';

export interface StepSeededDropoutArgs {
  rate: number;
  seed?: number;
  name?: string;
}

export class StepSeededDropout extends tf.layers.Layer {
  static className = 'StepSeededDropout';
  readonly rate: number;
  readonly seed: number;
  /** The training step whose mask the next training call draws (the trainer sets it). */
  step = 0;

  constructor(args: StepSeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`StepSeededDropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x.clone();
    return tf.dropout(x, this.rate, undefined, mixSeeds(this.seed, this.step));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(StepSeededDropout);

/** A {@link StepSeededDropout} layer. */
export function stepSeededDropout(args: StepSeededDropoutArgs): StepSeededDropout {
  return new StepSeededDropout(args);
}

/** Tells every step-seeded layer of `model` which training step comes next. */
export function setTrainingStep(model: tf.LayersModel, step: number): void {
  for (const layer of model.layers) {
    if (layer instanceof StepSeededDropout) layer.step = step;
  }
}
