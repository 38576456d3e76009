/**
 * PyTorch under the book's own comparison protocol, as a reference for the from-scratch comparison of
 * chapter 4: the same MultiFashion images (bench/export-multifashion.ts), the same network (bn-cnn), the
 * same recipe, the same learning-rate search rule (a grid extended ×2 or ÷2 while the best rate sits
 * at an edge; PyTorch's grid started one step lower, at 5e-4, which was no loss's best rate, so the
 * search ends at the same rates as the book's 1e-3, 2e-3, 4e-3 would) and the same seeds, run by `bench/pytorch_multifashion_lr.py` with Debian's
 * python3-torch and shipped in `data/reference/` (PyTorch is never a dependency of the workbook). The
 * tables compare the workbook's per-seed mAPs with PyTorch's by the book's verdict rule (unpaired: the
 * two frameworks draw different initial weights and batch orders from the same seed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from 'asl-workbook';
import { z } from 'zod';
import { fail } from '../errors';
import { perSeed, type ComparisonResult } from '../experiments/comparison';
import { compare, type Comparison } from '../verdict';
import { formatDifference, formatMeanSd, meanSd } from './comparison-tables';

const armSchema = z
  .object({
    /** Validation mAP (%) of each rate tried with the first seed, by rate. */
    tried: z.record(z.number()),
    chosen: z.number().positive(),
    interior: z.boolean(),
    /** Best-epoch validation mAP (%) per seed at the chosen rate, in seed order. */
    mAP: z.array(z.number()).min(1),
  })
  .strict();

const atRateSchema = z
  .object({
    /** The command that regenerates the entry (bench/pytorch_multifashion_lr.py --extend). */
    command: z.string(),
    date: z.string(),
    /** The one rate every seed trained at. */
    lr: z.number().positive(),
    seeds: z.array(z.number().int()).min(1),
    /** Best-epoch validation mAP (%) per seed, in seed order. */
    mAP: z.array(z.number()).min(1),
    /**
     * The CPU the runs ran on, where recorded: PyTorch's kernels differ by instruction set, so the same
     * seed gives slightly different numbers on another host (≈ 0.02 mAP points).
     */
    host: z.string().optional(),
  })
  .strict();

const referenceSchema = z
  .object({
    /** The command that regenerates the file. */
    command: z.string(),
    torch: z.string(),
    date: z.string(),
    /** Data, model and recipe in words. */
    setting: z.string(),
    seeds: z.array(z.number().int()),
    /** By the book's arm label (CE, focal (γ=2), ASL (γ−=4, m=0.05)). */
    arms: z.record(armSchema),
    /**
     * Optional, by arm label: one loss at one rate over more seeds than the search uses, to compare with
     * the workbook at the rate the workbook chose.
     */
    atRate: z.record(atRateSchema).optional(),
  })
  .strict();

export type PytorchReference = z.infer<typeof referenceSchema>;

/** The shipped reference of the from-scratch comparison. */
export function pytorchReferenceFile(): string {
  return path.join(dataDir(), 'reference', 'pytorch-multifashion-scratch.json');
}

/** Reads and checks a reference file (errors name the file and the key). */
export function pytorchReference(file: string = pytorchReferenceFile()): PytorchReference {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail('pytorchReference', 'file', `${file}: ${(e as Error).message}`);
  }
  const parsed = referenceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail('pytorchReference', 'file', `${file}: '${issue.path.join('.')}' ${issue.message}`);
  }
  for (const [arm, a] of Object.entries(parsed.data.arms)) {
    if (a.mAP.length !== parsed.data.seeds.length) fail('pytorchReference', 'file', `${file}: 'arms.${arm}.mAP' has ${a.mAP.length} values for ${parsed.data.seeds.length} seeds`);
  }
  for (const [arm, a] of Object.entries(parsed.data.atRate ?? {})) {
    if (a.mAP.length !== a.seeds.length) fail('pytorchReference', 'file', `${file}: 'atRate.${arm}.mAP' has ${a.mAP.length} values for ${a.seeds.length} seeds`);
  }
  return parsed.data;
}

function referenceArm(ref: PytorchReference, arm: string): PytorchReference['arms'][string] {
  const a = ref.arms[arm];
  if (!a) fail('pytorch reference', 'arm', `"${arm}" has no PyTorch reference (arms: ${Object.keys(ref.arms).join(', ')})`);
  return a;
}

/** How two frameworks' numbers compare, in words, from the verdict rule's status of "workbook > PyTorch". */
function reading(c: Comparison): string {
  if (c.status === 'holds') return 'workbook higher';
  if (c.status === 'contradicts') return 'PyTorch higher';
  if (c.status === 'within noise') return 'same within noise';
  return `not testable (${c.reason})`;
}

