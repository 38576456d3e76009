/**
 * The parts of TensorFlow.js the workbook uses: tfjs-core (tensors, ops, autodiff, io, optimizers),
 * tfjs-layers (models and layers) and the cpu backend — what the `@tensorflow/tfjs` bundle re-exports,
 * without its converter, data, WebGL backend and 140 MB of browser bundles. The library imports
 * TensorFlow.js only through this module, so an install needs just these packages (peers of the core
 * package); code that imports `@tensorflow/tfjs` shares the same tfjs-core, hence the same tensors and
 * backends.
 *
 * tfjs-core's CommonJS build registers neither the ops' gradients nor the chained tensor methods
 * (`t.mul(…)`); the package build bundles tfjs-core's own registration modules into
 * dist/vendor/tfjs-core-extras.cjs (scripts/bundle-tfjs-extras.mjs), loaded here.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs';
import * as path from 'node:path';
// Types only: the chained-method declarations (`t.mul(…)`) for the library's own code.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import type {} from '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

function registerExtras(): void {
  // lib/dist/core → lib/dist/vendor (built package); lib/core → lib/dist/vendor (TypeScript sources).
  const dist = __filename.endsWith('.ts') ? path.join(__dirname, '..', 'dist') : path.join(__dirname, '..');
  const file = path.join(dist, 'vendor', 'tfjs-core-extras.cjs');
  if (fs.existsSync(file)) {
    require(file);
    return;
  }
  // From the sources before a build: the full bundle registers the same (a development install has it).
  try {
    require('@tensorflow/tfjs');
  } catch {
    throw new Error(`asl-workbook: ${file} is missing and @tensorflow/tfjs is not installed: run \`npm run build\` (it bundles tfjs-core's gradients)`);
  }
}
registerExtras();
