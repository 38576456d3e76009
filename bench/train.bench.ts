/**
 * Training throughput of the two reference models on the default backend (wasm here), next to
 * PyTorch on the same machine in the same run.
 *
 *   npm run bench:train                 # table
 *   npm run bench:train -- --json       # one JSON object: {"backend", "cnn": {"imagesPerSecond"}, "mlp": {...}, ...}
 *   options: --steps N (timed steps, default 10), --warmup N (default 3), --rounds N (interleaved
 *            rounds of PyTorch and tfjs, default 3; medians reported), --no-torch, --no-fixes
 *            (skip the per-fix before/after), --no-matmul (skip the matMul-efficiency report)
 *
 * A step is forward + BCE loss + backward + Adam lr 1e-3 (the trainer's own `trainStep`), on random
 * inputs: cnn 48×48×1 batch 64, mlp 4096 batch 128, 10 classes. PyTorch runs
 * bench/pytorch_train_bench.py through Debian's /usr/bin/python3 with one thread
 * (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1)) and with its default threads.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { initBackend, activeWasmTrainingFixes, measureTrainingThroughput, matMulEfficiency, wasmFixSpeedups } from '../lib/index';
import type { TrainingThroughput, BenchmarkModel } from '../lib/index';

const args = process.argv.slice(2);
const json = args.includes('--json');
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = numArg('--steps', 10);
const WARMUP = numArg('--warmup', 3);
const ROUNDS = numArg('--rounds', 3);
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
  else console.error(...m);
};

function pytorch(threads: 'one' | 'default'): Record<string, unknown> | { error: string } {
  const script = path.join(__dirname, 'pytorch_train_bench.py');
  const env = { ...process.env };
  if (threads === 'one') {
    env.OMP_NUM_THREADS = '1';
    env.OPENBLAS_NUM_THREADS = '1';
    env.MKL_NUM_THREADS = '1';
  } else {
    delete env.OMP_NUM_THREADS;
    delete env.OPENBLAS_NUM_THREADS;
    delete env.MKL_NUM_THREADS;
  }
  const r = spawnSync('/usr/bin/python3', [script, '--threads', threads === 'one' ? '1' : '0', '--steps', String(Math.max(STEPS, 10)), '--warmup', String(WARMUP)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const torchIps = (t: Record<string, unknown> | undefined, k: BenchmarkModel) =>
  t && !('error' in t) ? (t[k] as TrainingThroughput).imagesPerSecond : NaN;

async function main() {
  const choice = await initBackend();
  log(`bench:train on ${choice.backend} (${choice.reason}); fixes: ${activeWasmTrainingFixes().join(', ') || 'none'}`);
  const withTorch = !args.includes('--no-torch');
  // The machine is shared: interleave rounds (PyTorch one thread, tfjs cnn, tfjs mlp) and report
  // medians and the ratio of each round, so a load spike hits both sides or shows up as an outlier.
  const rounds: { cnn: TrainingThroughput; mlp: TrainingThroughput; torch?: Record<string, unknown> }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const torch = withTorch ? pytorch('one') : undefined;
    const cnn = measureTrainingThroughput('cnn', STEPS, WARMUP);
    const mlp = measureTrainingThroughput('mlp', STEPS, WARMUP);
    rounds.push({ cnn, mlp, torch });
    const ratio = withTorch ? `; ratio to pytorch 1 thread: cnn ${(cnn.imagesPerSecond / torchIps(torch, 'cnn')).toFixed(3)}, mlp ${(mlp.imagesPerSecond / torchIps(torch, 'mlp')).toFixed(3)}` : '';
    log(`  round ${r + 1}: tfjs cnn ${cnn.imagesPerSecond.toFixed(1)}, mlp ${mlp.imagesPerSecond.toFixed(1)} img/s; pytorch 1 thread cnn ${torchIps(torch, 'cnn').toFixed(1)}, mlp ${torchIps(torch, 'mlp').toFixed(1)} img/s${ratio}`);
  }
  const pick = (k: BenchmarkModel): TrainingThroughput => {
    const ips = median(rounds.map((r) => r[k].imagesPerSecond));
    return { imagesPerSecond: ips, msPerStep: median(rounds.map((r) => r[k].msPerStep)), steps: STEPS };
  };
  const cnn = pick('cnn');
  const mlp = pick('mlp');
  log(`  tfjs (median of ${ROUNDS} rounds): cnn ${cnn.imagesPerSecond.toFixed(1)} img/s (${cnn.msPerStep.toFixed(1)} ms/step), mlp ${mlp.imagesPerSecond.toFixed(1)} img/s (${mlp.msPerStep.toFixed(1)} ms/step)`);
  const result: Record<string, unknown> = { backend: choice.backend, cnn, mlp, rounds: ROUNDS, steps: STEPS, warmup: WARMUP, fixes: activeWasmTrainingFixes() };
  if (withTorch) {
    const torchDefault = pytorch('default');
    const oneCnn = median(rounds.map((r) => torchIps(r.torch, 'cnn')));
    const oneMlp = median(rounds.map((r) => torchIps(r.torch, 'mlp')));
    const perRound = rounds.map((r) => ({ cnn: r.cnn.imagesPerSecond / torchIps(r.torch, 'cnn'), mlp: r.mlp.imagesPerSecond / torchIps(r.torch, 'mlp') }));
    result.pytorch = {
      oneThread: { cnn: { imagesPerSecond: oneCnn }, mlp: { imagesPerSecond: oneMlp }, runs: rounds.map((r) => r.torch) },
      defaultThreads: torchDefault,
    };
    result.ratioToPytorchOneThread = {
      cnn: median(perRound.map((r) => r.cnn)),
      mlp: median(perRound.map((r) => r.mlp)),
      perRound,
      targets: { cnn: 0.25, mlp: 0.5 },
    };
    log(`  pytorch one thread (median): cnn ${oneCnn.toFixed(1)} img/s, mlp ${oneMlp.toFixed(1)} img/s`);
    if (!('error' in torchDefault)) {
      log(`  pytorch default threads (${String(torchDefault.threads)}): cnn ${torchIps(torchDefault, 'cnn').toFixed(1)}, mlp ${torchIps(torchDefault, 'mlp').toFixed(1)} img/s`);
    }
    log(`  ratio to pytorch one thread (median of rounds): cnn ${median(perRound.map((r) => r.cnn)).toFixed(3)} (target ≥ 0.25), mlp ${median(perRound.map((r) => r.mlp)).toFixed(3)} (target ≥ 0.5)`);
  }
  if (!args.includes('--no-matmul') && choice.backend === 'wasm') {
    const m = matMulEfficiency();
    result.matMul = m;
    log(`  wasm best matMul ${m.bestMatMulGflops.toFixed(1)} GFLOP/s (XNNPACK's, SIMD kernels off: ${m.xnnpackBestMatMulGflops.toFixed(1)}); mlp forward ${m.mlpForwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpForwardFraction).toFixed(0)}%; with freshly updated weights as in training ${(100 * m.mlpForwardFreshWeightsFraction).toFixed(0)}%), backward ${m.mlpBackwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpBackwardFraction).toFixed(0)}%)`);
  }
  if (!args.includes('--no-fixes') && choice.backend === 'wasm') result.fixSpeedups = wasmFixSpeedups((line) => log(`  ${line}`));
  if (json) console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
