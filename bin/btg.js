#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm ci` (the `prepare` script).
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'scripts', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'btg: the CLI is not compiled yet; run `npm ci` (or `npm run build:ts`) in ' + path.dirname(__dirname) + '\n',
  );
  process.exit(2);
}
// Nothing secret in any output, also for an error nobody caught (Node prints those itself, past main()'s redaction of
// process.stdout/stderr): print it redacted, exit 2 (tool error).
const { redactText, registerEnvSecrets } = require(
  path.join(__dirname, '..', 'dist', 'scripts', 'security', 'redact.js'),
);
registerEnvSecrets();
const fatal = (e) => {
  const text =
    e instanceof Error
      ? process.argv.includes('--verbose') && e.stack
        ? e.stack
        : `${e.name}: ${e.message}`
      : String(e);
  try {
    fs.writeSync(2, `btg: internal error: ${redactText(text)}\n`);
  } finally {
    process.exit(2);
  }
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
