export { AslInputError, fail, formatShape } from './errors';
export {
  toTensor,
  assertRank,
  assertSameShape,
  assertNonEmpty,
  assertFinite,
  assertBinary,
  assertOneOf,
  assertInRange,
  describe,
} from './validate';
export type { Matrix, Range } from './validate';
export { seededRandom, mixSeeds, permutation } from './random';
export { checkOptionKeys, closestMatch, editDistance, suggestion } from './options';
