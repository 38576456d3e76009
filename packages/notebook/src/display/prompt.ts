/**
 * `prompt`: asks the notebook's user for a line of text (Jupyter's stdin channel: the frontend shows
 * an input box under the cell, the answer comes back as the promise's value).
 *
 * @example
 * const name = await prompt('Your name? ');
 * const token = await prompt('Token: ', { password: true });
 * const epochs = Number(await prompt('Epochs? ', { default: '3' }));   // '3' where input is impossible
 */
import { fail } from '../errors';
import { checkOptions } from '../options';
import { kernelHooks } from './kernel-hooks';

/** Options of {@link prompt}. */
export interface PromptOptions {
  /** Hide what is typed (a password field). */
  password?: boolean;
  /**
   * The answer where nobody can be asked: outside the workbook kernel, or when the frontend does not
   * allow input (a notebook executed headless, a widget callback). Without it, those cases throw.
   */
  default?: string;
}

/** Asks the user for a line of text; resolves with what was typed (without the newline). */
export async function prompt(message = '', options: PromptOptions = {}): Promise<string> {
  checkOptions('prompt', options, ['password', 'default']);
  if (typeof message !== 'string') fail('prompt', 'message', `must be a string, got ${typeof message}`);
  if (options.password !== undefined && typeof options.password !== 'boolean') fail('prompt', 'password', 'must be true or false');
  if (options.default !== undefined && typeof options.default !== 'string') fail('prompt', 'default', 'must be a string');
  const ask = kernelHooks().requestInput;
  if (!ask) {
    if (options.default !== undefined) return options.default;
    fail('prompt', undefined, 'needs the workbook kernel (asl-kernel) and a frontend; pass { default } for other contexts');
  }
  try {
    return await ask(message, options.password ?? false);
  } catch (e) {
    if ((e as Error)?.name === 'StdinNotAllowedError' && options.default !== undefined) return options.default;
    throw e;
  }
}
