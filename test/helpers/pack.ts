/** Test helpers for pack content: configs in both account modes, temp template dirs validated as a pack. */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadConfig, parseConfigText } from '../../scripts/config/load';
import { Config } from '../../scripts/config/schema';
import { loadPack, Pack } from '../../scripts/content/pack';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { EXAMPLE_CONFIG, packPath } from '../../scripts/paths';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { PackValidation, validatePack } from '../../scripts/validate/pack';
import { tempDir } from './rules';

export const WATCHLIST_CONFIG = packPath('test', 'fixtures', 'configs', 'watchlist.yaml');

export function exampleConfig(): Config {
  return loadConfig(EXAMPLE_CONFIG).config!;
}

/** The example config with changes applied to its YAML data (e.g. a severity override), parsed like a user's file. */
export function configWith(change: (data: Record<string, any>) => void, base = EXAMPLE_CONFIG): Config {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const data = loadConfig(base).source!.data as Record<string, unknown>;
  const copy = JSON.parse(JSON.stringify(data));
  change(copy);
  const r = parseConfigText(stringify(copy));
  if (!r.config) throw new Error(`test config invalid: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.config;
}

/** Load (and validate) the shipped pack for a config. */
export function shippedPack(config: Config): { pack: Pack } & PackValidation {
  const pack = loadPack(config, 'btg.config.yaml');
  const { diagnostics, analyses } = validatePack(pack, defaultAnalyzer());
  return { pack, diagnostics, analyses };
}

/** A valid pack rule template (no id: derived from the file name) that filters on the account set; override per case. */
export function templateRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Test rule',
    description: 'A test rule.',
    severity: 'Medium',
    kind: 'Scheduled',
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    requiredDataConnectors: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }],
    tactics: ['InitialAccess'],
    relevantTechniques: ['T1078.004'],
    query:
      '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
    entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'UserId' }] }],
    version: '1.0.0',
    tests: [
      {
        name: 'fires',
        expect: 'fire',
        tables: {
          SigninLogs: [
            {
              TimeGenerated: '2026-11-20T08:00:00Z',
              UserId: '00000000-0000-4000-8000-00000000b701',
              IPAddress: '198.51.100.1',
            },
          ],
        },
      },
      {
        name: 'does not fire',
        expect: 'no-fire',
        tables: {
          SigninLogs: [
            {
              TimeGenerated: '2026-11-20T08:00:00Z',
              UserId: '11111111-2222-4333-8444-555555555555',
              IPAddress: '198.51.100.2',
            },
          ],
        },
      },
    ],
    ...overrides,
  };
}

/**
 * Write rule (and hunting) templates to a temp pack folder, load them for `config` (default: the example config)
 * and validate them as pack content. Returns the pack and every diagnostic.
 */
export function validateTemplates(
  rules: Record<string, Record<string, unknown>>,
  opts: { hunting?: Record<string, Record<string, unknown>>; config?: Config } = {},
): { pack: Pack; dir: string } & PackValidation {
  const dir = tempDir('btg-pack-');
  const hunting = path.join(dir, 'hunting');
  fs.mkdirSync(hunting);
  try {
    for (const [id, t] of Object.entries(rules))
      fs.writeFileSync(path.join(dir, `${id}.yaml`), stringify(t, { lineWidth: 0, blockQuote: 'literal' }));
    for (const [id, t] of Object.entries(opts.hunting ?? {}))
      fs.writeFileSync(path.join(hunting, `${id}.yaml`), stringify(t, { lineWidth: 0, blockQuote: 'literal' }));
    const pack = loadPack(opts.config ?? exampleConfig(), 'btg.config.yaml', undefined, { detections: dir, hunting });
    const { diagnostics, analyses } = validatePack(pack, defaultAnalyzer());
    return { pack, diagnostics, analyses, dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Messages of the diagnostics with `code`, as `item → message` lines (so a failure names the offender). */
export function findings(diags: readonly Diagnostic[], code: string): string[] {
  return diags.filter((d) => d.code === code).map((d) => `${d.item ?? d.file} → ${d.message}`);
}
