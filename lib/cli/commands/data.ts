/**
 * `asl data`: dataset tools.
 *   asl data stats <format> [path] [options]   label statistics of any dataset
 *   asl data formats                           the known formats
 */
import { DATASET_FORMATS, openDatasetByFormat, type OpenDatasetOptions } from '../../data/formats';
import { datasetStatistics } from '../../data/statistics';
import { closestMatch } from '../../core/options';
import { UsageError } from '../args';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'data',
  summary: 'dataset label statistics (MultiFashion, Debtags, COCO, VOC, NUS-WIDE, Open Images, ARFF)',
  usage: 'asl data stats <format> [path] [options]\n       asl data formats',
  positionals: 3,
  options: {
    split: { type: 'string', value: 'S', description: 'split or image set (train|val|test, VOC: trainval|train|val|test)' },
    json: { type: 'boolean', description: 'print {"samples", "classes", "labelCardinality", "negPosRatio", "perClass": [{"name", "positives"}]}' },
    images: { type: 'string', kind: 'path', value: 'DIR', description: "image folder (default from the format's layout)" },
    'check-images': { type: 'boolean', description: 'also check that every image file exists' },
    'keep-empty': { type: 'boolean', description: 'COCO: keep images without annotations' },
    classes: { type: 'string', kind: 'path', value: 'FILE', description: 'Open Images: the class-descriptions CSV' },
    xml: { type: 'string', kind: 'path', value: 'FILE', description: 'ARFF: the MULAN labels XML' },
    labels: { type: 'string', kind: 'positive-int', value: 'N', description: 'ARFF: the number of labels (MEKA -C n)' },
    difficult: { type: 'string', choices: ['ignore', 'negative', 'positive'], description: 'VOC: how difficult objects count' },
    'train-size': { type: 'string', kind: 'positive-int', value: 'N', description: 'MultiFashion: training images' },
    'val-size': { type: 'string', kind: 'positive-int', value: 'N', description: 'MultiFashion: validation images' },
    canvas: { type: 'string', kind: 'positive-int', value: 'N', description: 'MultiFashion: image size' },
    seed: { type: 'string', kind: 'count', value: 'N', description: 'MultiFashion: generation seed' },
    'feature-dim': { type: 'string', kind: 'positive-int', value: 'N', description: 'Debtags: hashed features' },
    'min-tag-count': { type: 'string', kind: 'positive-int', value: 'N', description: 'Debtags: keep tags with at least N packages' },
  },
  details: [
    'Formats and paths:',
    '  multifashion                       built in (Fashion-MNIST composites, 80 classes); --split train|val',
    '  fashion-mnist                      built in (single-label, 10 classes); --split train|val',
    '  debtags                            built in (Debian package tags); --split train|val|test',
    '  coco <instances_*.json>            MS-COCO 2014/2017 annotations',
    '  voc <VOCdevkit/VOC2007>            Pascal VOC',
    '  nus-wide <data.csv>                NUS-WIDE in the ASL CSV form',
    '  open-images <labels.csv> --classes <class-descriptions.csv>',
    '  arff <file.arff> [--xml labels.xml] [--labels n]   MEKA (-C n) or MULAN ARFF',
  ].join('\n'),
  async run(p) {
    const [sub, format, file, ...extra] = p.positionals;
    if (sub === 'formats') {
      if (format !== undefined) throw new UsageError(`'asl data formats' takes no arguments, got '${format}'`);
      console.log(DATASET_FORMATS.join('\n'));
      return 0;
    }
    if (sub !== 'stats') {
      const close = sub ? closestMatch(sub, ['stats', 'formats']) : undefined;
      throw new UsageError(sub ? `unknown data command '${sub}'${close ? ` (did you mean '${close}'?)` : ''}; use stats or formats` : 'give a data command: stats or formats');
    }
    if (!format) throw new UsageError('give a format: asl data stats <format> [path]; formats: ' + DATASET_FORMATS.join(', '));
    if (!(DATASET_FORMATS as readonly string[]).includes(format)) {
      const close = closestMatch(format, DATASET_FORMATS);
      throw new UsageError(`unknown format '${format}'${close ? ` (did you mean '${close}'?)` : ''}; formats: ${DATASET_FORMATS.join(', ')}`);
    }
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const builtin: Record<string, unknown> = {};
    const setNum = (flag: string, key: string) => {
      const v = p.number(flag);
      if (v !== undefined) builtin[key] = v;
    };
    setNum('train-size', 'trainSize');
    setNum('val-size', 'valSize');
    setNum('canvas', 'canvasSize');
    setNum('seed', 'seed');
    setNum('feature-dim', 'featureDim');
    setNum('min-tag-count', 'minTagCount');
    const options: OpenDatasetOptions = {
      split: p.string('split'),
      images: p.string('images'),
      classes: p.string('classes'),
      xml: p.string('xml'),
      labelCount: p.number('labels'),
      checkImages: p.flag('check-images'),
      keepEmpty: p.flag('keep-empty'),
      difficult: p.string('difficult') as OpenDatasetOptions['difficult'],
      builtin,
    };
    const dataset = await openDatasetByFormat(format, file, options);
    const s = await datasetStatistics(dataset);
    if (p.flag('json')) {
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
  },
};
