export type { Batch, BatchOptions, MultiLabelDataset, DatasetSplits } from './types';
export { InMemoryDataset, batchOrder, checkBatchOptions } from './in-memory';
export type { InMemoryDatasetInit } from './in-memory';
