/**
 * `asl bench`: training throughput of the reference models on this machine's backend.
 */
import type { CliCommand } from '../command';
import { numberFlag, parseTrainingArgs } from '../../train/cli-args';

const HELP = `asl bench: training throughput of the two reference models

Usage: asl bench [--steps N] [--warmup N] [--fixes] [--json]

cnn: 48×48×1, batch 64 (3 conv layers, pooling, dense 10); mlp: 4096 → 512 → 256 → 10, batch 128.
One step = forward + BCE + backward + Adam (lr 1e-3). Prints images per second; on wasm also the
best matMul GFLOP/s and the fraction the MLP reaches, and with --fixes the before/after of every
wasm fix. (The side-by-side PyTorch comparison is \`npm run bench:train\` in the repository.)`;

export const command: CliCommand = {
  name: 'bench',
  summary: 'training throughput of the reference CNN and MLP (images/s)',
  help: HELP,
  async run(args) {
    const p = parseTrainingArgs(args, ['json', 'fixes']);
    const { initBackend } = await import('../../backend/select');
    const { measureTrainingThroughput, matMulEfficiency, wasmFixSpeedups } = await import('../../train/benchmark');
    const choice = await initBackend();
    const json = p.flags.has('json');
    const steps = numberFlag(p, 'steps') ?? 10;
    const warmup = numberFlag(p, 'warmup') ?? 3;
    const log = (s: string) => (json ? undefined : console.log(s));
    log(`backend ${choice.backend}: ${choice.reason}`);
    const cnn = measureTrainingThroughput('cnn', steps, warmup);
    log(`cnn: ${cnn.imagesPerSecond.toFixed(1)} images/s (${cnn.msPerStep.toFixed(1)} ms/step)`);
    const mlp = measureTrainingThroughput('mlp', steps, warmup);
    log(`mlp: ${mlp.imagesPerSecond.toFixed(1)} images/s (${mlp.msPerStep.toFixed(1)} ms/step)`);
    const result: Record<string, unknown> = { backend: choice.backend, cnn, mlp };
    if (choice.backend === 'wasm') {
      const m = matMulEfficiency();
      result.matMul = m;
      log(`matMul: best ${m.bestMatMulGflops.toFixed(1)} GFLOP/s; mlp forward ${(100 * m.mlpForwardFraction).toFixed(0)}% (${(100 * m.mlpForwardFreshWeightsFraction).toFixed(0)}% with freshly updated weights), backward ${(100 * m.mlpBackwardFraction).toFixed(0)}% of it`);
      if (p.flags.has('fixes')) result.fixSpeedups = wasmFixSpeedups(log);
    }
    if (json) console.log(JSON.stringify(result));
    return 0;
  },
};
