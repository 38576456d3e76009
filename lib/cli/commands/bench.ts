/**
 * `asl bench`: training throughput of the benchmark models on this machine's backend.
 */
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'bench',
  summary: 'training throughput of the benchmark models (images/s)',
  usage: 'asl bench [options]',
  options: {
    steps: { type: 'string', kind: 'positive-int', value: 'N', description: 'timed steps per model (default 10)' },
    warmup: { type: 'string', kind: 'count', value: 'N', description: 'untimed warm-up steps (default 3)' },
    fixes: { type: 'boolean', description: 'on wasm, also the before/after of every wasm fix' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  details:
    'One step = forward + loss + backward + Adam. Prints images per second; on wasm also the best matMul\nGFLOP/s and the fraction the MLP reaches. (The side-by-side PyTorch comparison is `npm run bench:train`\nin the repository.)',
  async run(p) {
    const { initBackend } = await import('../../backend/select');
    const { measureTrainingThroughput, matMulEfficiency, wasmFixSpeedups, BENCHMARK_MODELS } = await import('../../train/benchmark');
    const choice = await initBackend();
    const json = p.flag('json');
    const steps = p.number('steps') ?? 10;
    const warmup = p.number('warmup') ?? 3;
    const log = (s: string) => (json ? undefined : console.log(s));
    log(`backend ${choice.backend}: ${choice.reason}`);
    const result: Record<string, unknown> = { backend: choice.backend };
    for (const model of BENCHMARK_MODELS) {
      const t = measureTrainingThroughput(model, steps, warmup);
      result[model] = t;
      log(`${model}: ${t.imagesPerSecond.toFixed(1)} images/s (${t.msPerStep.toFixed(1)} ms/step)`);
    }
    if (choice.backend === 'wasm') {
      const m = matMulEfficiency();
      result.matMul = m;
      log(`matMul: best ${m.bestMatMulGflops.toFixed(1)} GFLOP/s; mlp forward ${(100 * m.mlpForwardFraction).toFixed(0)}% (${(100 * m.mlpForwardFreshWeightsFraction).toFixed(0)}% with freshly updated weights), backward ${(100 * m.mlpBackwardFraction).toFixed(0)}% of it`);
      if (p.flag('fixes')) result.fixSpeedups = wasmFixSpeedups(log);
    }
    if (json) console.log(JSON.stringify(result));
    return 0;
  },
};
