/**
 * Serialisable references to datasets, so that sweep workers and the command line can load the
 * same data by description: the embedded datasets by name, or any module's loader function.
 */
import * as path from 'node:path';
import { fail } from '../core/errors';
import type { DatasetRef, DatasetSplits } from './types';

export type { DatasetRef } from './types';

/** Loads the splits a {@link DatasetRef} describes. */
export async function loadDatasetRef(ref: DatasetRef): Promise<DatasetSplits> {
  switch (ref.kind) {
    case 'multifashion': {
      const { loadMultiFashion } = require('./multifashion') as typeof import('./multifashion');
      return loadMultiFashion(ref.options ?? {});
    }
    case 'debtags': {
      const { loadDebtags } = require('./debtags') as typeof import('./debtags');
      return loadDebtags(ref.options ?? {});
    }
    case 'debtags-subset': {
      const { loadDebtagsSubset } = require('./debtags-subset') as typeof import('./debtags-subset');
      return loadDebtagsSubset(ref.options ?? {});
    }
    case 'flat-multifashion': {
      const { loadFlatMultiFashion } = require('./flat-images') as typeof import('./flat-images');
      return loadFlatMultiFashion(ref.options ?? {});
    }
    case 'module': {
      const mod = require(path.resolve(ref.module)) as Record<string, unknown>;
      const f = mod[ref.exportName];
      if (typeof f !== 'function') fail('loadDatasetRef', 'ref.exportName', `'${ref.exportName}' is not a function exported by ${ref.module}`);
      return (await (f as (...a: unknown[]) => DatasetSplits | Promise<DatasetSplits>)(...(ref.args ?? [])));
    }
    default:
      return fail('loadDatasetRef', 'ref', `unknown dataset kind ${JSON.stringify(ref)}`);
  }
}
