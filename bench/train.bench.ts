/**
 * Training throughput of the benchmark models on the default backend (wasm here), next to PyTorch
 * on the same machine in the same run.
 *
 *   npm run bench:train                 # table
 *   npm run bench:train -- --json       # one JSON object: {"backend", "cnn": {"imagesPerSecond"}, "mlp": {...}, "cnn-bn": {...}, "pytorch": {oneThread, defaultThreads, allCores}, ...}
 *   options: --steps N (timed steps, default 10), --warmup N (default 3), --rounds N (interleaved
 *            rounds of PyTorch and tfjs, default 3; medians reported), --models cnn,mlp,cnn-bn,
 *            --no-torch, --no-fixes (skip the per-fix before/after), --no-matmul (skip the
 *            matMul-efficiency report)
 *
 * A step is forward + BCE loss + backward + Adam lr 1e-3 (the trainer's own `trainStep`), on random
 * inputs: cnn 48×48×1 batch 64 (10 classes), mlp 4096 batch 128 (10 classes), cnn-bn (the book's
 * CNN, zoo `bn-cnn`) 64×64×3 batch 128 (80 classes). The workbook's kernels use `ASL_THREADS`
 * threads (default: all cores). PyTorch runs bench/pytorch_train_bench.py through Debian's
 * /usr/bin/python3 three ways: one thread (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1 and
 * torch.set_num_threads(1)), its default threads (as a user would run it; here torch reports 1
 * thread but OpenBLAS may use every core), and all cores (torch.set_num_threads(cores)). PyTorch's
 * scripts keep freed memory in glibc's heap (bench/torch_malloc.py): on some hosts returning it to the
 * kernel costs PyTorch most of its step (cnn-bn one thread 115 → 630 img/s on an AMD EPYC VM), which
 * flattered the workbook's ratios; ASL_TORCH_MALLOC=default measures glibc's defaults (`pytorch.malloc`).
 * The machine is shared: each round also reports how many cores other processes kept busy while
 * tfjs ran (from /proc/stat), since two threads lose most of their gain when a core is taken.
 * The matMul report puts the workbook's best product rate next to PyTorch's on one thread (torch.mm,
 * same run) and names the host's widest vector extension: wasm SIMD is 128 bits wide, so on a host
 * with AVX-512 one PyTorch thread has four times the lanes of one wasm thread.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../lib/backend/select';
import { activeWasmTrainingFixes } from '../lib/backend/wasm-fixes';
import { wasmThreads } from '../lib/backend/simd/backend-heap';
import { wasmFmaAvailable } from '../lib/backend/simd/features';
import { BENCHMARK_MODELS, matMulEfficiency, measureTrainingThroughput, wasmFixSpeedups } from '../lib/train/benchmark';
import type { BenchmarkModel, TrainingThroughput } from '../lib/train/benchmark';

const args = process.argv.slice(2);
const json = args.includes('--json');
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const numArg = (name: string, dflt: number) => Number(argValue(name) ?? dflt);
const STEPS = numArg('--steps', 10);
const WARMUP = numArg('--warmup', 3);
const ROUNDS = numArg('--rounds', 3);
const MODELS = (argValue('--models')?.split(',') ?? [...BENCHMARK_MODELS]) as BenchmarkModel[];
/** Targets of issue 13: ratio to PyTorch with one thread. */
const TARGETS: Record<BenchmarkModel, number> = { cnn: 0.8, mlp: 1.1, 'cnn-bn': 0.75 };
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
  else console.error(...m);
};

type TorchRun = Record<string, unknown>;
type TorchThreads = 'one' | 'default' | 'cores';

function pytorch(threads: TorchThreads): TorchRun | { error: string } {
  const script = path.join(__dirname, 'pytorch_train_bench.py');
  const env = { ...process.env };
  for (const v of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) {
    if (threads === 'one') env[v] = '1';
    else delete env[v];
  }
  const n = threads === 'one' ? 1 : threads === 'cores' ? os.availableParallelism() : 0;
  const extra = threads === 'one' ? ['--matmul'] : [];
  const r = spawnSync('/usr/bin/python3', [script, '--threads', String(n), '--steps', String(Math.max(STEPS, 10)), '--warmup', String(WARMUP), '--models', MODELS.join(','), ...extra], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchRun;
}

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const torchIps = (t: TorchRun | { error: string } | undefined, k: BenchmarkModel) => (t && !('error' in t) && t[k] ? (t[k] as TrainingThroughput).imagesPerSecond : NaN);

interface Round {
  tfjs: Partial<Record<BenchmarkModel, TrainingThroughput>>;
  torch?: TorchRun | { error: string };
  torchDefault?: TorchRun | { error: string };
  torchCores?: TorchRun | { error: string };
  /** Cores other processes kept busy while tfjs ran (Linux /proc/stat; NaN elsewhere). */
  otherCores: number;
}

/**
 * The host's CPU model and widest vector extension (Linux /proc/cpuinfo; nulls elsewhere). wasm SIMD
 * is 128 bits wide whatever the host has; PyTorch's kernels use the host's widest.
 */
function hostCpu(): { model: string | null; widestVector: string | null } {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? null;
    const flags = new Set((/^flags\s*:\s*(.+)$/m.exec(info)?.[1] ?? '').split(/\s+/));
    const widestVector = ['avx512f', 'avx2', 'avx', 'sse4_2', 'asimd'].find((f) => flags.has(f)) ?? null;
    return { model, widestVector };
  } catch {
    return { model: null, widestVector: null };
  }
}

