/**
 * examples/ci: the GitHub Actions workflow and the Azure DevOps pipeline are valid YAML, sign in to Azure only by
 * workload identity federation, publish validation results (SARIF / JUnit) and call only `btg` commands and flags
 * that exist in the CLI (read from the commander program itself).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { buildProgram } from '../scripts/cli/main';
import { PACK_ROOT } from '../scripts/paths';

const CI_DIR = path.join(PACK_ROOT, 'examples', 'ci');
const TEMPLATES = ['github-actions.yml', 'azure-pipelines.yml'];
/** keys whose string value is a shell script: GitHub `run`, Azure DevOps `script`/`bash` steps and AzureCLI@2 `inlineScript` */
const SCRIPT_KEYS = new Set(['run', 'script', 'bash', 'inlineScript']);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function load(name: string): { text: string; doc: Json } {
  const text = fs.readFileSync(path.join(CI_DIR, name), 'utf8');
  const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (parsed.errors.length || parsed.warnings.length)
    throw new Error(`${name}: ${[...parsed.errors, ...parsed.warnings].map((e) => e.message).join('\n')}`);
  return { text, doc: parsed.toJS() as Json };
}

function scripts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => scripts(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (SCRIPT_KEYS.has(k) && typeof v === 'string') out.push(v);
      else scripts(v, out);
    }
  }
  return out;
}

