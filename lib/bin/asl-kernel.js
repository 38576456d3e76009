#!/usr/bin/env node
// The `asl-kernel` command: the workbook's Jupyter kernel (lib/kernel). A committed shim, so npm can
// link the bin before lib/dist is built. Jupyter runs it as `asl-kernel --connection-file FILE`.
'use strict';
const path = require('path');
const main = path.join(__dirname, '..', 'dist', 'kernel', 'main.js');
if (!require('fs').existsSync(main)) {
  console.error('asl-kernel: the library is not built (run `npm run build` in the repository)');
  process.exit(1);
}
require(main);
