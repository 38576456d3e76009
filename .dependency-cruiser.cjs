/**
 * The import rules of the repository (checked by `npm run check:layers`, part of `npm test`):
 * packages are layers (core ← notebook ← book), the core's folders are layers in the order
 * core ← backend ← {losses, metrics, data} ← train ← cli, and nothing imports in a circle.
 * See ARCHITECTURE.md for the picture.
 */
const CORE_LAYERS = ['core', 'backend', 'losses', 'metrics', 'data', 'train', 'cli'];
/** What each core folder may NOT import (the folders above it, and its peers). */
const FORBIDDEN_ABOVE = {
  core: ['backend', 'losses', 'metrics', 'data', 'train', 'cli'],
  backend: ['losses', 'metrics', 'data', 'train', 'cli'],
  losses: ['metrics', 'data', 'train', 'cli'],
  metrics: ['backend', 'losses', 'data', 'train', 'cli'],
  data: ['backend', 'losses', 'metrics', 'train', 'cli'],
  train: ['cli'],
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import one way: no import circle, not even through a lazy require.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom-package',
      severity: 'error',
      comment: 'The core package (lib/) never imports the notebook or the book package, nor their dependencies.',
      from: { path: '^lib/' },
      to: { path: ['^packages/', 'node_modules/(asl-workbook-notebook|asl-workbook-book|tslab|zeromq|plotly\\.js[^/]*|playwright-core)/'] },
    },
    {
      name: 'notebook-below-book',
      severity: 'error',
      comment: 'The notebook package never imports the book package.',
      from: { path: '^packages/notebook/' },
      to: { path: ['^packages/book/', 'node_modules/asl-workbook-book/'] },
    },
    {
      name: 'packages-use-the-core-by-name',
      severity: 'error',
      comment: "Other packages import the core as 'asl-workbook' (its public surface), never its files.",
      from: { path: '^packages/' },
      to: { path: '^lib/', pathNot: '^lib/index\\.ts$' },
    },
    ...Object.entries(FORBIDDEN_ABOVE).map(([layer, above]) => ({
      name: `core-layer-${layer}`,
      severity: 'error',
      comment: `lib/${layer} imports only from the layers below it (${CORE_LAYERS.slice(0, CORE_LAYERS.indexOf(layer)).join(', ') || 'none'}).`,
      from: { path: `^lib/${layer}/` },
      to: { path: `^lib/(${above.join('|')})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', 'node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
  },
};
