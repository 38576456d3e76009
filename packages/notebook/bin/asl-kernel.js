#!/usr/bin/env node
// The `asl-kernel` command: the workbook's Jupyter kernel, and `asl-kernel install` to register it
// with Jupyter. A committed shim, so npm can link the bin before dist/ is built.
'use strict';
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'kernel', 'main.js');
if (!require('fs').existsSync(main)) {
  console.error('asl-kernel: the package is not built (run `npm run build` in the repository)');
  process.exit(1);
}
require(main);
