/**
 * Per-kernel profile of one training step of a benchmark model (default `cnn-bn`: the book CNN,
 * 64×64×3, batch 128, 80 classes; forward + BCE + backward + Adam, the trainer's own step).
 *
 *   npx tsx bench/profile-step.ts [--model cnn-bn|cnn|mlp] [--warmup N] [--steps N] [--top N] [--json]
 *
 * Runs `--warmup` steps, then profiles `--steps` steps with `tf.profile` (each kernel timed by the
 * backend, synchronously on wasm) and prints, per kernel name and per (kernel, input shapes), the
 * milliseconds per step, plus the wall time of an unprofiled step for the overhead outside kernels.
 * Kernels that run other kernels through the engine are not double-counted (tfjs' `…__op` wrappers
 * are skipped); a kernel of the workbook that calls other kernels directly counts as one.
 */
import * as tf from '../lib/core/tf';
import { initBackend } from '../lib/backend/select';
import { benchmarkStep, BENCHMARK_MODELS } from '../lib/train/benchmark';
import type { BenchmarkModel } from '../lib/train/benchmark';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const kind = opt('--model', 'cnn-bn') as BenchmarkModel;
const WARMUP = Number(opt('--warmup', '2'));
const STEPS = Number(opt('--steps', '2'));
const TOP = Number(opt('--top', '30'));
const json = args.includes('--json');

interface Row {
  key: string;
  calls: number;
  ms: number;
}

async function main(): Promise<void> {
  if (!BENCHMARK_MODELS.includes(kind)) throw new Error(`--model must be one of ${BENCHMARK_MODELS.join(', ')}`);
  const choice = await initBackend();
  const bench = benchmarkStep(kind);
  try {
    for (let i = 0; i < WARMUP; i++) bench.step();
    const walls: number[] = [];
    for (let i = 0; i < Math.max(STEPS, 3); i++) {
      const t0 = performance.now();
      bench.step();
      walls.push(performance.now() - t0);
    }
    walls.sort((a, b) => a - b);
    const wallMs = walls[walls.length >> 1];
    const byName = new Map<string, Row>();
    const byShape = new Map<string, Row>();
    let kernelMs = 0;
    for (let s = 0; s < STEPS; s++) {
      const info = await tf.profile(() => {
        bench.step();
      });
      for (const k of info.kernels) {
        // Op wrappers of customGrad ops (`fusedConv2d__op`) contain kernels timed on their own.
        if (k.name.endsWith('__op')) continue;
        const ms = (await k.kernelTimeMs) as number;
        kernelMs += ms / STEPS;
        const shapes = k.inputShapes.map((sh) => `[${(sh ?? []).join(',')}]`).join(' ');
        for (const [map, key] of [[byName, k.name], [byShape, `${k.name} ${shapes}`]] as const) {
          const row = map.get(key) ?? { key, calls: 0, ms: 0 };
          row.calls += 1 / STEPS;
          row.ms += ms / STEPS;
          map.set(key, row);
        }
      }
    }
    const sorted = (m: Map<string, Row>) => [...m.values()].sort((a, b) => b.ms - a.ms);
    const result = {
      backend: choice.backend,
      model: kind,
      batch: bench.batch,
      wallMsPerStep: wallMs,
      kernelMsPerStep: kernelMs,
      byKernel: sorted(byName),
      byKernelAndShape: sorted(byShape).slice(0, TOP),
    };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`profile of one ${kind} step on ${choice.backend} (batch ${bench.batch}): wall ${wallMs.toFixed(1)} ms (median of ${walls.length}), kernels ${kernelMs.toFixed(1)} ms`);
    console.log('\nby kernel:              calls     ms/step   share');
    for (const r of result.byKernel) console.log(`  ${r.key.padEnd(24)}${r.calls.toFixed(0).padStart(5)}  ${r.ms.toFixed(1).padStart(9)}  ${((100 * r.ms) / kernelMs).toFixed(1).padStart(5)} %`);
    console.log(`\ntop ${TOP} (kernel, input shapes):`);
    for (const r of result.byKernelAndShape) console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  ×${r.calls.toFixed(0)}  ${r.key}`);
  } finally {
    bench.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
