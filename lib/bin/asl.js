#!/usr/bin/env node
// The `asl` command. A committed shim, so npm can link the bin before lib/dist is built.
'use strict';
let cli;
try {
  cli = require('../dist/cli/asl.js');
} catch (e) {
  console.error('asl: the library is not built (run `npm run build` in the repository): ' + e.message);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
