/**
 * Metric benchmark: `meanAveragePrecision` on a 40,137 × 80 score matrix (the size of MS-COCO
 * val2014 × its 80 classes), and, in the same run on the same data, scikit-learn's per-class
 * `average_precision_score` (a Python loop over the 80 columns, as the official ASL evaluation and
 * most scripts call it) when /usr/bin/python3 with scikit-learn is present.
 *
 * Data: seeded synthetic float32 probabilities σ(z) with COCO-like label frequencies (per-class
 * prevalence 0.5–12 %, ≈ 2.9 labels per image) and positives scoring higher on average.
 *
 * What is timed:
 * - workbook: the whole `meanAveragePrecision(scores, targets)` call on a `{ values: Float32Array,
 *   shape }` input — input checks (finite scores, 0/1 targets), conversion and the 80 AP
 *   computations. Default options (official ties); the `'sklearn'` tie mode is timed too.
 * - scikit-learn: the matrix is written to a temporary binary file and loaded by a Python
 *   subprocess; only the loop `[average_precision_score(y[:, k], s[:, k]) for k in range(80)]` is
 *   timed (not the start-up, imports or loading). The single call
 *   `average_precision_score(y, s, average='macro')` is reported as well.
 * Also reported (informative, workbook only): the full `multiLabelReport` (mAP, CP…OF1 at 0.5 and
 * top-3, per-class table), the `MultiLabelMetricAccumulator` fed in batches of 256, and the ranking
 * metrics, each timed once.
 * Rounds alternate workbook and scikit-learn so a shared machine's load drifts hit both; each
 * side's time is the median over rounds of the per-round median of `repeats` calls.
 *
 * Usage: npm run bench:metrics [-- --rounds 3] [-- --repeats 3] [-- --json]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MultiLabelMetricAccumulator, meanAveragePrecision, multiLabelReport, rankingMetrics, seededRandom } from '../lib/index';

const args = process.argv.slice(2);
const json = args.includes('--json');
const num = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ROUNDS = num('--rounds', 3);
const REPEATS = num('--repeats', 3);
const N = 40137;
const K = 80;
const PYTHON = '/usr/bin/python3';

function makeData(seed: number): { scores: Float32Array; targets: Uint8Array } {
  const rand = seededRandom(seed);
  const prevalence = Float64Array.from({ length: K }, () => 0.005 + 0.115 * rand() ** 2);
  const scores = new Float32Array(N * K);
  const targets = new Uint8Array(N * K);
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < K; c++) {
      const y = rand() < prevalence[c] ? 1 : 0;
      const u = Math.max(rand(), 1e-12);
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      const z = (y ? 1.0 : -4.0) + 1.8 * normal;
      scores[i * K + c] = 1 / (1 + Math.exp(-z));
      targets[i * K + c] = y;
    }
  }
  return { scores, targets };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timeWorkbook(scores: Float32Array, targets: Uint8Array, ties: 'official' | 'sklearn'): { ms: number; value: number } {
  const times: number[] = [];
  let value = NaN;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    value = meanAveragePrecision({ values: scores, shape: [N, K] }, { values: targets, shape: [N, K] }, { ties });
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

const PY_SCRIPT = `
import json, sys, time
import numpy as np
from sklearn.metrics import average_precision_score
import sklearn
n, k, repeats = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, k)
y = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(n, k).astype(np.int64)
loop, macro = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    aps = [average_precision_score(y[:, c], s[:, c]) for c in range(k)]
    loop.append(time.perf_counter() - t0)
for _ in range(repeats):
    t0 = time.perf_counter()
    m = average_precision_score(y, s, average="macro")
    macro.append(time.perf_counter() - t0)
print(json.dumps({"loop_s": loop, "macro_s": macro, "map": 100 * float(np.mean(aps)), "macro_map": 100 * float(m),
                  "version": sklearn.__version__}))
`;

interface PyResult {
  loop_s: number[];
  macro_s: number[];
  map: number;
  macro_map: number;
  version: string;
}

function sklearnAvailable(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
  return r.status === 0;
}

function timeSklearn(files: { scores: string; targets: string }): PyResult {
  const r = spawnSync(PYTHON, ['-c', PY_SCRIPT, files.scores, files.targets, String(N), String(K), String(REPEATS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`scikit-learn run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PyResult;
}

function main(): void {
  const { scores, targets } = makeData(2014);
  const haveSklearn = sklearnAvailable();
  let files: { scores: string; targets: string } | undefined;
  let dir: string | undefined;
  if (haveSklearn) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-metrics-bench-'));
    files = { scores: path.join(dir, 'scores.f32'), targets: path.join(dir, 'targets.u8') };
    fs.writeFileSync(files.scores, Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength));
    fs.writeFileSync(files.targets, Buffer.from(targets.buffer, targets.byteOffset, targets.byteLength));
  }
  // Warm-up (JIT) outside the timing.
  timeWorkbook(scores, targets, 'official');
  const official: number[] = [];
  const sk: number[] = [];
  const skLoop: number[] = [];
  const skMacro: number[] = [];
  let mapOfficial = NaN;
  let mapSklearnMode = NaN;
  let py: PyResult | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const a = timeWorkbook(scores, targets, 'official');
      official.push(a.ms);
      mapOfficial = a.value;
      const b = timeWorkbook(scores, targets, 'sklearn');
      sk.push(b.ms);
      mapSklearnMode = b.value;
      if (files) {
        py = timeSklearn(files);
        skLoop.push(1000 * median(py.loop_s));
        skMacro.push(1000 * median(py.macro_s));
      }
      if (!json) {
        const line = `round ${round + 1}/${ROUNDS}: workbook official ${a.ms.toFixed(1)} ms, workbook sklearn-ties ${b.ms.toFixed(1)} ms`;
        console.error(files ? `${line}, scikit-learn per-class loop ${skLoop[round].toFixed(1)} ms` : line);
      }
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  const once = (f: () => unknown) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  const S = { values: scores, shape: [N, K] };
  const T = { values: targets, shape: [N, K] };
  const others = {
    multiLabelReportTop3Ms: once(() => multiLabelReport(S, T, { topK: 3 })),
    accumulatorBatches256Ms: once(() => {
      const acc = new MultiLabelMetricAccumulator({ topK: 3 });
      for (let i = 0; i < N; i += 256) {
        const e = Math.min(N, i + 256);
        acc.update({ values: scores.subarray(i * K, e * K), shape: [e - i, K] }, { values: targets.subarray(i * K, e * K), shape: [e - i, K] });
      }
      acc.compute();
    }),
    rankingMetricsMs: once(() => rankingMetrics(S, T)),
  };
  const result = {
    shape: [N, K],
    positives: targets.reduce((a, b) => a + b, 0),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    rounds: ROUNDS,
    repeats: REPEATS,
    workbook: {
      officialTiesMs: median(official),
      sklearnTiesMs: median(sk),
      mAPOfficial: mapOfficial,
      mAPSklearnTies: mapSklearnMode,
    },
    sklearn: py
      ? {
          version: py.version,
          perClassLoopMs: median(skLoop),
          macroCallMs: median(skMacro),
          mAP: py.map,
          mAPAgreesWithSklearnTiesMode: Math.abs(py.map - mapSklearnMode) < 1e-9,
        }
      : null,
    ratio: py ? median(official) / median(skLoop) : null,
    ratioSklearnTies: py ? median(sk) / median(skLoop) : null,
    target: 'workbook time ≤ 1/3 of scikit-learn per-class loop (ratio ≤ 0.333)',
    others,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 1));
    return;
  }
  console.log(`\nmeanAveragePrecision on ${N} × ${K} float32 scores (${result.positives} positive labels), ${os.cpus().length} CPUs, load ${result.loadAverage.join(' ')}`);
  console.log(`  workbook, ties 'official' (default): ${result.workbook.officialTiesMs.toFixed(1)} ms   mAP ${mapOfficial.toFixed(6)}`);
  console.log(`  workbook, ties 'sklearn':            ${result.workbook.sklearnTiesMs.toFixed(1)} ms   mAP ${mapSklearnMode.toFixed(6)}`);
  if (result.sklearn) {
    const s = result.sklearn;
    console.log(`  scikit-learn ${s.version} per-class loop:  ${s.perClassLoopMs.toFixed(1)} ms   mAP ${s.mAP.toFixed(6)} (${s.mAPAgreesWithSklearnTiesMode ? 'agrees with' : 'DIFFERS from'} the workbook's sklearn mode)`);
    console.log(`  scikit-learn average='macro' call:   ${s.macroCallMs.toFixed(1)} ms`);
    const ok = result.ratio! <= 1 / 3;
    console.log(`  ratio workbook/scikit-learn: ${result.ratio!.toFixed(3)} (1/${(1 / result.ratio!).toFixed(1)}); target ≤ 0.333: ${ok ? 'met' : 'NOT met'}`);
    console.log(`  ratio with ties 'sklearn':   ${result.ratioSklearnTies!.toFixed(3)}`);
  } else {
    console.log(`  scikit-learn: not available (${PYTHON} with sklearn not found); workbook time only`);
  }
  console.log(`  (informative) multiLabelReport with top-3: ${others.multiLabelReportTop3Ms.toFixed(1)} ms; accumulator, 157 batches of 256 + compute: ${others.accumulatorBatches256Ms.toFixed(1)} ms; rankingMetrics: ${others.rankingMetricsMs.toFixed(1)} ms`);
}

main();
