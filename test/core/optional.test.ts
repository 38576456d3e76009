import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MissingOptionalPackageError, requireOptional } from '../../lib/core/optional';

describe('optional packages', () => {
  test('a missing optional package is an error that names it and how to install it', () => {
    assert.throws(
      () => requireOptional('asl-no-such-package-xyz', 'decodeImageFile'),
      (e: unknown) =>
        e instanceof MissingOptionalPackageError &&
        e.packageName === 'asl-no-such-package-xyz' &&
        /decodeImageFile: needs the optional package 'asl-no-such-package-xyz'.*npm install asl-no-such-package-xyz/.test((e as Error).message),
    );
  });
  test('an installed one loads', () => {
    assert.equal(typeof requireOptional<typeof import('node:path')>('node:path', 'x').join, 'function');
  });
});
