/** Input errors in the core's style, as the core's AslInputError. */
import { AslInputError } from 'asl-workbook';

export function fail(fn: string, arg: string | undefined, message: string): never {
  throw new AslInputError(fn, arg, message);
}