/** Per loss: the chosen rates, mean ± sd mAP of both, and workbook − PyTorch ± its (Welch) standard error. */
export function referenceRows(result: ComparisonResult, ref: PytorchReference, arms: readonly string[] = Object.keys(ref.arms)): Array<Record<string, string>> {
  return arms.map((arm) => {
    const pt = referenceArm(ref, arm);
    const wb = perSeed(result, arm);
    const c = compare(`${arm}: workbook > PyTorch`, wb, pt.mAP, { paired: false });
    return {
      loss: arm,
      'rate (workbook)': String(result.chosenLr[arm]),
      'rate (PyTorch)': String(pt.chosen),
      'mAP workbook': formatMeanSd(meanSd(wb)),
      'mAP PyTorch': formatMeanSd(meanSd(pt.mAP)),
      'workbook − PyTorch': formatDifference(c, false),
      reading: reading(c),
    };
  });
}

/**
 * The gains between losses in each framework (paired by seed within a framework), e.g. ASL − CE, with
 * the verdict rule's status: whether both frameworks tell the same story.
 */
export function referenceGapRows(result: ComparisonResult, ref: PytorchReference, pairs: ReadonlyArray<readonly [better: string, worse: string]>): Array<Record<string, string>> {
  return pairs.map(([better, worse]) => {
    const wb = compare(`${better} > ${worse}`, perSeed(result, better), perSeed(result, worse));
    const pt = compare(`${better} > ${worse}`, referenceArm(ref, better).mAP, referenceArm(ref, worse).mAP);
    return {
      gain: `${better} − ${worse}`,
      workbook: formatDifference(wb),
      PyTorch: formatDifference(pt),
    };
  });
}

/**
 * The gains between losses within PyTorch over its `atRate` runs (more seeds than the search), paired
 * by the seeds both arms trained: per pair, the two rates, the seeds, and better − worse ± its standard
 * error with the verdict rule's status. A pair with an arm that has no such runs, or no seed in common,
 * reads "not testable here" with the reason.
 */
export function referenceAtRateGapRows(ref: PytorchReference, pairs: ReadonlyArray<readonly [better: string, worse: string]>): Array<Record<string, string>> {
  const runs = ref.atRate ?? {};
  return pairs.map(([better, worse]) => {
    const b = runs[better];
    const w = runs[worse];
    const row = (rates: string, seeds: string, gain: string) => ({ gain: `${better} − ${worse}`, rates, seeds, PyTorch: gain });
    const missing = [better, worse].filter((arm) => !runs[arm]);
    if (!b || !w) return row('—', '—', `not testable here (no runs at one rate for ${missing.join(' and ')})`);
    const common = b.seeds.filter((seed) => w.seeds.includes(seed));
    if (common.length === 0) return row(`${b.lr} / ${w.lr}`, '—', 'not testable here (no seed in common)');
    const at = (a: typeof b) => common.map((seed) => a.mAP[a.seeds.indexOf(seed)]);
    const c = compare(`PyTorch: ${better} > ${worse}`, at(b), at(w));
    return row(`${b.lr} / ${w.lr}`, String(common.length), formatDifference(c));
  });
}

/**
 * The workbook beside PyTorch trained at the same rate over more seeds (the reference's `atRate`
 * runs): per arm, the workbook's chosen rate, both mean ± sd with their seed counts, workbook − PyTorch
 * ± its Welch standard error, and what it means. An arm whose workbook rate differs from the runs'
 * rate reads "not testable here" with both rates (e.g. a quick profile's run).
 */
export function referenceAtRateRows(result: ComparisonResult, ref: PytorchReference): Array<Record<string, string>> {
  const withSeeds = (values: readonly number[]) => `${formatMeanSd(meanSd(values))} (${values.length} seeds)`;
  return Object.entries(ref.atRate ?? {}).map(([arm, pt]) => {
    const row = (workbook: string, difference: string, what: string) => ({ loss: arm, rate: String(pt.lr), 'mAP workbook': workbook, 'mAP PyTorch': withSeeds(pt.mAP), 'workbook − PyTorch': difference, reading: what });
    if (!result.plan.arms.some((a) => a.label === arm)) return row('—', '—', `not testable here (the comparison has no arm "${arm}")`);
    const wb = perSeed(result, arm);
    const rate = result.chosenLr[arm];
    if (rate !== pt.lr) return row(withSeeds(wb), '—', `not testable here (the workbook chose ${rate}, these PyTorch runs trained at ${pt.lr})`);
    const c = compare(`${arm} at ${pt.lr}: workbook > PyTorch`, wb, pt.mAP, { paired: false });
    return row(withSeeds(wb), formatDifference(c, false), reading(c));
  });
}
