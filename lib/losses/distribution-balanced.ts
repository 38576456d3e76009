/**
 * Distribution-Balanced loss (DB loss) for long-tailed multi-label classification.
 *
 * Wu, Huang, Huang, Ma, Wang, Lin, "Distribution-Balanced Loss for Multi-Label Classification in
 * Long-Tailed Datasets", ECCV 2020 (arXiv 2007.09654); official code wutong16/DistributionBalancedLoss
 * (ResampleLoss, COCO config). With n_c the positive count of class c and N the number of samples:
 *
 *   re-balanced weight  r_nc = (1/n_c) / Σ_{j: y_nj = 1} 1/n_j,   r̂_nc = α + σ(β·(r_nc − μ))
 *                       (a sample without positives gets r̂ = α + 1, as the official code)
 *   negative-tolerant regularisation (NTR):
 *                       z' = z + b_c,  b_c = −κ·log(N/n_c − 1)     (class-prior logit bias)
 *                       positives: ℓ = r̂·log(1 + e^{−z'})
 *                       negatives: ℓ = (r̂/λ)·log(1 + e^{λ·z'})
 *   DB-focal (γ > 0):   ℓ ← balance·(1 − p_t)^γ·ℓ with p_t from the NTR logits
 *
 * Defaults (official COCO config): α = 0.1, β = 10, μ = 0.2, λ = 2, κ = 0.05, γ = 2, balance = 2,
 * reduction `'mean'`. `classCounts` ('' = counted from the batch, each at least 1) and `numSamples`
 * (0 = the batch size) describe the training set. With α = 0.5, β = 0 (so r̂ ≡ 1), κ = 0, λ = 1,
 * γ = 0 it is BCE.
 */
import * as tf from '../core/tf';
import { fail } from '../core/errors';
import { focusingPower } from './focal';
import { reduceMaskedLoss } from './call';
import { defineLoss } from './define';
import { param } from './params';

/** DB-loss parameters. */
export interface DistributionBalancedParams {
  alpha: number;
  beta: number;
  mu: number;
  negScale: number;
  initBias: number;
  gamma: number;
  balance: number;
}

/** Per-element DB loss `[N, C]` given class counts and the number of samples (no checks). */
export function distributionBalancedElementwise(
  z: tf.Tensor2D,
  y: tf.Tensor2D,
  counts: tf.Tensor,
  numSamples: number,
  o: DistributionBalancedParams,
): tf.Tensor {
  const n = tf.reshape(tf.maximum(counts, 1), [1, -1]);
  const freqInv = tf.div(1, n);
  const repeat = tf.sum(tf.mul(y, freqInv), 1, true);
  // r = freqInv / repeat; a row without positives → r = ∞ → r̂ = α + 1
  const r = tf.div(freqInv, tf.maximum(repeat, 1e-30));
  const rHat = tf.add(o.alpha, tf.sigmoid(tf.mul(o.beta, tf.sub(r, o.mu))));
  let zz: tf.Tensor = z;
  if (o.initBias !== 0) {
    const bias = tf.mul(-o.initBias, tf.log(tf.maximum(tf.sub(tf.div(numSamples, n), 1), 1e-6)));
    zz = tf.add(zz, bias);
  }
  const negY = tf.sub(1, y);
  // z'' = z' for positives, λ·z' for negatives; weight r̂ (positives) or r̂/λ (negatives)
  const scale = tf.add(y, tf.mul(negY, o.negScale));
  const z2 = tf.mul(zz, scale);
  const weight = tf.mul(rHat, tf.add(y, tf.mul(negY, 1 / o.negScale)));
  const s = tf.mul(tf.sub(1, tf.mul(2, y)), z2); // −z'' for positives, z'' for negatives
  let per: tf.Tensor = tf.mul(tf.softplus(s), weight);
  if (o.gamma > 0) per = tf.mul(tf.mul(focusingPower(tf.sigmoid(s), o.gamma), per), o.balance);
  return per;
}

/**
 * Distribution-balanced loss of `logits [N, C]` against 0/1 `targets [N, C]` (registry
 * `'distribution-balanced'`); mean by default. `classCounts` (positives per class) and `numSamples`
 * describe the training set; by default they are taken from the batch.
 *
 * @example
 * distributionBalancedLoss(z, y, { classCounts: counts, numSamples: 8000 })
 */
export const distributionBalancedLoss = defineLoss({
  name: 'distribution-balanced',
  functionName: 'distributionBalancedLoss',
  description: 'DB loss: re-balanced weights for co-occurring labels + negative-tolerant regularisation (+ focal).',
  paper: 'Wu et al., "Distribution-Balanced Loss for Multi-Label Classification in Long-Tailed Datasets", ECCV 2020, arXiv 2007.09654.',
  params: {
    alpha: param.number(0.1, 'α: floor of the re-balanced weight', { min: 0, max: 10 }),
    beta: param.number(10, 'β: slope of the re-balancing map', { min: 0, max: 1000 }),
    mu: param.number(0.2, 'μ: centre of the re-balancing map', { min: 0, max: 10 }),
    negScale: param.number(2, 'λ: NTR scale of negative logits', { min: 0.01, max: 100 }),
    initBias: param.number(0.05, 'κ: NTR class-prior logit bias factor', { min: 0, max: 10 }),
    gamma: param.number(2, 'γ: focal exponent (0 = no focal term)', { min: 0, max: 20 }),
    balance: param.number(2, 'balance factor of the focal version', { min: 0, max: 100 }),
    classCounts: param.numbers([], 'positives per class in the training set ([] = the batch\'s counts)', { min: 0 }),
    numSamples: param.number(0, 'training-set size N for the prior bias (0 = batch size)', { min: 0, max: 1e12, integer: true }),
  },
  defaultReduction: 'mean',
  check: ({ classCounts, numSamples }, fn) => {
    if (classCounts.length && numSamples > 0 && classCounts.some((c) => c > numSamples)) fail(fn, 'numSamples', 'must be ≥ every class count');
  },
  forward: (c, params) => {
    const fn = 'distribution-balanced.call';
    const [N, C] = c.z.shape;
    const counts = params.classCounts;
    if (counts.length && counts.length !== C) fail(fn, 'classCounts', `must have one count per class (C = ${C}), got ${counts.length}`);
    const countT = counts.length ? tf.tensor1d([...counts]) : tf.sum(c.mask ? tf.mul(c.y, c.mask) : c.y, 0);
    const per = distributionBalancedElementwise(c.z, c.y, countT, params.numSamples > 0 ? params.numSamples : N, params);
    return reduceMaskedLoss(per, c.reduction, c.mask, c.classWeights);
  },
});
