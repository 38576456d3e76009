/**
 * Loss benchmark: forward + backward time of every registered loss at batch shapes 256×80 and
 * 4096×80 (MS-COCO's 80 classes), measured side by side in one run on the default backend, with
 * the ratio to the library's BCE.
 *
 * One timed step = `tf.valueAndGrad(z ↦ loss.call(z, y))(z)` and a read-back of the loss value and
 * of the gradient (`dataSync`), so the time includes the work on any backend. Rounds interleave the
 * losses (bce, asl, bce, …) so slow drifts of a shared machine hit every loss alike; the reported
 * time is the median over rounds of the mean per step within a round.
 *
 * Usage: npm run bench:losses [-- --json] [-- --rounds 15] [-- --quick]
 * `--json` prints one JSON object with `fusedAsl: { "256x80": ratio, "4096x80": ratio }` (fused ASL
 * time ÷ BCE time) besides every loss's numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { createLoss, describeBackend, initBackend, listLosses, seededRandom, type MultiLabelLoss } from '../lib/index';

interface Row {
  loss: string;
  shape: string;
  ms: number;
  ratioToBce: number;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : quick ? 5 : 15;
const SHAPES: Array<[number, number]> = [
  [256, 80],
  [4096, 80],
];

/** The losses timed: every registered one at its defaults, plus ASL through autodiff for comparison. */
function lossesToTime(): Array<{ label: string; loss: MultiLabelLoss }> {
  const out: Array<{ label: string; loss: MultiLabelLoss }> = [];
  for (const name of listLosses()) {
    try {
      out.push({ label: name, loss: createLoss(name) });
    } catch (e) {
      if (!json) console.error(`skip ${name}: ${(e as Error).message}`);
    }
  }
  out.push({ label: 'asl (autodiff)', loss: createLoss('asl', { implementation: 'autodiff' }) });
  out.push({ label: 'asl (fused, Eq. 8 grad)', loss: createLoss('asl', { detachFocalWeight: false }) });
  return out;
}

function makeData(n: number, c: number, seed: number): { z: tf.Tensor2D; y: tf.Tensor2D } {
  const rand = seededRandom(seed);
  const z = new Float32Array(n * c);
  const y = new Float32Array(n * c);
  for (let i = 0; i < n * c; i++) {
    // logits roughly N(−2, 2²): mostly confident negatives, as in multi-label training
    const u = Math.max(rand(), 1e-12);
    z[i] = -2 + 2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    y[i] = rand() < 0.04 ? 1 : 0; // ≈ 3 positives of 80, as MS-COCO
  }
  return { z: tf.tensor2d(z, [n, c]), y: tf.tensor2d(y, [n, c]) };
}

function stepFn(loss: MultiLabelLoss, y: tf.Tensor2D): (z: tf.Tensor2D) => void {
  const vg = tf.valueAndGrad((t: tf.Tensor) => loss.call(t, y, { validate: false, context: { epoch: 5, step: 0 } }) as tf.Scalar);
  return (z) =>
    tf.tidy(() => {
      const { value, grad } = vg(z);
      value.dataSync();
      grad.dataSync();
    });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const choice = await initBackend();
  const losses = lossesToTime();
  const rows: Row[] = [];
  const fusedAsl: Record<string, number> = {};
  for (const [n, c] of SHAPES) {
    const shape = `${n}x${c}`;
    const { z, y } = makeData(n, c, 2021 + n);
    const steps = losses.map((l) => ({ label: l.label, run: stepFn(l.loss, y), times: [] as number[] }));
    const perRound = Math.max(2, Math.round((quick ? 40 : 120) / (n / 256)));
    for (const s of steps) for (let i = 0; i < 3; i++) s.run(z); // warm-up (kernel set-up, memory)
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order every round so that drifts within a round do not favour any loss.
      const order = r % 2 === 0 ? steps : steps.slice().reverse();
      for (const s of order) {
        const t0 = performance.now();
        for (let i = 0; i < perRound; i++) s.run(z);
        s.times.push((performance.now() - t0) / perRound);
      }
    }
    const bceTimes = steps.find((s) => s.label === 'bce')!.times;
    for (const s of steps) {
      const ms = median(s.times);
      // Paired ratio: each round's time over BCE's time in the same round, median over rounds.
      const ratio = median(s.times.map((t, r) => t / bceTimes[r]));
      rows.push({ loss: s.label, shape, ms, ratioToBce: ratio });
      if (s.label === 'asl') fusedAsl[shape] = ratio;
    }
    z.dispose();
    y.dispose();
  }
  if (json) {
    console.log(
      JSON.stringify({
        backend: choice.backend,
        tfjs: choice.tfjsVersion,
        rounds: ROUNDS,
        measure:
          'ms: median over rounds of mean ms per forward+backward step (read-back of value and gradient); ratioToBce and fusedAsl: median over rounds of the per-round ratio to bce',
        fusedAsl,
        results: rows,
      }),
    );
    return;
  }
  console.log(describeBackend(choice));
  console.log(`forward+backward, ms per step (median of ${ROUNDS} interleaved rounds); ×bce: median of per-round ratios\n`);
  const shapes = SHAPES.map(([n, c]) => `${n}x${c}`);
  const header = ['loss', ...shapes.flatMap((s) => [`${s} ms`, `${s} ×bce`])];
  const table = losses.map((l) => [
    l.label,
    ...shapes.flatMap((s) => {
      const row = rows.find((r) => r.loss === l.label && r.shape === s)!;
      return [row.ms.toFixed(3), row.ratioToBce.toFixed(2)];
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  for (const r of table) console.log(fmt(r));
  console.log(`\nfused ASL ÷ BCE: ${shapes.map((s) => `${s} ${fusedAsl[s].toFixed(2)}`).join(', ')} (target ≤ 1.5)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
