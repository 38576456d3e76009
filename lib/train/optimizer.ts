/**
 * Optimizers of the training engine: Adam, AdamW and SGD with momentum, with weight decay that
 * skips biases and normalisation parameters (as the official ASL recipe's `add_weight_decay`).
 *
 * Why not `tf.train.adam`: its state is keyed by variable *names*, which tfjs makes unique per
 * process (`dense_Dense3/kernel`), so a model rebuilt for a resume cannot take the saved state back.
 * Here the state is a list aligned with the trainable weights, saved and restored by index, and the
 * learning rate is an argument of every step (schedules need no mutation of the optimizer).
 *
 * Updates (step t ≥ 1, gradient g, learning rate η, weight decay λ on eligible weights only):
 * - Adam (L2 coupled, as `torch.optim.Adam(weight_decay=λ)`): g ← g + λw; m ← β1 m + (1−β1) g;
 *   v ← β2 v + (1−β2) g²; w ← w − η (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε).
 * - AdamW (decoupled, Loshchilov & Hutter 2019): the Adam step without the L2 term, then w ← w − ηλw.
 * - SGD momentum (PyTorch convention): g ← g + λw; b ← μ b + g; w ← w − η b (Nesterov: g + μ b).
 * Defaults: β1 0.9, β2 0.999, ε 1e-8, momentum 0.9, weightDecay 1e-4.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { FUSED_ADAM_KERNEL, FUSED_SGD_KERNEL, hasFusedOptimizerKernels } from '../backend/fixes/fused-optimizer';

export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'adamw', 'sgd'];

export interface OptimizerConfig {
  name: OptimizerName;
  /** Weight decay λ (default 1e-4); applied only to weights {@link decaysWeight} accepts. */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** SGD momentum μ (default 0.9). */
  momentum?: number;
  nesterov?: boolean;
  /** Use the fused one-pass update kernels where the backend has them (default true; wasm and cpu). */
  fused?: boolean;
}

/** A trainable weight: its variable and its name (for the decay rule). */
export interface TrainableWeight {
  name: string;
  variable: tf.Variable;
}

/**
 * Whether weight decay applies to a weight: kernels (rank ≥ 2) yes; biases, batch-norm γ/β and
 * other rank-1 parameters no (decaying them hurts and the official recipe skips them).
 */
export function decaysWeight(name: string, shape: readonly number[]): boolean {
  if (shape.length < 2) return false;
  return !/(bias|gamma|beta|moving_|norm)/i.test(name.split('/').pop() ?? name);
}

/** Serialisable optimizer state (flat float arrays aligned with the weights). */
export interface OptimizerState {
  name: OptimizerName;
  step: number;
  /** Slots per weight (Adam: m, v; SGD: momentum buffer). */
  slots: Float32Array[][];
}

/** Adam / AdamW / SGD-momentum over a fixed list of weights. Dispose it when done. */
export class TrainingOptimizer {
  readonly config: Required<Omit<OptimizerConfig, 'fused'>>;
  private readonly fused: boolean;
  readonly weights: readonly TrainableWeight[];
  private readonly decay: boolean[];
  private slots: tf.Variable[][];
  private t = 0;

  constructor(config: OptimizerConfig, weights: readonly TrainableWeight[]) {
    const fn = 'TrainingOptimizer';
    if (!OPTIMIZER_NAMES.includes(config.name)) fail(fn, 'config.name', `must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(config.name)}`);
    this.config = {
      name: config.name,
      weightDecay: config.weightDecay ?? 1e-4,
      beta1: config.beta1 ?? 0.9,
      beta2: config.beta2 ?? 0.999,
      epsilon: config.epsilon ?? 1e-8,
      momentum: config.momentum ?? 0.9,
      nesterov: config.nesterov ?? false,
    };
    this.fused = config.fused ?? true;
    if (!(this.config.weightDecay >= 0)) fail(fn, 'config.weightDecay', `must be ≥ 0, got ${this.config.weightDecay}`);
    this.weights = weights;
    this.decay = weights.map((w) => decaysWeight(w.name, w.variable.shape));
    const nSlots = config.name === 'sgd' ? 1 : 2;
    this.slots = weights.map((w) => Array.from({ length: nSlots }, () => tf.tidy(() => tf.variable(tf.zerosLike(w.variable), false))));
  }

  /** Number of steps taken. */
  get step(): number {
    return this.t;
  }

  /** Which weights are decayed (aligned with `weights`). */
  get decayMask(): readonly boolean[] {
    return this.decay;
  }

