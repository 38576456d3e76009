/**
 * Metric benchmark: `meanAveragePrecision` on a 40,137 × 80 score matrix (the size of MS-COCO
 * val2014 × its 80 classes), and, in the same run on the same data, scikit-learn's per-class
 * `average_precision_score` (a Python loop over the 80 columns, as most evaluation scripts call it)
 * when /usr/bin/python3 with scikit-learn is present.
 *
 * Data: seeded synthetic float32 probabilities σ(z) with COCO-like label frequencies (per-class
 * prevalence 0.5–12 %, ≈ 4 % of cells positive) and positives scoring higher on average. A second
 * matrix holds the same scores rounded to float16 precision (as under mixed-precision inference),
 * which creates ties: there the 'official' and 'sklearn' tie conventions give different mAPs.
 *
 * What is timed:
 * - workbook: the whole `meanAveragePrecision(scores, targets)` call on a `{ values: Float32Array,
 *   shape }` input — input checks (finite scores, 0/1 targets), conversion and the 80 AP
 *   computations — with `ties: 'official'` (the default) and `ties: 'sklearn'`.
 * - scikit-learn: the matrices are written to temporary binary files and loaded by a Python
 *   subprocess; only the loop `[average_precision_score(y[:, k], s[:, k]) for k in range(80)]` is
 *   timed (not start-up, imports or loading). The single call `average_precision_score(y, s,
 *   average='macro')` is timed as well.
 * - exactness check (not timed): the same subprocess evaluates the official ASL AP rule in numpy
 *   (stable argsort reversed, Σ prec@pos / (P + 1e-8)); the workbook's 'official' mAP must equal it,
 *   and its 'sklearn' mAP must equal scikit-learn's.
 * - informative, workbook only, timed once: `multiLabelReport` (mAP, CP…OF1 at 0.5 and top-3,
 *   per-class table), `MultiLabelMetricAccumulator` fed in batches of 256, `rankingMetrics`.
 * Rounds alternate workbook and scikit-learn so a shared machine's load drifts hit both; each
 * reported time is the median over rounds of the per-round median of `repeats` calls. The ratio is
 * workbook ('official') ÷ scikit-learn per-class loop on the float32 matrix; the target is ≤ 1/3.
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

/** Rounds a probability in [0, 1] to the nearest IEEE float16 value (11 significant bits). */
function toFloat16Precision(x: number): number {
  if (x === 0) return 0;
  const e = Math.max(Math.floor(Math.log2(x)), -14); // below 2^-14: float16 subnormals, step 2^-24
  const step = 2 ** (e - 10);
  return Math.round(x / step) * step;
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
n, k, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
y = np.fromfile(sys.argv[4], dtype=np.uint8).reshape(n, k).astype(np.int64)

def official_ap(s, t):
    order = np.argsort(s, kind="stable")[::-1]
    hits = t[order] == 1
    pos = np.cumsum(hits)
    return float(np.sum(np.where(hits, pos / np.arange(1, len(s) + 1), 0.0)) / (hits.sum() + 1e-8))

out = []
for path in sys.argv[5:]:
    s = np.fromfile(path, dtype=np.float32).reshape(n, k)
    loop, macro = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        aps = [average_precision_score(y[:, c], s[:, c]) for c in range(k)]
        loop.append(time.perf_counter() - t0)
    for _ in range(repeats):
        t0 = time.perf_counter()
        m = average_precision_score(y, s, average="macro")
        macro.append(time.perf_counter() - t0)
    official = 100 * float(np.mean([official_ap(s[:, c], y[:, c]) for c in range(k)]))
    out.append({"loop_s": loop, "macro_s": macro, "map": 100 * float(np.mean(aps)), "macro_map": 100 * float(m),
                "official_map": official})
print(json.dumps({"version": sklearn.__version__, "numpy": np.__version__, "results": out}))
`;

interface PyMatrixResult {
  loop_s: number[];
  macro_s: number[];
  map: number;
  macro_map: number;
  official_map: number;
}

interface PyResult {
  version: string;
  numpy: string;
  results: PyMatrixResult[];
}

function sklearnAvailable(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
}

function runSklearn(targetsFile: string, scoreFiles: string[]): PyResult {
  const r = spawnSync(PYTHON, ['-c', PY_SCRIPT, String(N), String(K), String(REPEATS), targetsFile, ...scoreFiles], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`scikit-learn run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PyResult;
}

interface MatrixSummary {
  name: string;
  workbookOfficialMs: number;
  workbookSklearnTiesMs: number;
  mAPOfficial: number;
  mAPSklearnTies: number;
  sklearn: null | {
    perClassLoopMs: number;
    macroCallMs: number;
    mAP: number;
    officialRuleNumpyMAP: number;
    sklearnModeAgrees: boolean;
    officialModeAgrees: boolean;
  };
  ratio: number | null;
  ratioSklearnTies: number | null;
}

