/**
 * Training throughput of the two reference models on the default backend (wasm here), next to
 * PyTorch on the same machine in the same run.
 *
 *   npm run bench:train                 # table
 *   npm run bench:train -- --json       # one JSON object: {"backend", "cnn": {"imagesPerSecond"}, "mlp": {...}, ...}
 *   options: --steps N (timed steps, default 10), --warmup N (default 3), --no-torch, --no-fixes
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

async function main() {
  const choice = await initBackend();
  log(`bench:train on ${choice.backend} (${choice.reason}); fixes: ${activeWasmTrainingFixes().join(', ') || 'none'}`);
  const withTorch = !args.includes('--no-torch');
  // Interleave: PyTorch one thread, tfjs, PyTorch one thread again (the machine is shared).
  const torchOne1 = withTorch ? pytorch('one') : undefined;
  const cnn = measureTrainingThroughput('cnn', STEPS, WARMUP);
  log(`  cnn: ${cnn.imagesPerSecond.toFixed(1)} img/s (${cnn.msPerStep.toFixed(1)} ms/step)`);
  const mlp = measureTrainingThroughput('mlp', STEPS, WARMUP);
  log(`  mlp: ${mlp.imagesPerSecond.toFixed(1)} img/s (${mlp.msPerStep.toFixed(1)} ms/step)`);
  const torchOne2 = withTorch ? pytorch('one') : undefined;
  const torchDefault = withTorch ? pytorch('default') : undefined;
  const result: Record<string, unknown> = { backend: choice.backend, cnn, mlp, steps: STEPS, warmup: WARMUP, fixes: activeWasmTrainingFixes() };
  if (withTorch) {
    const avg = (k: BenchmarkModel) => {
      const vals = [torchOne1, torchOne2]
        .map((t) => (t && !('error' in t) ? ((t[k] as TrainingThroughput).imagesPerSecond) : NaN))
        .filter((v) => Number.isFinite(v));
      return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
    };
    const oneCnn = avg('cnn');
    const oneMlp = avg('mlp');
    result.pytorch = { oneThread: [torchOne1, torchOne2], defaultThreads: torchDefault };
    result.ratioToPytorchOneThread = { cnn: cnn.imagesPerSecond / oneCnn, mlp: mlp.imagesPerSecond / oneMlp, targets: { cnn: 0.25, mlp: 0.5 } };
    log(`  pytorch one thread (mean of 2 runs): cnn ${oneCnn.toFixed(1)} img/s, mlp ${oneMlp.toFixed(1)} img/s`);
    if (torchDefault && !('error' in torchDefault)) {
      log(`  pytorch default threads (${String(torchDefault.threads)}): cnn ${(torchDefault.cnn as TrainingThroughput).imagesPerSecond.toFixed(1)}, mlp ${(torchDefault.mlp as TrainingThroughput).imagesPerSecond.toFixed(1)} img/s`);
    }
    log(`  ratio to pytorch one thread: cnn ${(cnn.imagesPerSecond / oneCnn).toFixed(3)} (target ≥ 0.25), mlp ${(mlp.imagesPerSecond / oneMlp).toFixed(3)} (target ≥ 0.5)`);
  }
  if (!args.includes('--no-matmul') && choice.backend === 'wasm') {
    const m = matMulEfficiency();
    result.matMul = m;
    log(`  wasm best matMul ${m.bestMatMulGflops.toFixed(1)} GFLOP/s; mlp forward ${m.mlpForwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpForwardFraction).toFixed(0)}%), backward ${m.mlpBackwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpBackwardFraction).toFixed(0)}%)`);
  }
  if (!args.includes('--no-fixes') && choice.backend === 'wasm') result.fixSpeedups = wasmFixSpeedups((line) => log(`  ${line}`));
  if (json) console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
