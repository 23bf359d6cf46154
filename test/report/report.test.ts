/** The report's renderers, each on its own, then the whole page on the example pack plus fixtures. */
import { loadConfig } from '../../scripts/config/load';
import { loadPack, Pack } from '../../scripts/content/pack';
import { emitPack } from '../../scripts/emit/pack';
import { renderReport } from '../../scripts/emit/report';
import { coverage } from '../../scripts/emit/report/coverage';
import { flowSvg, layoutFlow } from '../../scripts/emit/report/flowSvg';
import { highlightKql as highlightKqlHtml } from '../../scripts/emit/report/kql';
import { countActions, findWorkflows, flowGraph } from '../../scripts/emit/report/logicApp';
import { countTiles, findNotebooks, renderWorkbooks } from '../../scripts/emit/report/workbook';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { fixtureArtifacts, PLAYBOOK_ACTIONS } from './fixtures';

const classify = (q: string) => defaultAnalyzer().classify(q);
const highlightKql = (...a: Parameters<typeof highlightKqlHtml>) => String(highlightKqlHtml(...a));
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

function examplePack(): Pack {
  const loaded = loadConfig(EXAMPLE_CONFIG);
  return loadPack(loaded.config!, 'examples/btg.config.yaml', loaded.source);
}

describe('KQL highlighting', () => {
  it("uses Kusto.Language's classification: tables, columns, operators and strings get their own class", () => {
    const html = highlightKql(
      'SigninLogs | where UserPrincipalName == "x"',
      classify('SigninLogs | where UserPrincipalName == "x"'),
    );
    expect(html).toContain('<span class="k-table">SigninLogs</span>');
    expect(html).toContain('<span class="k-column">UserPrincipalName</span>');
    expect(html).toContain('<span class="k-queryoperator">where</span>');
    expect(html).toContain('<span class="k-stringliteral">&quot;x&quot;</span>');
  });

  it('escapes every token and the text between tokens', () => {
    const q = 'print s = "<img src=x onerror=alert(1)>" // </pre><script>';
    const html = highlightKql(q, classify(q));
    expect(html).not.toMatch(/<(img|script|\/pre)/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // text is preserved exactly once markup is removed
    expect(
      html
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    ).toBe(q);
  });

  it('ignores overlapping or out-of-range classifications instead of duplicating text', () => {
    const html = highlightKql('abc def', [
      { kind: 'Keyword', start: 0, length: 3 },
      { kind: 'Column', start: 1, length: 2 },
      { kind: 'Table', start: 4, length: 10 },
    ]);
    expect(html).toBe('<span class="k-keyword">abc</span> <span class="k-table">def</span>');
  });
});

describe('playbook flow', () => {
  const [workflow, ...rest] = findWorkflows(fixtureArtifacts());

  it('finds each Logic App definition once, titled by the playbook display name, with the Logic App name from the ARM parameter default', () => {
    expect(rest).toEqual([]);
    expect(workflow.name).toBe('Custodian confirmation');
    expect(workflow.resourceName).toBe('BTG-Custodian-Confirmation');
    expect(workflow.key).toBe('arm/playbooks/btg-custodian-confirmation.json');
  });

  it('has a node per trigger and per action, nested actions included', () => {
    const g = flowGraph(workflow.definition);
    expect(countActions(workflow.definition)).toBe(PLAYBOOK_ACTIONS);
    expect(g.nodes.filter((n) => n.role === 'action')).toHaveLength(PLAYBOOK_ACTIONS);
    expect(g.nodes.filter((n) => n.role === 'trigger').map((n) => n.name)).toEqual(['Microsoft_Sentinel_incident']);
  });

  it('draws edges from runAfter and from containers into their branches, labelled', () => {
    const edges = flowGraph(workflow.definition).edges.map(
      (e) => `${e.from} -> ${e.to}${e.label ? ` [${e.label}]` : ''}`,
    );
    expect(edges).toEqual(
      expect.arrayContaining([
        't:Microsoft_Sentinel_incident -> a:Initialize_custodians',
        'a:Initialize_custodians -> a:Run_query_sign-ins',
        'a:For_each_account -> a:Add_comment_to_incident [for each]',
        'a:Condition_<custodian>_known -> a:Send_approval_email [true]',
        'a:Condition_<custodian>_known -> a:Send_email_to_SOC [false]',
        'a:Switch_on_response -> a:Tag_incident_authorised [case "Authorised"]',
        'a:Switch_on_response -> a:Compose_unknown_answer [default]',
        'a:Raise_severity -> a:Post_to_Teams',
        'a:For_each_account -> a:Notify_on_failure [Failed / TimedOut]',
      ]),
    );
  });

  it('lays out every node inside the drawing and renders one element per action, escaped', () => {
    const g = flowGraph(workflow.definition);
    const l = layoutFlow(g);
    for (const n of l.nodes) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(l.height);
    }
    const svg = String(flowSvg(g, { id: 'pb-0', key: workflow.key, label: 'flow' }));
    expect(count(svg, /data-action="/g)).toBe(PLAYBOOK_ACTIONS);
    expect(count(svg, /data-trigger="/g)).toBe(1);
    expect(count(svg, /class="edge"/g)).toBe(g.edges.length);
    expect(svg).toContain('data-action="Condition_&lt;custodian&gt;_known"');
    expect(svg).not.toContain('<custodian>');
  });
});

describe('workbook outline', () => {
  const notebooks = findNotebooks(fixtureArtifacts());

  it('lists every tile, groups included, with highlighted queries and escaped text', () => {
    expect(notebooks).toHaveLength(1);
    expect(countTiles(notebooks[0].items)).toBe(6);
    const html = String(renderWorkbooks(notebooks, classify));
    expect(count(html, /<li class="tile /g)).toBe(6);
    expect(html).toContain('<strong>Sign-ins by break-glass accounts</strong>');
    expect(html).toContain('<span class="k-table">AuditLogs</span>');
    expect(html).toContain('<code>TimeRange</code> Time range');
    expect(html).not.toContain('<script>');
  });

  it('reads a workbook out of an ARM template serializedData too', () => {
    const arm = {
      resources: [
        {
          type: 'Microsoft.Insights/workbooks',
          properties: { displayName: 'From ARM', serializedData: fixtureArtifacts()[2].content },
        },
      ],
    };
    const found = findNotebooks([{ kind: 'workbook-arm', path: 'arm/workbooks/x.json', content: JSON.stringify(arm) }]);
    expect(found.map((n) => [n.name, countTiles(n.items)])).toEqual([['From ARM', 6]]);
  });
});

describe('coverage', () => {
  it('places a technique only under the item tactics it belongs to, and counts tactic-only mappings', () => {
    const cells = coverage([
      { anchor: 'a', name: 'A', kind: 'rule', tactics: ['InitialAccess', 'Persistence'], techniques: ['T1110'] },
      { anchor: 'b', name: 'B', kind: 'hunting', tactics: ['CredentialAccess'], techniques: ['T1110.003'] },
    ]);
    const at = (t: string) => cells.find((c) => c.tactic === t)!;
    // T1110 is a Credential Access technique: the rule's tactics don't include it, so it goes under both rule tactics
    expect(at('InitialAccess').techniques.map((t) => t.id)).toEqual(['T1110']);
    expect(at('CredentialAccess').techniques.map((t) => [t.id, t.items.map((i) => i.name)])).toEqual([
      ['T1110.003', ['B']],
    ]);
    expect(at('Discovery').items).toBe(0);
    expect(cells.some((c) => c.tactic === 'PreAttack')).toBe(false);
  });
});

describe('the whole report', () => {
  const pack = examplePack();
  const emitted = emitPack(pack, { analyzer: defaultAnalyzer() });
  // rules, hunting queries and the manifest as emitted; playbooks, workbook and routine from the fixtures
  const core = emitted.artifacts.filter((a) => !/report|playbook|workbook|routine|automation|monitor/.test(a.kind));
  const artifacts = [...core, ...fixtureArtifacts()];

  it('has a section per detection and hunting query, and every optional section when content exists', () => {
    const html = renderReport({ pack, artifacts, diagnostics: [], classify });
    for (const r of pack.rules) expect(html).toContain(`data-detection="${r.templateId}"`);
    for (const h of pack.hunting) expect(html).toContain(`data-hunting="${h.templateId}"`);
    for (const id of ['summary', 'coverage', 'detections', 'playbooks', 'workbooks', 'routines'])
      expect(html).toContain(`<section id="${id}"`);
    expect(count(html, /data-action="/g)).toBe(PLAYBOOK_ACTIONS);
  });

  it('omits sections with nothing to show', () => {
    const html = renderReport({ pack, artifacts: core, classify });
    for (const id of ['playbooks', 'workbooks', 'routines']) expect(html).not.toContain(`id="${id}"`);
    expect(html).toContain('data-status="unknown"');
  });

  it('names accounts by UPN and leaves subscription ids out', () => {
    const html = renderReport({ pack, artifacts, classify });
    for (const a of pack.config.accounts) expect(html).toContain(a.userPrincipalName);
    for (const w of pack.config.workspaces) expect(html).not.toContain(w.subscriptionId);
  });

  it('escapes names and descriptions from templates and config, and loads nothing from outside', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const rule = pack.rules[0];
    const tampered: Pack = {
      ...pack,
      config: { ...pack.config, tenantName: `${evil}"'` },
      rules: [
        { ...rule, rule: { ...rule.rule, name: evil, description: `${evil}\n\n</section>` } },
        ...pack.rules.slice(1),
      ],
    };
    const html = renderReport({ pack: tampered, artifacts, classify });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</section>\n\n');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    expect(html).not.toMatch(/<(script|link|iframe|object|embed)\b/i);
    // attribute values are quoted and escaped: with them blanked out, no tag may carry a src
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\s(src|srcset)=/i);
  });

  it("shows each item's validation status: valid with its warnings, or its errors", () => {
    const [a, b] = pack.rules;
    const diagnostics: Diagnostic[] = [
      {
        code: 'rule-limits',
        severity: 'warning',
        message: 'short description',
        item: a.templateId,
        file: a.file,
      },
      {
        code: 'kql-semantic',
        severity: 'error',
        message: 'KS142: no column',
        item: b.templateId,
        file: b.file,
        range: { start: { line: 4, character: 2 }, end: { line: 4, character: 5 } },
      },
    ];
    const html = renderReport({ pack, artifacts, diagnostics, classify });
    const section = (id: string) =>
      html.slice(
        html.indexOf(`data-detection="${id}"`),
        html.indexOf('</section>', html.indexOf(`data-detection="${id}"`)),
      );
    expect(section(a.templateId)).toContain('data-status="valid" data-warnings="1"');
    expect(section(a.templateId)).toContain('short description');
    expect(section(b.templateId)).toContain('data-status="invalid"');
    expect(section(b.templateId)).toMatch(/KS142: no column <span class="loc">[^<]+:5:3<\/span>/);
    expect(section(pack.rules[2].templateId)).toContain('data-status="valid" data-warnings="0"');
  });
});

describe('read top-down (issue 12)', () => {
  const pack = examplePack();
  const emitted = emitPack(pack, { analyzer: defaultAnalyzer() });
  const html = emitted.artifacts.find((a) => a.kind === 'report')!.content;

  it('orders detections by severity, the core alarm first, one folded line each', () => {
    const order = [...html.matchAll(/data-detection="([^"]+)"/g)].map((m) => m[1]);
    const sev = (id: string) =>
      ['High', 'Medium', 'Low', 'Informational'].indexOf(pack.rules.find((r) => r.templateId === id)!.rule.severity);
    expect(order).toHaveLength(pack.rules.length);
    expect(order[0]).toBe('btg-interactive-signin');
    for (let i = 1; i < order.length; i++) expect(sev(order[i])).toBeGreaterThanOrEqual(sev(order[i - 1]));
    const opened = [...html.matchAll(/data-detection="([^"]+)">\s*<details class="item-body"( open)?>/g)]
      .filter((m) => m[2])
      .map((m) => m[1]);
    expect(opened).toEqual([]);
  });

  it('every top-level section folds: its heading is the summary of an open <details>', () => {
    for (const id of ['summary', 'detections', 'hunting', 'coverage', 'playbooks', 'workbooks', 'routines']) {
      expect(html).toMatch(new RegExp(`<section id="${id}"[^>]*><details class="section" open><summary><h2>`));
    }
  });

  it('queries wrap instead of scrolling sideways', () => {
    expect(html).toMatch(/pre\.kql \{ white-space:pre-wrap; overflow-wrap:anywhere;/);
  });

  it('plain words: "analytics rule (ARM)", "shown as a table", not rule-arm or "visualization: table · size 0"', () => {
    expect(html).toContain('analytics rule (ARM)');
    expect(html).not.toMatch(/<code>rule-arm<\/code>|visualization: |· size \d/);
    expect(html).toContain('shown as a table');
  });

  it('tactic chips are in kill-chain order, in every detection', () => {
    const killChain = [
      'Reconnaissance',
      'Resource Development',
      'Initial Access',
      'Execution',
      'Persistence',
      'Privilege Escalation',
      'Defense Evasion',
      'Credential Access',
      'Discovery',
      'Lateral Movement',
      'Collection',
      'Command and Control',
      'Exfiltration',
      'Impact',
    ];
    const items = html.split('data-detection="').slice(1);
    expect(items).toHaveLength(pack.rules.length);
    let several = 0;
    for (const item of items) {
      const id = item.slice(0, item.indexOf('"'));
      const at = item.indexOf('<dt>Tactics</dt>');
      const dd = at < 0 ? '' : item.slice(at, item.indexOf('</dd>', at));
      const shown = [...dd.matchAll(/tactic-chip">([^<]+)</g)].map((m) => m[1].replace(/&amp;/g, '&'));
      for (const t of shown) expect({ id, t, known: killChain.includes(t) }).toEqual({ id, t, known: true });
      expect({ id, shown }).toEqual({
        id,
        shown: [...shown].sort((a, b) => killChain.indexOf(a) - killChain.indexOf(b)),
      });
      if (shown.length > 1) several++;
    }
    expect(several).toBeGreaterThan(3);
  });

  it('highlighting continues after a workbook parameter like {TimeRange}', () => {
    const q =
      'SigninLogs\n| where TimeGenerated {TimeRange}\n| where UserPrincipalName in ({Account})\n| summarize count() by bin(TimeGenerated, {TimeRange:grain})';
    const { classifyWorkbookQuery } = jest.requireActual('../../scripts/emit/report/kql');
    const ranges: { kind: string; start: number; length: number }[] = classifyWorkbookQuery(q, classify);
    const at = (text: string, from = 0) => ranges.find((r) => r.start === q.indexOf(text, from));
    expect(at('{TimeRange}')?.kind).toBe('ClientParameter');
    expect(at('{Account}')?.kind).toBe('ClientParameter');
    expect(at('UserPrincipalName')?.kind).toBe('Column');
    expect(at('summarize')).toBeDefined();
    expect(at('bin')?.kind).toBe('Function');
    expect(at('TimeGenerated', q.indexOf('bin'))?.kind).toBe('Column');
    expect(at('{TimeRange:grain}')?.kind).toBe('ClientParameter');
    // the plain classifier loses the thread after a parameter: columns read as identifiers or functions, the rest as plain text
    const plain = classify(q);
    const plainAt = (text: string, from = 0) => plain.find((r) => r.start === q.indexOf(text, from));
    expect(plainAt('UserPrincipalName')?.kind).not.toBe('Column');
    expect(plainAt('TimeGenerated', q.indexOf('bin'))?.kind).not.toBe('Column');
  });

  it("the report's own workbook queries keep their highlighting past {TimeRange}", () => {
    const workbooks = html.slice(html.indexOf('<section id="workbooks"'));
    const pres = [...workbooks.matchAll(/<pre class="kql"[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => m[1]);
    const text = (p: string) => p.replace(/<[^>]+>/g, '');
    const withParams = pres.filter((p) => /\{TimeRange[:}]/.test(text(p)));
    expect(withParams.length).toBeGreaterThan(0);
    for (const p of withParams) {
      // every parameter is marked (Kusto's own classifier marks the first one, then leaves the rest as plain text) ...
      const marked = p.match(/<span class="k-clientparameter">/g) ?? [];
      expect(marked.length).toBe(text(p).match(/\{[A-Za-z_]\w*(?::\w+)?\}/g)!.length);
      // ... and what follows the last one is still classified
      const last = p.lastIndexOf('<span class="k-clientparameter">');
      const rest = p.slice(p.indexOf('</span>', last) + '</span>'.length);
      if (/[A-Za-z]/.test(text(rest))) expect(rest).toMatch(/<span class="k-/);
    }
  });

  it('playbooks are titled by their display names', () => {
    for (const a of emitted.artifacts.filter((x) => x.kind === 'playbook-arm'))
      expect(html).toContain(`<h3>${a.name!.replace(/&/g, '&amp;')}</h3>`);
  });

  it('a loop body is grouped in a box around exactly its actions, inside the drawing', () => {
    const [workflow] = findWorkflows(fixtureArtifacts());
    const g = flowGraph(workflow.definition);
    expect(g.groups!.map((x) => x.id)).toContain('g:For_each_account');
    const l = layoutFlow(g);
    const box = l.groups.find((b) => b.id === 'g:For_each_account')!;
    const members = l.nodes.filter((n) => n.group === 'g:For_each_account');
    expect(members.length).toBeGreaterThan(0);
    for (const n of members) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(box.x);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(box.x + box.w);
      expect(n.y - n.h / 2).toBeGreaterThanOrEqual(box.y);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(box.y + box.h);
    }
    // the loop itself and what follows it are outside
    for (const n of l.nodes.filter((x) => !x.group))
      expect(
        n.y + n.h / 2 <= box.y ||
          n.y - n.h / 2 >= box.y + box.h ||
          n.x + n.w / 2 <= box.x ||
          n.x - n.w / 2 >= box.x + box.w,
      ).toBe(true);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y + box.h).toBeLessThanOrEqual(l.height);
    const svg = String(flowSvg(g, { id: 'pb', key: workflow.key, label: 'flow' }));
    expect(svg).toContain('data-group="For_each_account"');
    // the drawing scales to its panel
    expect(svg).toMatch(/<svg class="flow"[^>]* width="100%" style="max-width:\d+px"/);
  });
});