function main(): void {
  const { scores, targets } = makeData(2014);
  const fp16 = Float32Array.from(scores, toFloat16Precision);
  const matrices = [
    { name: 'float32 probabilities', scores },
    { name: 'float16-rounded (ties)', scores: fp16 },
  ];
  const haveSklearn = sklearnAvailable();
  let dir: string | undefined;
  let targetsFile = '';
  const scoreFiles: string[] = [];
  if (haveSklearn) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-metrics-bench-'));
    targetsFile = path.join(dir, 'targets.u8');
    fs.writeFileSync(targetsFile, Buffer.from(targets.buffer, targets.byteOffset, targets.byteLength));
    matrices.forEach((m, i) => {
      const f = path.join(dir!, `scores-${i}.f32`);
      fs.writeFileSync(f, Buffer.from(m.scores.buffer, m.scores.byteOffset, m.scores.byteLength));
      scoreFiles.push(f);
    });
  }
  timeWorkbook(scores, targets, 'official'); // JIT warm-up, not timed
  const wbOfficial = matrices.map(() => [] as number[]);
  const wbSklearn = matrices.map(() => [] as number[]);
  const skLoop = matrices.map(() => [] as number[]);
  const skMacro = matrices.map(() => [] as number[]);
  const values = matrices.map(() => ({ official: NaN, sklearn: NaN }));
  let py: PyResult | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      matrices.forEach((m, i) => {
        const a = timeWorkbook(m.scores, targets, 'official');
        const b = timeWorkbook(m.scores, targets, 'sklearn');
        wbOfficial[i].push(a.ms);
        wbSklearn[i].push(b.ms);
        values[i] = { official: a.value, sklearn: b.value };
      });
      if (haveSklearn) {
        py = runSklearn(targetsFile, scoreFiles);
        py.results.forEach((r, i) => {
          skLoop[i].push(1000 * median(r.loop_s));
          skMacro[i].push(1000 * median(r.macro_s));
        });
      }
      if (!json) {
        const parts = matrices.map(
          (m, i) =>
            `${m.name}: workbook ${wbOfficial[i][round].toFixed(1)} ms` +
            (haveSklearn ? `, scikit-learn loop ${skLoop[i][round].toFixed(1)} ms` : ''),
        );
        console.error(`round ${round + 1}/${ROUNDS}: ${parts.join('; ')}`);
      }
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  const summaries: MatrixSummary[] = matrices.map((m, i) => {
    const r = py?.results[i];
    return {
      name: m.name,
      workbookOfficialMs: median(wbOfficial[i]),
      workbookSklearnTiesMs: median(wbSklearn[i]),
      mAPOfficial: values[i].official,
      mAPSklearnTies: values[i].sklearn,
      sklearn: r
        ? {
            perClassLoopMs: median(skLoop[i]),
            macroCallMs: median(skMacro[i]),
            mAP: r.map,
            officialRuleNumpyMAP: r.official_map,
            sklearnModeAgrees: Math.abs(r.map - values[i].sklearn) < 1e-9,
            officialModeAgrees: Math.abs(r.official_map - values[i].official) < 1e-9,
          }
        : null,
      ratio: r ? median(wbOfficial[i]) / median(skLoop[i]) : null,
      ratioSklearnTies: r ? median(wbSklearn[i]) / median(skLoop[i]) : null,
    };
  });
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
  const main = summaries[0];
  const result = {
    shape: [N, K],
    positives: targets.reduce((a, b) => a + b, 0),
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    rounds: ROUNDS,
    repeats: REPEATS,
    sklearnVersion: py?.version ?? null,
    matrices: summaries,
    ratio: main.ratio,
    target: 'workbook meanAveragePrecision time ≤ 1/3 of the scikit-learn per-class loop (ratio ≤ 0.333), float32 matrix',
    targetMet: main.ratio === null ? null : main.ratio <= 1 / 3,
    others,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 1));
    return;
  }
  console.log(
    `\nmeanAveragePrecision on ${N} × ${K} scores (${result.positives} positive labels); ${result.cpus} CPUs (${result.cpu}), ` +
      `load ${result.loadAverage.join(' ')}; ${py ? `scikit-learn ${py.version}, numpy ${py.numpy}` : 'no scikit-learn'}`,
  );
  for (const s of summaries) {
    console.log(`\n  ${s.name}`);
    console.log(`    workbook ties 'official' (default): ${s.workbookOfficialMs.toFixed(1).padStart(8)} ms   mAP ${s.mAPOfficial.toFixed(6)}`);
    console.log(`    workbook ties 'sklearn':            ${s.workbookSklearnTiesMs.toFixed(1).padStart(8)} ms   mAP ${s.mAPSklearnTies.toFixed(6)}`);
    if (s.sklearn) {
      console.log(`    scikit-learn per-class loop:        ${s.sklearn.perClassLoopMs.toFixed(1).padStart(8)} ms   mAP ${s.sklearn.mAP.toFixed(6)} (${s.sklearn.sklearnModeAgrees ? 'equals' : 'DIFFERS from'} the workbook's 'sklearn' mode)`);
      console.log(`    scikit-learn average='macro' call:  ${s.sklearn.macroCallMs.toFixed(1).padStart(8)} ms`);
      console.log(`    official rule in numpy (untimed):                mAP ${s.sklearn.officialRuleNumpyMAP.toFixed(6)} (${s.sklearn.officialModeAgrees ? 'equals' : 'DIFFERS from'} the workbook's 'official' mode)`);
      console.log(`    ratio workbook/scikit-learn: ${s.ratio!.toFixed(3)} (${'official'}), ${s.ratioSklearnTies!.toFixed(3)} ('sklearn' ties)`);
    }
  }
  if (main.ratio !== null) {
    console.log(`\n  target (float32 matrix, 'official'): ratio ${main.ratio.toFixed(3)} ≤ 0.333: ${result.targetMet ? 'met' : 'NOT met'}`);
  } else {
    console.log(`\n  scikit-learn: not available (${PYTHON} with sklearn not found); workbook times only`);
  }
  console.log(
    `  informative: multiLabelReport with top-3 ${others.multiLabelReportTop3Ms.toFixed(1)} ms; accumulator (157 batches of 256 + compute) ` +
      `${others.accumulatorBatches256Ms.toFixed(1)} ms; rankingMetrics ${others.rankingMetricsMs.toFixed(1)} ms`,
  );
}

main();
