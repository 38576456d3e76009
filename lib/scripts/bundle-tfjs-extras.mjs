#!/usr/bin/env node
// Build step of the core package: tfjs-core's CommonJS build (what `require('@tensorflow/tfjs-core')`
// loads in Node) registers no gradients and no chained tensor methods (`t.mul(…)`); the
// `@tensorflow/tfjs` bundle does, at 140 MB with its converter, data and WebGL packages. This bundles
// tfjs-core's own registration modules (ES modules in its dist/) into one CommonJS file,
// dist/vendor/tfjs-core-extras.cjs, that core/tf.ts loads. The bundled copies find tfjs-core's engine,
// kernel and gradient registries and Tensor class through tfjs' global namespace, so they register
// into the tfjs-core every other package uses.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const core = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const entry = `import '${path.join(core, 'dist', 'register_all_gradients.js').replace(/\\/g, '/')}';
import '${path.join(core, 'dist', 'public', 'chained_ops', 'register_all_chained_ops.js').replace(/\\/g, '/')}';
`;
const out = path.join(here, '..', 'dist', 'vendor', 'tfjs-core-extras.cjs');
await build({
  stdin: { contents: entry, resolveDir: here, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'inline',
  logLevel: 'warning',
  outfile: out,
});
console.log(`bundle-tfjs-extras: ${path.relative(process.cwd(), out)}`);
