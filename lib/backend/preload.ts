/**
 * Kernel start-up (loaded with `node --require` by the workbook's kernel spec): starts the backend
 * selection at once, so every notebook begins with the same backend and without tfjs' banner.
 * Notebooks still `await initBackend()` (it returns this same selection) before tensor work.
 */
import { initBackend } from './select';

initBackend().catch((e: Error) => {
  process.stderr.write(`asl-workbook: backend start-up failed: ${e.message}\n`);
});
