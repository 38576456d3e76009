/** Input errors in the core's style (`fn: argument 'x' must …`), as the core's AslInputError. */
import { AslInputError } from 'asl-workbook';

/** Throws an AslInputError naming the function and the argument. */
export function fail(fn: string, arg: string | undefined, message: string): never {
  throw new AslInputError(fn, arg, message);
}
