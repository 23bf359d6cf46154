/** Test helpers: write rule YAML to temp files and validate them through the real pipeline. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { validateRuleFile } from '../../scripts/validate/files';

export function tempDir(prefix = 'btg-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A valid Scheduled rule in Azure-Sentinel YAML shape; override fields per case. */
export function baseRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '8c0f1a3e-6a51-4d8b-9a0e-2b9c6f4d1e01',
    name: 'Test rule',
    description: 'A test rule.',
    severity: 'Medium',
    requiredDataConnectors: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }],
    queryFrequency: '1h',
    // frequency + the default 30m ingestion delay, with the ingestion_time() filter (rule-ingestion-delay)
    queryPeriod: '90m',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: ['InitialAccess'],
    relevantTechniques: ['T1078.004'],
    query:
      'SigninLogs\n| where ingestion_time() > ago(1h)\n| where ResultType != "0"\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'UserId' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
    ],
    version: '1.0.0',
    kind: 'Scheduled',
    ...overrides,
  };
}

export function writeRule(dir: string, name: string, rule: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify(rule, { lineWidth: 0, blockQuote: 'literal' }));
  return file;
}

/** Validate one rule object as a user file; returns its diagnostics. */
export function validateRuleObject(rule: Record<string, unknown>): Diagnostic[] {
  const dir = tempDir();
  try {
    return validateRuleFile(writeRule(dir, 'rule.yaml', rule), defaultAnalyzer()).diagnostics;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
