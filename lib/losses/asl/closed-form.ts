/**
 * Closed forms of ASL for one logit, in float64 — an independent formulation used to check the
 * tensor implementation and the notebooks' autodiff curves. Sign convention: derivatives of the
 * loss contribution (−L), so a negative's gradient is ≥ 0 (it pushes z down).
 */

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Per-element ASL value (official forward, including the eps clamp of the log argument). */
export function aslValue(z: number, y: 0 | 1, gammaNeg: number, gammaPos: number, clip: number, eps = 1e-8): number {
  const p = sigmoid(z);
  if (y === 1) return -Math.pow(1 - p, gammaPos) * Math.log(Math.max(p, eps));
  const pm = Math.max(p - clip, 0);
  return -Math.pow(pm, gammaNeg) * Math.log(Math.max(1 - pm, eps));
}

/**
 * d(−L−)/dz for a negative, paper Eq. 8 (focusing weight differentiated):
 * p_m^γ · [1/(1 − p_m) − γ·log(1 − p_m)/p_m] · p(1 − p) for p > m, and 0 for p ≤ m.
 */
export function aslNegativeGradient(p: number, gammaNeg: number, clip: number): number {
  const pm = p - clip;
  if (pm <= 0) return 0;
  const focus = gammaNeg === 0 ? 0 : gammaNeg * Math.log(1 - pm) * Math.pow(pm, gammaNeg - 1);
  return (Math.pow(pm, gammaNeg) / (1 - pm) - focus) * p * (1 - p);
}

/** d(−L−)/dz with the focusing weight detached (official training): p_m^γ · p(1 − p)/(1 − p_m). */
export function aslNegativeGradientDetached(p: number, gammaNeg: number, clip: number): number {
  const pm = p - clip;
  if (pm <= 0) return 0;
  return (Math.pow(pm, gammaNeg) * p * (1 - p)) / (1 - pm);
}

/** d(−L+)/dz for a positive, weight differentiated: (1 − p)^γ+ · [γ+·p·log p − (1 − p)]. */
export function aslPositiveGradient(p: number, gammaPos: number): number {
  return Math.pow(1 - p, gammaPos) * (gammaPos * p * Math.log(p) - (1 - p));
}

/** d(−L+)/dz for a positive with the weight detached: −(1 − p)^γ+ · (1 − p). */
export function aslPositiveGradientDetached(p: number, gammaPos: number): number {
  return -Math.pow(1 - p, gammaPos) * (1 - p);
}
