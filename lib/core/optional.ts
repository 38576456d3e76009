/**
 * Optional packages, loaded on first use: features that need a heavy or native package (sharp for
 * image decoding, webgpu, danfojs-node and arquero for table conversions) load it lazily and, when
 * it is not installed, fail with an error that names the package and the command that installs it.
 */
import { AslInputError } from './errors';

/** Thrown when an optional package a feature needs is not installed. */
export class MissingOptionalPackageError extends AslInputError {
  override name = 'MissingOptionalPackageError';
  constructor(
    fn: string,
    readonly packageName: string,
    cause: string,
  ) {
    super(fn, undefined, `needs the optional package '${packageName}', which is not installed (${cause}); install it with: npm install ${packageName}`);
  }
}

/** `require(packageName)`, or a {@link MissingOptionalPackageError} naming `fn` when it is missing. */
export function requireOptional<T>(packageName: string, fn: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(packageName) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(`'${packageName}'`)) {
      throw new MissingOptionalPackageError(fn, packageName, 'Cannot find module');
    }
    throw e;
  }
}
