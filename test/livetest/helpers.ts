/** Shared helpers for the live-test and drill tests: configs, temporary packs, a fixed clock, a fake credential. */
import type { AccessToken, TokenCredential } from '@azure/identity';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadConfig } from '../../scripts/config/load';
import { Config, ConfigInput, ConfigSchema } from '../../scripts/config/schema';
import { loadPack, Pack } from '../../scripts/content/pack';
import { EXAMPLE_CONFIG } from '../../scripts/paths';

export { EXAMPLE_CONFIG };
/** "now" for every test: rows are shifted to 09:59:00 */
export const NOW = new Date('2026-11-26T10:00:00.000Z');
export const WS_ID = '00000000-0000-4000-8000-0000000000aa';
export const B1 = '00000000-0000-4000-8000-00000000b701';
export const B2 = '00000000-0000-4000-8000-00000000b702';
export const UPN1 = 'btg-emergency-01@contoso.example';
export const UPN2 = 'btg-emergency-02@contoso.example';

export function exampleConfig(): Config {
  const { config, diagnostics } = loadConfig(EXAMPLE_CONFIG);
  if (!config) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return config;
}

/** The example config with changes, validated by the real schema. */
export function configWith(change: (c: ConfigInput) => void): Config {
  const input = JSON.parse(JSON.stringify(exampleConfig())) as ConfigInput;
  change(input);
  return ConfigSchema.parse(input);
}

let examplePack: Pack | undefined;
/** The pack as rendered for examples/btg.config.yaml (loaded once per test file). */
export function packForExample(): Pack {
  examplePack ??= loadPack(exampleConfig(), EXAMPLE_CONFIG);
  return examplePack;
}

const tmpDirs: string[] = [];
export function tmpDir(prefix = 'btg-livetest-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A pack of the given rule templates (templateId → template object), loaded through the real content stage. */
export function packOf(config: Config, templates: Record<string, Record<string, unknown>>): Pack {
  const dir = tmpDir('btg-livetest-pack-');
  fs.mkdirSync(path.join(dir, 'hunting'));
  for (const [id, t] of Object.entries(templates))
    fs.writeFileSync(path.join(dir, `${id}.yaml`), stringify(t, { lineWidth: 0, blockQuote: 'literal' }));
  const pack = loadPack(config, 'btg.config.yaml', undefined, { detections: dir, hunting: path.join(dir, 'hunting') });
  const loadErrors = [...pack.diagnostics.rules, ...pack.diagnostics.hunting].filter((d) => d.severity === 'error');
  if (loadErrors.length) throw new Error(loadErrors.map((d) => `${d.file}: ${d.message}`).join('\n'));
  return pack;
}

/** A minimal NRT rule template reading SigninLogs for the BTG accounts; override fields per case. */
export function ruleTemplate(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Test rule',
    description: 'A test rule.',
    severity: 'High',
    kind: 'NRT',
    tactics: ['InitialAccess'],
    relevantTechniques: ['T1078.004'],
    query:
      '{{> btgAccounts}}\nSigninLogs\n| where tolower(UserId) in (BtgAccountIds) or tolower(UserPrincipalName) in (BtgAccountUpns)\n| project TimeGenerated, UserId, UserPrincipalName, IPAddress\n',
    entityMappings: [{ entityType: 'Account', fieldMappings: [{ identifier: 'AadUserId', columnName: 'UserId' }] }],
    version: '1.0.0',
    tests: [
      {
        name: 'btg sign-in fires',
        expect: 'fire',
        tables: { SigninLogs: [{ TimeGenerated: '2026-11-20T08:15:00Z', UserId: B1, UserPrincipalName: UPN1 }] },
      },
    ],
    ...overrides,
  };
}

/** A config file in a temp folder (for CLI tests). */
export function writeConfig(config: ConfigInput | Config): string {
  const file = path.join(tmpDir('btg-livetest-cfg-'), 'btg.config.yaml');
  fs.writeFileSync(file, stringify(config));
  return file;
}

export class FakeCredential implements TokenCredential {
  scopes: string[] = [];
  constructor(private readonly token = 'fake-logs-token') {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