  /** Applies one update with gradients aligned with `weights` and learning rate `lr`. */
  apply(grads: readonly tf.Tensor[], lr: number): void {
    if (grads.length !== this.weights.length) fail('TrainingOptimizer.apply', 'grads', `must have ${this.weights.length} entries, got ${grads.length}`);
    this.t += 1;
    const { name, weightDecay, beta1, beta2, epsilon, momentum, nesterov } = this.config;
    const t = this.t;
    if (this.fused && hasFusedOptimizerKernels()) {
      this.applyFused(grads, lr);
      return;
    }
    tf.tidy(() => {
      this.weights.forEach((w, i) => {
        const v = w.variable;
        let g = grads[i];
        const wd = this.decay[i] ? weightDecay : 0;
        if (name === 'sgd') {
          if (wd > 0) g = g.add(v.mul(wd));
          const buf = this.slots[i][0];
          const b = buf.mul(momentum).add(g);
          buf.assign(b);
          const d = nesterov ? g.add(b.mul(momentum)) : b;
          v.assign(v.sub(d.mul(lr)));
          return;
        }
        if (name === 'adam' && wd > 0) g = g.add(v.mul(wd));
        const [m, s] = this.slots[i];
        const m2 = m.mul(beta1).add(g.mul(1 - beta1));
        const s2 = s.mul(beta2).add(g.square().mul(1 - beta2));
        m.assign(m2);
        s.assign(s2);
        const stepSize = lr / (1 - Math.pow(beta1, t));
        const denom = s2.div(1 - Math.pow(beta2, t)).sqrt().add(epsilon);
        let next = v.sub(m2.div(denom).mul(stepSize));
        if (name === 'adamw' && wd > 0) next = next.sub(v.mul(lr * wd));
        v.assign(next);
      });
    });
  }

  /** One fused kernel per weight (lib/backend/fixes/fused-optimizer): one pass instead of ~12. */
  private applyFused(grads: readonly tf.Tensor[], lr: number): void {
    const { name, weightDecay, beta1, beta2, epsilon, momentum, nesterov } = this.config;
    const engine = tf.engine();
    this.weights.forEach((w, i) => {
      const v = w.variable;
      const wd = this.decay[i] ? weightDecay : 0;
      if (name === 'sgd') {
        const [w2, b2] = engine.runKernel(FUSED_SGD_KERNEL, { w: v, g: grads[i], b: this.slots[i][0] }, { lr, momentum, weightDecay: wd, nesterov }) as unknown as tf.Tensor[];
        v.assign(w2);
        this.slots[i][0].assign(b2);
        tf.dispose([w2, b2]);
        return;
      }
      const [m, s] = this.slots[i];
      const attrs = { lr, beta1, beta2, epsilon, step: this.t, weightDecay: wd, decoupled: name === 'adamw' };
      const [w2, m2, s2] = engine.runKernel(FUSED_ADAM_KERNEL, { w: v, g: grads[i], m, v: s }, attrs) as unknown as tf.Tensor[];
      v.assign(w2);
      m.assign(m2);
      s.assign(s2);
      tf.dispose([w2, m2, s2]);
    });
  }

  /** A copy of the state (for checkpoints). */
  async getState(): Promise<OptimizerState> {
    const slots: Float32Array[][] = [];
    for (const s of this.slots) slots.push(await Promise.all(s.map(async (v) => (await v.data()) as Float32Array)));
    return { name: this.config.name, step: this.t, slots };
  }

  /** Restores a state saved by {@link getState} (same optimizer and weights). */
  setState(state: OptimizerState): void {
    const fn = 'TrainingOptimizer.setState';
    if (state.name !== this.config.name) fail(fn, 'state.name', `is '${state.name}', this optimizer is '${this.config.name}'`);
    if (state.slots.length !== this.slots.length) fail(fn, 'state.slots', `has ${state.slots.length} weights, expected ${this.slots.length}`);
    this.slots.forEach((s, i) =>
      s.forEach((v, j) => {
        const values = state.slots[i][j];
        if (values.length !== v.size) fail(fn, 'state.slots', `weight ${i} slot ${j} has ${values.length} values, expected ${v.size}`);
        tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      }),
    );
    this.t = state.step;
  }

  dispose(): void {
    for (const s of this.slots) for (const v of s) v.dispose();
    this.slots = [];
  }
}

/** The trainable weights of a LayersModel as {@link TrainableWeight}s. */
export function trainableWeightsOf(model: tf.LayersModel): TrainableWeight[] {
  return model.trainableWeights.map((w) => ({ name: w.originalName ?? w.name, variable: w.read() as tf.Variable }));
}
