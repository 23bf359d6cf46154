/**
 * The content stage: every kind of the pack loaded and rendered for one config, into one Pack. Validate and emit
 * read the Pack's fields and never read content from disk themselves; a new content kind adds a field and its
 * loader here. The Pack is deep-frozen: later stages return what they compute (validate its diagnostics and
 * analyses, emit its artifacts) and cannot write into it.
 */
import { Config } from '../config/schema';
import { YamlSource, rangeOfPath, lineText } from '../core/yamlSource';
import { DETECTIONS_DIR, HUNTING_DIR, MONITOR_DIR, PLAYBOOKS_DIR, ROUTINES_DIR, WORKBOOKS_DIR } from '../paths';
import { Diagnostic, escapeControls } from '../core/diagnostic';
import { deepFreeze } from '../core/freeze';
import { packContext } from './context';
import { HuntingItem, RuleItem } from './items';
import { loadHuntingTemplates, loadRuleTemplates } from './load';
import { loadMonitorAlerts, MonitorAlertContent } from './monitorAlert';
import { loadPlaybooks, PlaybookContent, PlaybookQuery } from './playbooks';
import { loadRoutines, RoutineContent, routineContext } from './routines';
import { watchlistContent, WatchlistContent } from './watchlist';
import { loadWorkbooks, WorkbookContent } from './workbook';

/** The folders each kind is loaded from (tests replace one with a temp folder). */
export interface PackDirs {
  detections: string;
  hunting: string;
  workbooks: string;
  playbooks: string;
  /** Monitor alert templates sit with the detections */
  monitor: string;
  /** routines sit with the playbooks whose human half they are */
  routines: string;
}

export const DEFAULT_DIRS: PackDirs = {
  detections: DETECTIONS_DIR,
  hunting: HUNTING_DIR,
  workbooks: WORKBOOKS_DIR,
  playbooks: PLAYBOOKS_DIR,
  monitor: MONITOR_DIR,
  routines: ROUTINES_DIR,
};

/** The load and render problems of one kind (schema, YAML/JSON syntax, template rendering). */
export interface LoadDiagnostics {
  /** the config's references to the content (`options.rules.<unknown template>`) */
  readonly config: readonly Diagnostic[];
  readonly rules: readonly Diagnostic[];
  readonly hunting: readonly Diagnostic[];
  readonly workbooks: readonly Diagnostic[];
  readonly playbooks: readonly Diagnostic[];
  readonly monitorAlerts: readonly Diagnostic[];
  readonly routines: readonly Diagnostic[];
}

export interface Pack {
  readonly config: Config;
  readonly configFile: string;
  readonly rules: readonly RuleItem[];
  readonly hunting: readonly HuntingItem[];
  readonly workbooks: readonly WorkbookContent[];
  readonly playbooks: readonly PlaybookContent[];
  /** the KQL of `playbooks/queries/`, rendered (the playbooks inline them) */
  readonly playbookQueries: readonly PlaybookQuery[];
  readonly monitorAlerts: readonly MonitorAlertContent[];
  readonly routines: readonly RoutineContent[];
  /** the account watchlist (`accountSource: watchlist` only) */
  readonly watchlist?: WatchlistContent;
  /** templates not emitted for this config, and why */
  readonly skipped: readonly { templateId: string; reason: string }[];
  /** load and render problems, per kind */
  readonly diagnostics: LoadDiagnostics;
}

export function loadPack(
  config: Config,
  configFile: string,
  configSource?: YamlSource,
  folders: Partial<PackDirs> = {},
): Pack {
  const dirs = { ...DEFAULT_DIRS, ...folders };
  const rules = loadRuleTemplates(dirs.detections, config);
  const hunting = loadHuntingTemplates(dirs.hunting, config);
  const ctx = packContext(
    config,
    rules.items.map((r) => r.rule.id),
  );
  const wb = loadWorkbooks(dirs.workbooks, ctx, config);
  const pb = loadPlaybooks(dirs.playbooks, ctx, config);
  const mon = loadMonitorAlerts(dirs.monitor, ctx, config);
  const rt = loadRoutines(dirs.routines, routineContext(config, ctx, rules.items, pb.items, mon.items, wb.items));
  return deepFreeze<Pack>({
    config,
    configFile,
    rules: rules.items,
    hunting: hunting.items,
    workbooks: wb.items,
    playbooks: pb.items,
    playbookQueries: pb.queries,
    monitorAlerts: mon.items,
    routines: rt.items,
    watchlist: watchlistContent(config),
    skipped: [...rules.skipped, ...hunting.skipped],
    diagnostics: {
      config: unknownRuleDiagnostics(config, configFile, configSource, [
        ...rules.items.map((r) => r.templateId),
        ...rules.skipped.map((s) => s.templateId),
      ]),
      rules: rules.diagnostics,
      hunting: hunting.diagnostics,
      workbooks: wb.diagnostics,
      playbooks: pb.diagnostics,
      monitorAlerts: mon.diagnostics,
      routines: rt.diagnostics,
    },
  });
}

/** `options.rules.<id>` naming no rule template (loaded or skipped for this config). */
function unknownRuleDiagnostics(
  config: Config,
  configFile: string,
  configSource: YamlSource | undefined,
  templateIds: readonly string[],
): Diagnostic[] {
  const known = new Set(templateIds);
  return Object.keys(config.options.rules)
    .filter((key) => !known.has(key))
    .map((key) => {
      const path = ['options', 'rules', key];
      const range = configSource ? rangeOfPath(configSource, path) : undefined;
      return {
        code: 'config-unknown-rule',
        severity: 'error',
        file: configFile,
        path,
        range,
        sourceLine: configSource && range ? lineText(configSource, range.start.line) : undefined,
        message: `options.rules.${escapeControls(key)}: no rule template "${escapeControls(key)}" (known: ${[...known].sort().join(', ')})`,
      };
    });
}
