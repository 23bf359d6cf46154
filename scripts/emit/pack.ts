/** The emit stage: a validated Pack in, the files of `out/` (and the resources deploy applies) out. Pure. */
import { Pack } from '../content/pack';
import { packIdOf } from '../content/ids';
import { armTemplate } from './arm';
import { Artifact, manifestFor } from './artifacts';
import { huntingResources, LEVELS, ruleResources, WorkspaceResource } from './resources';
import { huntingYaml, ruleYaml } from './sentinelYaml';
import { emitWatchlist } from './watchlist';
import { workbookEmitter } from './workbook';
import { playbookEmitter } from './playbooks';
import { automationRuleEmitter } from './automationRules';
import { emitDrillWatchlist } from './drillWatchlist';
import { monitorAlertEmitter } from './monitorAlert';
import { routineEmitter } from './routines';
import { REPORT_PATH, renderReport } from './report';
import { RuleTestSummary } from '../livetest/offline';
import { PACK_VERSION } from '../paths';
import { KqlAnalyzer } from '../kql/analyzer';
import { Diagnostic } from '../core/diagnostic';

export interface Emitted {
  artifacts: Artifact[];
  /** every resource of the pack for one workspace, in deploy order */
  resources: WorkspaceResource[];
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** What the pipeline computed before emit, for report.html. */
export interface ReportInputs {
  report?: true;
  /** the validation result the report shows per item (a build only emits when it has no errors) */
  diagnostics?: readonly Diagnostic[];
  /** the analyzer the pack was validated with: the report highlights KQL with its classifier */
  analyzer: Pick<KqlAnalyzer, 'classify'>;
  /** each rule's offline test summary (the pipeline's test stage); absent: the report shows no test line */
  tests?: Readonly<Record<string, RuleTestSummary>>;
}

/**
 * The files of `out/` and the resources deploy applies. report.html is written only from the report inputs the
 * pipeline computed (`{ report: false }` or no options: plan, deploy and render need only the resources and files).
 */
export type EmitOptions = ReportInputs | { report: false };

export function emitPack(pack: Pack, opts: EmitOptions = { report: false }): Emitted {
  const artifacts: Artifact[] = [];
  const resources: WorkspaceResource[] = [];
  const packId = packIdOf(pack.config);

  for (const item of pack.rules) {
    const res = ruleResources(item, packId);
    resources.push(...res);
    const base = { templateId: item.templateId, id: item.rule.id, name: item.rule.name };
    artifacts.push({ ...base, kind: 'rule-yaml', path: `detections/${item.templateId}.yaml`, content: ruleYaml(item) });
    artifacts.push({
      ...base,
      kind: 'rule-arm',
      path: `arm/detections/${item.templateId}.json`,
      content: json(armTemplate(res, `Analytics rule: ${item.rule.name}`)),
    });
  }
  for (const item of pack.hunting) {
    const res = huntingResources(item, packId);
    resources.push(...res);
    const base = { templateId: item.templateId, id: item.id, name: item.hunting.name };
    artifacts.push({
      ...base,
      kind: 'hunting-yaml',
      path: `hunting/${item.templateId}.yaml`,
      content: huntingYaml(item),
    });
    artifacts.push({
      ...base,
      kind: 'hunting-arm',
      path: `arm/hunting/${item.templateId}.json`,
      content: json(armTemplate(res, `Hunting query: ${item.hunting.name}`)),
    });
  }
  for (const emitKind of KIND_EMITTERS) {
    const out = emitKind(pack);
    artifacts.push(...out.artifacts);
    resources.push(...out.resources);
  }

  resources.sort((a, b) => LEVELS[a.kind] - LEVELS[b.kind]);
  artifacts.push({
    kind: 'pack-arm',
    path: 'arm/breakglass-sentinel.json',
    content: json(
      armTemplate(
        resources.filter((r) => r.kind !== 'playbook'),
        'breakglass-sentinel: every workspace resource of the pack',
      ),
    ),
  });

  const manifest = manifestFor(artifacts, resources, {
    generator: 'breakglass-sentinel',
    packVersion: PACK_VERSION,
    accountSource: pack.config.accountSource,
    accounts: pack.config.accounts.map((a) => a.userPrincipalName),
    workspaces: pack.config.workspaces.map((w) => w.name ?? w.workspaceName),
    skipped: pack.skipped,
  });
  artifacts.push({ kind: 'manifest', path: 'manifest.json', content: json(manifest) });
  // last: the report reads every other artifact, the manifest included
  if (opts.report !== false) {
    const { analyzer, diagnostics, tests } = opts;
    artifacts.push({
      kind: 'report',
      path: REPORT_PATH,
      content: renderReport({ pack, artifacts, diagnostics, classify: (q) => analyzer.classify(q), tests }),
    });
  }
  return { artifacts, resources };
}

/**
 * The emitters of the kinds beyond rules and hunting queries (watchlists, workbook, playbooks, automation rules,
 * Monitor alerts, routines), each reading its fields of the Pack; report.html is written last by emitPack.
 */
export type Emitter = (pack: Pack) => Emitted;
export const KIND_EMITTERS: Emitter[] = [
  emitWatchlist,
  emitDrillWatchlist,
  workbookEmitter,
  playbookEmitter,
  automationRuleEmitter,
  monitorAlertEmitter,
  routineEmitter,
];