/** Busy CPU seconds of the whole machine so far (Linux), or NaN. */
function machineBusySeconds(): number {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return (fields.reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return NaN;
  }
}

/** Runs `f` and says how many cores other processes used meanwhile (busy time not ours, per second). */
function withContention<T>(f: () => T): { value: T; otherCores: number } {
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const others = machineBusySeconds() - busy0 - (own.user + own.system) / 1e6;
  return { value, otherCores: Math.max(0, others / wall) };
}

async function main() {
  const choice = await initBackend();
  log(`bench:train on ${choice.backend} (${choice.reason}); kernel threads ${wasmThreads()}, FMA ${wasmFmaAvailable() ? 'on' : 'off'}; fixes: ${activeWasmTrainingFixes().join(', ') || 'none'}`);
  const withTorch = !args.includes('--no-torch');
  // The machine is shared: interleave rounds (PyTorch one thread, default threads and all cores,
  // then each tfjs model) and report medians and the ratio of each round, so a load spike hits both
  // sides or shows up as an outlier.
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const torch = withTorch ? pytorch('one') : undefined;
    const torchDefault = withTorch ? pytorch('default') : undefined;
    const torchCores = withTorch ? pytorch('cores') : undefined;
    const tfjs: Round['tfjs'] = {};
    const { otherCores } = withContention(() => {
      for (const k of MODELS) tfjs[k] = measureTrainingThroughput(k, STEPS, WARMUP);
    });
    rounds.push({ tfjs, torch, torchDefault, torchCores, otherCores });
    const line = MODELS.map((k) => `${k} ${tfjs[k]!.imagesPerSecond.toFixed(1)} (pytorch 1 thread ${torchIps(torch, k).toFixed(1)}, ratio ${(tfjs[k]!.imagesPerSecond / torchIps(torch, k)).toFixed(3)})`).join('; ');
    log(`  round ${r + 1} img/s: ${line}; other processes busy ${otherCores.toFixed(2)} cores`);
  }
  const host = hostCpu();
  const result: Record<string, unknown> = {
    host,
    backend: choice.backend,
    threads: wasmThreads(),
    fma: wasmFmaAvailable(),
    rounds: ROUNDS,
    steps: STEPS,
    warmup: WARMUP,
    fixes: activeWasmTrainingFixes(),
    otherCoresPerRound: rounds.map((r) => r.otherCores),
  };
  for (const k of MODELS) {
    const ips = median(rounds.map((r) => r.tfjs[k]!.imagesPerSecond));
    result[k] = { imagesPerSecond: ips, msPerStep: median(rounds.map((r) => r.tfjs[k]!.msPerStep)), steps: STEPS };
    log(`  tfjs ${k} (median of ${ROUNDS} rounds): ${ips.toFixed(1)} img/s`);
  }
  if (withTorch) {
    const oneThread: Record<string, unknown> = { runs: rounds.map((r) => r.torch) };
    const defaultThreads: Record<string, unknown> = { runs: rounds.map((r) => r.torchDefault) };
    const allCores: Record<string, unknown> = { runs: rounds.map((r) => r.torchCores) };
    const ratioOne: Record<string, unknown> = { targets: TARGETS };
    const ratioDefault: Record<string, number> = {};
    const ratioCores: Record<string, number> = {};
    for (const k of MODELS) {
      const one = median(rounds.map((r) => torchIps(r.torch, k)));
      const dflt = median(rounds.map((r) => torchIps(r.torchDefault, k)));
      const cores = median(rounds.map((r) => torchIps(r.torchCores, k)));
      oneThread[k] = { imagesPerSecond: one };
      defaultThreads[k] = { imagesPerSecond: dflt };
      allCores[k] = { imagesPerSecond: cores };
      const perRound = rounds.map((r) => r.tfjs[k]!.imagesPerSecond / torchIps(r.torch, k));
      ratioOne[k] = median(perRound);
      ratioOne[`${k}PerRound`] = perRound;
      ratioDefault[k] = median(rounds.map((r) => r.tfjs[k]!.imagesPerSecond / torchIps(r.torchDefault, k)));
      ratioCores[k] = median(rounds.map((r) => r.tfjs[k]!.imagesPerSecond / torchIps(r.torchCores, k)));
      log(
        `  ${k}: pytorch (medians) one thread ${one.toFixed(1)}, default threads ${dflt.toFixed(1)}, all cores ${cores.toFixed(1)} img/s; ` +
          `ratio to one thread ${median(perRound).toFixed(3)} (target ≥ ${TARGETS[k]}), to default ${ratioDefault[k].toFixed(3)}, to all cores ${ratioCores[k].toFixed(3)}`,
      );
    }
    const malloc = rounds.map((r) => (r.torch && !('error' in r.torch) ? r.torch.malloc : undefined)).find((m) => m !== undefined) ?? null;
    log(`  pytorch's freed memory: ${malloc === 'kept' ? 'kept in glibc\'s heap (bench/torch_malloc.py)' : "glibc's defaults"}`);
    result.pytorch = { oneThread, defaultThreads, allCores, malloc };
    result.ratioToPytorchOneThread = ratioOne;
    result.ratioToPytorchDefaultThreads = ratioDefault;
    result.ratioToPytorchAllCores = ratioCores;
  }
  if (!args.includes('--no-matmul') && choice.backend === 'wasm') {
    const m = matMulEfficiency();
    result.matMul = m;
    log(`  wasm best matMul ${m.bestMatMulGflops.toFixed(1)} GFLOP/s (XNNPACK's, SIMD kernels off: ${m.xnnpackBestMatMulGflops.toFixed(1)}); mlp forward ${m.mlpForwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpForwardFraction).toFixed(0)}%; with freshly updated weights as in training ${(100 * m.mlpForwardFreshWeightsFraction).toFixed(0)}%), backward ${m.mlpBackwardGflops.toFixed(1)} GFLOP/s (${(100 * m.mlpBackwardFraction).toFixed(0)}%)`);
    // The mlp's ceiling: its step's products (forward + backward FLOPs, as measured above) all at the best
    // matMul rate, with nothing else in the step — what the target ratio has to fit under. GFLOP/s × ms = MFLOP;
    // matMulEfficiency times the mlp at batch 128.
    const stepMflop = m.mlpForwardGflops * m.mlpForwardMs + m.mlpBackwardGflops * m.mlpBackwardMs;
    const ceilingImagesPerSecond = 128 / (stepMflop / 1000 / m.bestMatMulGflops);
    const torchMlp = (result.pytorch as { oneThread?: Record<string, { imagesPerSecond: number }> } | undefined)?.oneThread?.mlp?.imagesPerSecond;
    result.mlpCeiling = { stepMflop, imagesPerSecond: ceilingImagesPerSecond, ...(torchMlp ? { ratioToPytorchOneThread: ceilingImagesPerSecond / torchMlp } : {}) };
    log(
      `  mlp ceiling: ${stepMflop.toFixed(0)} MFLOP of products per step at the best matMul rate = ${ceilingImagesPerSecond.toFixed(0)} img/s` +
        (torchMlp ? ` = ${(ceilingImagesPerSecond / torchMlp).toFixed(2)}× PyTorch one thread (target ≥ ${TARGETS.mlp})` : ''),
    );
    // PyTorch's own product rate on one thread (median over rounds of its best size), next to ours on
    // every kernel thread: the widths of the two machines the mlp's ratio compares.
    const torchBest = median(rounds.map((r) => (r.torch && !('error' in r.torch) ? Math.max(...Object.values((r.torch.matMulGflopsBySize ?? {}) as Record<string, number>)) : NaN)));
    if (Number.isFinite(torchBest)) {
      result.matMulVsPytorch = { pytorchOneThreadBestGflops: torchBest, workbookBestGflops: m.bestMatMulGflops, ratio: m.bestMatMulGflops / torchBest, hostWidestVector: host.widestVector };
      log(
        `  matMul: workbook ${m.bestMatMulGflops.toFixed(1)} GFLOP/s on ${wasmThreads()} thread(s) of 128-bit wasm SIMD vs PyTorch ${torchBest.toFixed(1)} GFLOP/s on one thread (host: ${host.widestVector ?? 'unknown'}) = ${(m.bestMatMulGflops / torchBest).toFixed(2)}×`,
      );
    }
  }
  if (!args.includes('--no-fixes') && choice.backend === 'wasm') result.fixSpeedups = wasmFixSpeedups((line: string) => log(`  ${line}`));
  if (json) console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