function steps(doc: Json): Json[] {
  const out: Json[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Json;
      if (Array.isArray(o.steps)) out.push(...o.steps);
      Object.values(o).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

interface Invocation {
  command: string;
  flags: string[];
  line: string;
}

/**
 * Every `btg <command> …` a shell script runs: quoted strings (echo texts, file names) and comments are set aside,
 * `btg` must stand in command position, and the arguments run to the next pipe, redirection or list operator.
 */
function btgInvocations(script: string): Invocation[] {
  const out: Invocation[] = [];
  for (const raw of script.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw
      .replace(/'[^']*'/g, 'Q')
      .replace(/"(?:[^"\\]|\\.)*"/g, 'Q')
      .replace(/(^|\s)#.*$/, '$1');
    const re = /(?:^|[;&|(]|\b(?:then|do|else)\b)\s*(?:!\s*)?btg\s+([^\s;&|<>()]+)([^;&|<>()]*)/g;
    for (const m of line.matchAll(re)) {
      const flags = m[2]
        .split(/\s+/)
        .filter((t) => t.startsWith('-'))
        .map((t) => t.replace(/=.*$/, ''));
      out.push({ command: m[1], flags, line: raw.trim() });
    }
  }
  return out;
}

function unknownUse(program: Command, inv: Invocation): string[] {
  const cmd = program.commands.find((c) => c.name() === inv.command || c.aliases().includes(inv.command));
  if (!cmd)
    return [
      `${inv.line}: no command "btg ${inv.command}" (known: ${program.commands.map((c) => c.name()).join(', ')})`,
    ];
  const known = new Set([
    '--help',
    '-h',
    ...[...cmd.options, ...program.options].flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)),
  ]);
  return inv.flags.filter((f) => !known.has(f)).map((f) => `${inv.line}: "btg ${inv.command}" has no option ${f}`);
}

describe('the btg invocation parser', () => {
  it('finds commands in command position only, with their flags', () => {
    const found = btgInvocations(
      [
        'status=0',
        'btg plan --config "$X" --json > plan.json || status=$?',
        'echo "# btg plan --nope"',
        "echo '## btg deploy'",
        'cat btg-out/x # btg build --bogus',
        'if true; then btg deploy --yes --config=x | tee d.txt; fi',
        'btg validate \\\n  --format junit',
      ].join('\n'),
    );
    expect(found.map((i) => [i.command, i.flags])).toEqual([
      ['plan', ['--config', '--json']],
      ['deploy', ['--yes', '--config']],
      ['validate', ['--format']],
    ]);
  });

  it('reports an unknown command and an unknown flag', () => {
    const program = buildProgram();
    expect(unknownUse(program, { command: 'frobnicate', flags: [], line: 'btg frobnicate' })[0]).toMatch(
      /no command "btg frobnicate"/,
    );
    expect(unknownUse(program, { command: 'validate', flags: ['--format', '--bogus'], line: 'x' })).toEqual([
      'x: "btg validate" has no option --bogus',
    ]);
  });
});

describe.each(TEMPLATES)('examples/ci/%s', (name) => {
  const { text, doc } = load(name);
  const invocations = scripts(doc).flatMap(btgInvocations);

  it('calls only btg commands and options that exist', () => {
    const program = buildProgram();
    expect(invocations.length).toBeGreaterThan(0);
    expect(invocations.flatMap((i) => unknownUse(program, i))).toEqual([]);
  });

  it('validates, builds, plans and deploys', () => {
    expect(invocations.map((i) => i.command)).toEqual(expect.arrayContaining(['validate', 'build', 'plan', 'deploy']));
    expect(invocations.some((i) => i.command === 'plan' && i.flags.includes('--json'))).toBe(true);
    expect(invocations.filter((i) => i.command === 'deploy').every((i) => i.flags.includes('--yes'))).toBe(true);
  });

  it('stores no secret: no secret references, client secrets or credentials JSON', () => {
    expect(text).not.toMatch(/\bsecrets\.|client-secret|clientSecret|creds:|AZURE_CLIENT_SECRET|addSpnToEnvironment/);
  });
});

describe('GitHub Actions workflow', () => {
  const { doc } = load('github-actions.yml');
  const all = steps(doc);
  const job = (id: string) => doc.jobs[id] as Json;
  const runs = (j: Json) => (j.steps as Json[]).map((s) => s.run ?? '').join('\n');

  it('runs on pull requests and on pushes to main', () => {
    expect(doc.on.pull_request.branches).toContain('main');
    expect(doc.on.push.branches).toContain('main');
  });

  it('uploads the SARIF that validate writes to code scanning', () => {
    const written = /--format sarif > (\S+)/.exec(runs(job('validate')))?.[1];
    const upload = all.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(written).toBeDefined();
    expect(upload?.with?.sarif_file).toBe(written);
    expect(upload?.if).toMatch(/always\(\)/);
    expect(job('validate').permissions['security-events']).toBe('write');
  });

  it('signs in to Azure with OIDC (azure/login, id-token: write) in the jobs that reach Azure', () => {
    for (const id of ['plan', 'deploy']) {
      const j = job(id);
      expect(j.permissions['id-token']).toBe('write');
      const login = (j.steps as Json[]).find((s) => String(s.uses).startsWith('azure/login@'));
      expect(Object.keys(login?.with ?? {}).sort()).toEqual(['allow-no-subscriptions', 'client-id', 'tenant-id']);
    }
    expect(job('validate').permissions['id-token']).toBeUndefined();
  });

  it('plans on pull requests only, and comments or summarises the plan', () => {
    expect(job('plan').if).toMatch(/github\.event_name == 'pull_request'/);
    expect(runs(job('plan'))).toMatch(/GITHUB_STEP_SUMMARY/);
    expect(runs(job('plan'))).toMatch(/gh pr comment/);
  });

  it('deploys on pushes to main only, through a protected environment', () => {
    expect(job('deploy').if).toMatch(/github\.event_name == 'push' && github\.ref == 'refs\/heads\/main'/);
    expect(job('deploy').environment).toBeTruthy();
  });
});

describe('Azure DevOps pipeline', () => {
  const { doc } = load('azure-pipelines.yml');
  const all = steps(doc);
  const stage = (name: string) => (doc.stages as Json[]).find((s) => s.stage === name)!;

  it('runs on pull requests and on pushes to main', () => {
    expect(doc.trigger.branches.include).toContain('main');
    expect(doc.pr.branches.include).toContain('main');
  });

  it('publishes the JUnit that validate writes as test results, even when validation fails', () => {
    const written = all.map((s) => /--format junit > "?([^"\s]+)"?/.exec(s.script ?? '')?.[1]).find(Boolean);
    const publish = all.find((s) => s.task === 'PublishTestResults@2');
    expect(written).toBeDefined();
    expect(publish?.inputs).toMatchObject({ testResultsFormat: 'JUnit', testResultsFiles: written });
    expect(publish?.condition).toBe('succeededOrFailed()');
  });

  it('reaches Azure only through AzureCLI@2 with a service connection (workload identity federation)', () => {
    const cli = all.filter((s) => s.task === 'AzureCLI@2');
    expect(cli).toHaveLength(2);
    for (const s of cli) {
      expect(s.inputs.azureSubscription).toMatch(/^\$\{\{ variables\.\w+_SERVICE_CONNECTION \}\}$/);
      expect(s.inputs.scriptType).toBe('bash');
    }
    const scriptsOutsideCli = all.filter((s) => s.task !== 'AzureCLI@2').flatMap((s) => btgInvocations(s.script ?? ''));
    expect(scriptsOutsideCli.map((i) => i.command).filter((c) => c === 'plan' || c === 'deploy')).toEqual([]);
  });

  it('plans on pull requests and deploys on main, through an environment', () => {
    expect(stage('Plan').condition).toMatch(/eq\(variables\['Build\.Reason'\], 'PullRequest'\)/);
    expect(stage('Deploy').condition).toMatch(/eq\(variables\['Build\.SourceBranch'\], 'refs\/heads\/main'\)/);
    expect(stage('Deploy').jobs[0].environment).toBeTruthy();
    expect(JSON.stringify(stage('Plan'))).toMatch(/task\.uploadsummary/);
  });
});
