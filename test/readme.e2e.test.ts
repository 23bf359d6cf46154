/**
 * Every `npx btg …` command of README.md runs as written: each is read out of the README's shell blocks and run
 * through the CLI's main() in a folder holding the example config as ./btg.config.yaml (and examples/), with a shell's
 * `> file` redirect and `*` glob done as a shell would. Commands that reach Azure go to local stand-ins, only their
 * endpoints added: the ARM emulator (plan, deploy), the Graph test server with the clean posture export (check), and
 * the Log Analytics test server (test --live, drill). A command that does not run as written fails here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AccessToken } from '@azure/identity';
import { checkDeps } from '../scripts/cli/commands/check';
import { drillDeps } from '../scripts/cli/commands/drill';
import { testDeps } from '../scripts/cli/commands/test';
import { main } from '../scripts/cli/main';
import { loadConfig } from '../scripts/config/load';
import { loadPack } from '../scripts/content/pack';
import { bundledSchemas } from '../scripts/kql/schemas';
import { accountMap, markerOf, planTests } from '../scripts/livetest';
import { baseRule, writeRule } from './helpers/rules';
import { EXAMPLE_CONFIG, PACK_ROOT } from '../scripts/paths';
import { useDeployCli } from './deploy/cliFixture';
import { SENTINEL_SP } from './deploy/helpers';
import { Emulator } from './support/emulator';
import { GraphServer, startGraphServer } from './support/graph-server';
import { LogsServer, resultTable, startLogsServer } from './support/logs-server';

jest.setTimeout(600_000);

const README = fs.readFileSync(path.join(PACK_ROOT, 'README.md'), 'utf8');
const TOKEN = 'readme-test-token';
const POSTURE_CLEAN = path.join(PACK_ROOT, 'test', 'fixtures', 'posture', 'clean');
const POSTURE_TIME = new Date('2025-06-01T08:00:00.000Z');

/** `npx btg …` lines of the README's ```sh blocks (and `$ npx btg …` of its console examples), comments cut off. */
export function readmeCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```(?:sh|bash|)\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, '').split('\n'))
    .map((l) => l.replace(/^\$ /, '').trim())
    .flatMap((l) => l.split(/\s*&&\s*/))
    .filter((l) => l.startsWith('npx btg '))
    .map((l) => l.replace(/\s+#.*$/, '').trim());
}

/** Split like a shell would (no quotes in the README's commands): args, a `> file` redirect, `*` globs expanded in cwd. */
function shellWords(line: string, cwd: string): { args: string[]; redirect?: string } {
  const words = line.split(/\s+/).slice(2);
  const gt = words.indexOf('>');
  const redirect = gt >= 0 ? words[gt + 1] : undefined;
  const args = (gt >= 0 ? words.slice(0, gt) : words).flatMap((w) => {
    if (!w.includes('*')) return [w];
    const dir = path.dirname(w);
    const re = new RegExp(
      `^${path
        .basename(w)
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    const hits = fs.existsSync(path.join(cwd, dir))
      ? fs
          .readdirSync(path.join(cwd, dir))
          .filter((f) => re.test(f))
          .map((f) => path.join(dir, f))
      : [];
    return hits.length ? hits.sort() : [w];
  });
  return { args, redirect };
}

/** Extra arguments that point a command at the local stand-in of the service it calls (nothing else changes). */
function standIns(args: string[], s: { emu: Emulator; graph: GraphServer; logs: LogsServer }): string[] {
  switch (args[0]) {
    case 'plan':
    case 'deploy':
      return ['--arm-endpoint', s.emu.url, '--sentinel-principal-id', SENTINEL_SP];
    case 'check':
      return args.includes('--from') ? [] : ['--graph-endpoint', s.graph.url];
    case 'test':
      return args.includes('--live') ? ['--endpoint', s.logs.url] : [];
    case 'drill':
      // the drill's result goes to the BreakGlassDrills watchlist that `btg deploy` created in the emulator
      return ['--endpoint', s.logs.url, '--arm-endpoint', s.emu.url];
    default:
      return [];
  }
}

async function run(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(['node', 'btg', ...args]);
    return { code, out, err };
  } finally {
    process.chdir(before);
    o.mockRestore();
    e.mockRestore();
  }
}

