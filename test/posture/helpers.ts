/** Shared helpers for the posture tests: the example config, fixture folders, deriving one-failure variants of the clean export. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../scripts/config/load';
import { Config, ConfigSchema } from '../../scripts/config/schema';
import { Finding, FolderGraphSource, runPosture } from '../../scripts/posture';

export const ROOT = path.join(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'posture');
export const CLEAN = path.join(FIXTURES, 'clean');
export const FAILING = path.join(FIXTURES, 'failing');
export const EXAMPLE_CONFIG = path.join(ROOT, 'examples', 'btg.config.yaml');
/** the clean and failing fixtures were exported at this time */
export const NOW = new Date('2025-06-01T08:00:00.000Z');

export const B1 = '00000000-0000-4000-8000-00000000b701';
export const B2 = '00000000-0000-4000-8000-00000000b702';
export const UPN1 = 'btg-emergency-01@contoso.example';
export const UPN2 = 'btg-emergency-02@contoso.example';
export const GEXCL = '00000000-0000-4000-8000-00000000c001';
export const GSALES = '00000000-0000-4000-8000-00000000c002';
export const GA = '62e90394-69f5-4237-9190-012177145e10';

export const P = {
  policies: 'identity/conditionalAccess/policies.json',
  user: (id: string) => `users/${id}.json`,
  methods: (id: string) => `users/${id}/authentication/methods.json`,
  memberOf: (id: string) => `users/${id}/memberOf.json`,
  roleAssignments: 'roleManagement/directory/roleAssignments.json',
  roleEligibility: 'roleManagement/directory/roleEligibilitySchedules.json',
  groupMembers: (id: string) => `groups/${id}/transitiveMembers.json`,
};

export function exampleConfig(): Config {
  const { config, diagnostics } = loadConfig(EXAMPLE_CONFIG);
  if (!config) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return config;
}

/** The example config with changes applied to its input (re-validated by the schema). */
export function configWith(change: (raw: Record<string, any>) => void): Config {
  const raw = JSON.parse(JSON.stringify(exampleConfig())) as Record<string, any>;
  change(raw);
  return ConfigSchema.parse(raw);
}

const tmpDirs: string[] = [];
export function tmpDir(prefix = 'btg-posture-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export interface FixtureEditor {
  dir: string;
  json<T = any>(rel: string, edit: (body: T) => T | void): void;
  remove(rel: string): void;
  write(rel: string, body: unknown): void;
}

/** A copy of the clean export with `edit` applied: one planted failure per derived folder. */
export function derive(edit: (e: FixtureEditor) => void, from = CLEAN): string {
  const dir = tmpDir();
  fs.cpSync(from, dir, { recursive: true });
  const file = (rel: string) => path.join(dir, ...rel.split('/'));
  const editor: FixtureEditor = {
    dir,
    json(rel, fn) {
      const body = JSON.parse(fs.readFileSync(file(rel), 'utf8'));
      const out = fn(body);
      fs.writeFileSync(file(rel), JSON.stringify(out === undefined ? body : out, null, 2));
    },
    remove(rel) {
      fs.rmSync(file(rel));
    },
    write(rel, body) {
      fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
      fs.writeFileSync(file(rel), JSON.stringify(body, null, 2));
    },
  };
  edit(editor);
  return dir;
}

export async function checkFolder(dir: string, config: Config = exampleConfig(), now: Date = NOW): Promise<Finding[]> {
  const report = await runPosture({
    config,
    source: new FolderGraphSource(dir),
    now,
    workspace: { skipReason: 'offline test' },
  });
  return report.findings;
}

export function finding(findings: Finding[], check: Finding['check'], subject?: string): Finding {
  const hits = findings.filter((f) => f.check === check && (subject === undefined || f.subject === subject));
  if (hits.length !== 1)
    throw new Error(
      `expected exactly one ${check}${subject ? ` for ${subject}` : ''}, got ${hits.length}:\n${findings.map((f) => `${f.status} ${f.check} ${f.subject}: ${f.reason}`).join('\n')}`,
    );
  return hits[0];
}

export const bad = (findings: Finding[]) => findings.filter((f) => f.status === 'fail' || f.status === 'warn');

export const policyByName = (body: { value: any[] }, prefix: string) => {
  const p = body.value.find((x) => String(x.displayName).startsWith(prefix));
  if (!p) throw new Error(`no policy ${prefix}`);
  return p;
};
