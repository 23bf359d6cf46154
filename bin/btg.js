#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm ci` (the `prepare` script).
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'scripts', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('btg: the CLI is not compiled yet; run `npm ci` (or `npm run build:ts`) in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(entry).main(process.argv).then((code) => { process.exitCode = code; });
