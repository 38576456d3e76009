/**
 * `asl data`: dataset tools.
 *   asl data stats <format> [path] [--split S] [--json] …   label statistics of any dataset
 *   asl data formats                                         the known formats
 */
import { DATASET_FORMATS, openDatasetByFormat, type OpenDatasetOptions } from '../../data/formats';
import { datasetStatistics } from '../../data/statistics';
import type { CliCommand } from '../command';

const HELP = `asl data: datasets and their label statistics

Usage:
  asl data stats <format> [path] [options]
  asl data formats

Formats and paths:
  multifashion                       built in (Fashion-MNIST composites, 80 classes); --split train|val
  fashion-mnist                      built in (single-label, 10 classes); --split train|val
  debtags                            built in (Debian package tags); --split train|val|test
  coco <instances_*.json>            MS-COCO 2014/2017 annotations (--keep-empty keeps unannotated images)
  voc <VOCdevkit/VOC2007>            Pascal VOC; --split trainval|train|val|test, --difficult ignore|negative|positive
  nus-wide <data.csv>                NUS-WIDE in the ASL CSV form; --split train|val
  open-images <labels.csv> --classes <class-descriptions.csv>
  arff <file.arff> [--xml labels.xml] [--labels n]   MEKA (-C n) or MULAN ARFF

Options:
  --split S          split or image set
  --json             print {"samples", "classes", "labelCardinality", "negPosRatio", "perClass": [{"name", "positives"}]}
  --images DIR       image folder (default from the format's layout)
  --check-images     also check that every image file exists
  --train-size N, --val-size N, --canvas N, --seed N   MultiFashion generation
  --feature-dim N, --min-tag-count N                   Debtags options`;

/** Parses `--key value` / `--flag` arguments after the positionals. */
export function parseDataArgs(args: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const boolean = new Set(['json', 'check-images', 'keep-empty']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (boolean.has(a.slice(2))) flags.set(a.slice(2), true);
      else {
        if (i + 1 >= args.length) throw new Error(`option ${a} needs a value`);
        flags.set(a.slice(2), args[++i]);
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

function num(flags: Map<string, string | true>, key: string): number | undefined {
  const v = flags.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n)) throw new Error(`--${key} must be a number, got ${String(v)}`);
  return n;
}

async function stats(args: string[]): Promise<number> {
  const { positional, flags } = parseDataArgs(args);
  const [format, file] = positional;
  if (!format) {
    console.error(HELP);
    return 2;
  }
  const str = (k: string) => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  const builtin: Record<string, unknown> = {};
  const setNum = (flag: string, key: string) => {
    const v = num(flags, flag);
    if (v !== undefined) builtin[key] = v;
  };
  setNum('train-size', 'trainSize');
  setNum('val-size', 'valSize');
  setNum('canvas', 'canvasSize');
  setNum('seed', 'seed');
  setNum('feature-dim', 'featureDim');
  setNum('min-tag-count', 'minTagCount');
  const options: OpenDatasetOptions = {
    split: str('split'),
    images: str('images'),
    classes: str('classes'),
    xml: str('xml'),
    labelCount: num(flags, 'labels'),
    checkImages: flags.has('check-images'),
    keepEmpty: flags.has('keep-empty'),
    difficult: str('difficult') as OpenDatasetOptions['difficult'],
    builtin,
  };
  const dataset = await openDatasetByFormat(format, file, options);
  const s = await datasetStatistics(dataset);
  if (flags.has('json')) {
    console.log(
      JSON.stringify({
        samples: s.samples,
        classes: s.classes,
        labelCardinality: s.labelCardinality,
        negPosRatio: Number.isFinite(s.negPosRatio) ? s.negPosRatio : null,
        density: s.density,
        unknownLabels: s.unknownLabels,
        perClass: s.perClass.map((c) => ({ name: c.name, positives: c.positives })),
      }),
    );
  } else {
    console.log(s.toString());
  }
  return 0;
}

export const command: CliCommand = {
  name: 'data',
  summary: 'dataset label statistics (MultiFashion, Debtags, COCO, VOC, NUS-WIDE, Open Images, ARFF)',
  help: HELP,
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'stats') return stats(rest);
    if (sub === 'formats') {
      console.log(DATASET_FORMATS.join('\n'));
      return 0;
    }
    console.error(HELP);
    return 2;
  },
};