describe('README commands', () => {
  const commands = readmeCommands(README);
  let cwd: string;
  // plan, deploy and drill go to the ARM emulator (the deploy tests' fixture: the CLI's deploy dependencies aimed at it)
  const cli = useDeployCli({ token: TOKEN, emulator: { workspaces: loadConfig(EXAMPLE_CONFIG).config!.workspaces } });
  let graph: GraphServer;
  let logs: LogsServer;
  const saved = {
    check: { ...checkDeps },
    test: { ...testDeps },
    drill: { ...drillDeps },
  };

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-readme-'));
    fs.mkdirSync(path.join(cwd, 'examples'));
    fs.copyFileSync(EXAMPLE_CONFIG, path.join(cwd, 'examples', 'btg.config.yaml'));
    fs.copyFileSync(EXAMPLE_CONFIG, path.join(cwd, 'btg.config.yaml'));
    // the `btg validate my-rules/*.yaml --schemas my-custom-tables/` example: one rule with the README's typo
    fs.mkdirSync(path.join(cwd, 'my-rules'));
    fs.mkdirSync(path.join(cwd, 'my-custom-tables'));
    // the Azure-Sentinel checkout example (`btg validate Solutions/ --schemas .script/tests/… --schemas Parsers`): a
    // solution with one rule over a custom table, the repository's schema folders
    const solution = path.join(cwd, 'Solutions', 'Contoso App', 'Analytic Rules');
    fs.mkdirSync(solution, { recursive: true });
    writeRule(
      solution,
      'app-signin.yaml',
      baseRule({
        query:
          'MyApp_CL\n| where Account_s != ""\n| project TimeGenerated, UserId = Account_s, IPAddress = Ip_s, UserPrincipalName = Account_s\n',
      }),
    );
    const tables = path.join(cwd, '.script', 'tests', 'KqlvalidationsTests', 'CustomTables');
    fs.mkdirSync(tables, { recursive: true });
    fs.mkdirSync(path.join(cwd, '.script', 'tests', 'KqlvalidationsTests', 'CustomFunctions'), { recursive: true });
    fs.mkdirSync(path.join(cwd, 'Parsers'));
    fs.writeFileSync(
      path.join(tables, 'MyApp_CL.json'),
      JSON.stringify({
        Name: 'MyApp_CL',
        Properties: [
          { Name: 'TimeGenerated', Type: 'DateTime' },
          { Name: 'Account_s', Type: 'String' },
          { Name: 'Ip_s', Type: 'String' },
        ],
      }),
    );
    writeRule(
      path.join(cwd, 'my-rules'),
      'bad.yaml',
      baseRule({ query: 'SigninLogs\n| where UserPrincipalNam =~ "x"\n| project TimeGenerated, UserId, IPAddress\n' }),
    );

    const config = loadConfig(EXAMPLE_CONFIG).config!;

    graph = await startGraphServer({ dir: POSTURE_CLEAN });
    checkDeps.credential = async () => ({
      getToken: async (): Promise<AccessToken> => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
    });
    checkDeps.graphCa = graph.ca;
    checkDeps.now = () => POSTURE_TIME;
    checkDeps.armCredential = async () => {
      throw new Error('the README check reads Graph only');
    };

    // the query API stand-in: each shadow query of `btg test --live` gets the count its case expects; the drill
    // query gets a sign-in and its incident a minute later
    const pack = loadPack(config, 'btg.config.yaml');
    const now = new Date();
    testDeps.now = () => now;
    const plan = planTests({
      rules: pack.rules,
      schemas: bundledSchemas(),
      now,
      accounts: accountMap(config.accounts, config.accounts),
      watchlistAccounts: config.accounts,
    });
    const expected = new Map<string, string>(
      plan.rules.flatMap((r) => r.cases.map((c) => [`${r.templateId}/${c.name}`, c.expect] as const)),
    );
    const t0 = Date.now();
    logs = await startLogsServer({
      token: TOKEN,
      answer: (req) => {
        const marker = markerOf(req.body?.query ?? '');
        if (marker) return resultTable([['Count', 'long']], [[expected.get(marker) === 'fire' ? 1 : 0]]);
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        return resultTable(
          [
            ['SignInTime', 'datetime'],
            ['AlertTime', 'datetime'],
            ['IncidentNumber', 'int'],
            ['IncidentName', 'string'],
            ['Title', 'string'],
            ['IncidentUrl', 'string'],
            ['IncidentTime', 'datetime'],
            ['CreatedTime', 'datetime'],
          ],
          [
            [
              at(5),
              at(40),
              7,
              '7b0c8d2e-0000-4000-8000-000000000007',
              'Break-glass account interactive sign-in',
              '',
              at(65),
              at(65),
            ],
          ],
        );
      },
    });
    testDeps.clientOptions = { tlsOptions: { ca: logs.ca }, retryOptions: { maxRetries: 0 } };
    drillDeps.clientOptions = { tlsOptions: { ca: logs.ca }, retryOptions: { maxRetries: 0 } };
    drillDeps.armCa = cli.emu.caCert;
  });

  afterAll(async () => {
    Object.assign(checkDeps, saved.check);
    Object.assign(testDeps, saved.test);
    Object.assign(drillDeps, saved.drill);
    await graph?.close();
    await logs?.close();
    if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('the README has the commands this test runs', () => {
    expect(commands).toEqual(
      expect.arrayContaining([
        'npx btg build --config examples/btg.config.yaml',
        'npx btg build -c btg.config.yaml',
        'npx btg plan -c btg.config.yaml --json > plan.json',
        'npx btg deploy -c btg.config.yaml --yes --prune',
        'npx btg test -c btg.config.yaml --live --workspace prod',
        expect.stringMatching(/^npx btg drill -c btg\.config\.yaml /),
        expect.stringMatching(/^npx btg validate my-rules\/\*\.yaml /),
      ]),
    );
  });

  // what each command must exit with, as the README describes it (validate of my-rules: the typo is a finding)
  const expectedExit = (line: string) => (line.startsWith('npx btg validate my-rules/') ? 1 : 0);

  it.each(readmeCommands(README).map((l) => [l]))('%s', async (line) => {
    const { args, redirect } = shellWords(line, cwd);
    const r = await run(cwd, [...args, ...standIns(args, { emu: cli.emu, graph, logs })]);
    if (r.code !== expectedExit(line))
      throw new Error(
        `${line}\nexit ${r.code}, expected ${expectedExit(line)}\n--- stdout\n${r.out.slice(-3000)}\n--- stderr\n${r.err.slice(-3000)}`,
      );
    if (redirect) fs.writeFileSync(path.join(cwd, redirect), r.out);
    // nothing secret reaches the terminal
    expect(r.out + r.err).not.toContain(TOKEN);
    if (redirect?.endsWith('.json')) expect(() => JSON.parse(r.out)).not.toThrow();
    if (redirect?.endsWith('.sarif')) expect(JSON.parse(r.out).version).toBe('2.1.0');
  });
});
