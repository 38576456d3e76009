/**
 * Datasets and loaders. Everything implements {@link MultiLabelDataset} (lib/data/types.ts):
 * built-in data that runs without a download — MultiFashion (`loadMultiFashion`, 80 colour×type
 * classes from Fashion-MNIST), plain Fashion-MNIST (`loadFashionMnist`) and Debtags
 * (`loadDebtags`, Debian package tags) — and loaders for real benchmarks on disk: MS-COCO
 * (`loadCoco`), Pascal VOC (`loadVoc`), NUS-WIDE (`loadNusWide`), Open Images (`loadOpenImages`),
 * MEKA/MULAN ARFF (`loadArff`). `datasetStatistics` describes any of them.
 */
export type { Batch, BatchOptions, MultiLabelDataset, DatasetSplits } from './types';
export { InMemoryDataset } from './in-memory';
export type { InMemoryDatasetInit } from './in-memory';
export { StreamingDataset, ByteImageDataset } from './streaming';
export type { StreamingDatasetInit, ByteImageDatasetInit, SampleAugment } from './streaming';
export { workbookRoot, dataDir, cacheDir } from './paths';
export { stableStringify } from './cache';
export { parseIdx, readIdxFile } from './idx';
export type { IdxArray } from './idx';
export { cutout, randAugmentLite, RAND_AUGMENT_OPS } from './augment';
export type { RandAugmentOptions } from './augment';
export {
  FASHION_MNIST_CLASSES,
  hasSystemFashionMnist,
  loadFashionMnist,
} from './fashion-mnist';
export type { FashionMnistSourceKind, FashionMnistOptions } from './fashion-mnist';
export {
  MULTIFASHION_PALETTE,
  MULTIFASHION_CLASSES,
  multiFashionClassRanking,
  multiFashionClassProbabilities,
  hidePositiveLabels,
  loadMultiFashion,
} from './multifashion';
export type { MultiFashionOptions, MultiFashionInfo, MultiFashionSplits } from './multifashion';
export { hashTokenRows, SparseFeatureDataset } from './sparse';
export type { SparseRows, HashingOptions, SparseFeatureDatasetInit } from './sparse';
export {
  loadDebtags,
} from './debtags';
export type { DebtagsPackage, DebtagsOptions, DebtagsSplits } from './debtags';
export { parseCsv } from './csv';
export type { CsvRecord } from './csv';
export { parseJsonText } from './json-file';
export { ImageFileDataset, decodeImageFile, imageAugmentation } from './image-files';
export type { ImageRecord, ImageAugmentation, ImageLoaderOptions, ImageFileDatasetInit } from './image-files';
export { parseCocoInstances, cocoDefaultImageDir, loadCoco, loadCocoSplits } from './coco';
export type { CocoLabels, CocoOptions, CocoSplitsOptions } from './coco';
export { VOC_CLASSES, parseVocClassFile, parseVocAnnotation, readVocLabels, vocTargets, loadVoc, loadVocSplits } from './voc';
export type { VocLabels, VocOptions } from './voc';
export { parseNusWideCsv, loadNusWide } from './nus-wide';
export type { NusWideRow, NusWideOptions } from './nus-wide';
export { parseOpenImagesClasses, parseOpenImagesLabels, loadOpenImages } from './open-images';
export type { OpenImagesLabels, OpenImagesOptions } from './open-images';
export { parseArff, mekaLabelCount, parseMulanLabelsXml, arffLabelIndices, arffToArrays, loadArff } from './arff';
export type { ArffData, ArffOptions } from './arff';
export { DatasetStatistics, computeLabelStatistics, datasetStatistics } from './statistics';
export type { ClassPositiveCount, LabelStatisticsOptions } from './statistics';
export { DATASET_FORMATS, openDatasetByFormat } from './formats';
export type { DatasetFormat, OpenDatasetOptions } from './formats';
export { readJsonFile, lineColumnOf } from './json-file';
export { readFileBytes, readTextFile } from './files';
export { parseXmlDocument, childElements, elementText } from './xml';
export type { XmlElement, XmlNode } from './xml';
export type { CsvHeaderMode } from './nus-wide';
export { loadDatasetRef } from './dataset-ref';
export type { DatasetRef } from './dataset-ref';
export { FlattenedDataset, flattenImageDataset, flattenSplits, loadFlatMultiFashion, flatMultiFashionRef } from './flat-images';
export type { FlatMultiFashionSplits, FlattenedTensor } from './flat-images';
export { loadDebtagsSubset, debtagsSubsetRef } from './debtags-subset';
export type { DebtagsSubsetOptions } from './debtags-subset';
