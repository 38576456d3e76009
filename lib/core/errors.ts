/**
 * One way to fail. Every input check in the workbook throws an {@link AslInputError} whose message
 * names the function, the argument, what was expected and what arrived, e.g.
 * `asymmetricLoss: argument 'targets' must have the shape of 'logits' [32, 80], got [32, 81]`.
 */
export class AslInputError extends Error {
  override name = 'AslInputError';
  constructor(
    /** The public function that rejected its input. */
    readonly fn: string,
    /** The argument at fault, when there is one. */
    readonly arg: string | undefined,
    message: string,
  ) {
    super(`${fn}: ${arg === undefined ? '' : `argument '${arg}' `}${message}`);
  }
}

/** Throws an {@link AslInputError}; usable in expression position (`x ?? fail(...)`). */
export function fail(fn: string, arg: string | undefined, message: string): never {
  throw new AslInputError(fn, arg, message);
}

/** Formats a shape the way tfjs prints it: `[32, 80]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
