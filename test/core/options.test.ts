import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AslInputError } from '../../lib/core/errors';
import { checkOptionKeys, closestMatch, editDistance, suggestion } from '../../lib/core/options';

describe('strict options', () => {
  test('editDistance counts insertions, deletions, substitutions and adjacent transpositions', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('gamaNeg', 'gammaNeg'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('spilt', 'split'), 1);
    assert.equal(editDistance('abc', ''), 3);
  });
  test('closestMatch suggests a plausible typo only', () => {
    assert.equal(closestMatch('gamaNeg', ['gammaNeg', 'gammaPos', 'clip']), 'gammaNeg');
    assert.equal(closestMatch('EPOCH', ['epochs', 'seed']), 'epochs');
    assert.equal(closestMatch('frobnicate', ['epochs', 'seed']), undefined);
  });
  test('checkOptionKeys names the key, the closest valid key and the known keys', () => {
    assert.throws(
      () => checkOptionKeys({ gamaNeg: 0 }, ['gammaNeg', 'gammaPos'], 'asymmetricLoss'),
      (e: unknown) =>
        e instanceof AslInputError && /asymmetricLoss: unknown option 'gamaNeg' \(did you mean 'gammaNeg'\? known: gammaNeg, gammaPos\)/.test(e.message),
    );
    assert.throws(() => checkOptionKeys({ lr: undefined }, ['epochs'], 'f'), /unknown option 'lr'/);
    assert.throws(() => checkOptionKeys({ decy: 1 }, ['decay'], 'f', 'ema.'), /unknown option 'ema\.decy' \(did you mean 'decay'/);
    assert.throws(() => checkOptionKeys([1] as unknown as object, ['a'], 'f'), /must be an object, got an array/);
    checkOptionKeys({ gammaNeg: 1 }, ['gammaNeg'], 'f');
    checkOptionKeys(undefined, ['gammaNeg'], 'f');
    assert.equal(suggestion('x', []), '(there are none)');
  });
});
