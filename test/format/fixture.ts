/** The one diagnostics fixture every formatter test uses (test/fixtures/diagnostics/mixed.json). */
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { FormatOptions } from '../../scripts/validate/format';
import { DIAGNOSTIC_CHECKS } from '../../scripts/core/checks';

export const MIXED: Diagnostic[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'diagnostics', 'mixed.json'), 'utf8'),
);

export const OPTIONS: FormatOptions = {
  checks: DIAGNOSTIC_CHECKS,
  docsUri: 'https://github.com/contoso/breakglass-sentinel/blob/0123abc/docs/checks.md',
  version: '0.1.0',
  summary: 'in the pack (12 ms)',
};

export const count = (severity: Diagnostic['severity']) => MIXED.filter((d) => d.severity === severity).length;
