/**
 * The content around the detections: workbooks, playbooks (+ their queries), the Azure Monitor alert and the
 * routines, loaded and rendered for a Pack. Loaded once per Pack (memoised on the Pack object) so the validators
 * and the emitters registered for these kinds read the same rendered content without changing the Pack type.
 */
import { packPath, PLAYBOOKS_DIR, WORKBOOKS_DIR } from '../paths';
import { packContext, PackContext } from './context';
import { loadMonitorAlerts, MonitorAlertContent } from './monitorAlert';
import { Pack } from './pack';
import { loadPlaybooks, PlaybookContent, PlaybookQuery } from './playbooks';
import { loadRoutines, RoutineContent, routineContext } from './routines';
import { loadWorkbooks, WorkbookContent } from './workbook';
import { Diagnostic } from '../core/diagnostic';

/** Monitor alert templates sit with the detections; routines with the playbooks whose human half they are. */
export const MONITOR_DIR = packPath('detections', 'monitor');
export const ROUTINES_DIR = packPath('playbooks', 'routines');

export interface ExtrasDirs {
  workbooks: string;
  playbooks: string;
  monitor: string;
  routines: string;
}
export const DEFAULT_EXTRAS_DIRS: ExtrasDirs = {
  workbooks: WORKBOOKS_DIR,
  playbooks: PLAYBOOKS_DIR,
  monitor: MONITOR_DIR,
  routines: ROUTINES_DIR,
};

export interface PackExtras {
  ctx: PackContext;
  workbooks: WorkbookContent[];
  playbooks: PlaybookContent[];
  playbookQueries: PlaybookQuery[];
  monitorAlerts: MonitorAlertContent[];
  routines: RoutineContent[];
  /** load and render problems (schema, JSON/YAML syntax, template rendering), per kind */
  diagnostics: {
    workbooks: Diagnostic[];
    playbooks: Diagnostic[];
    monitorAlerts: Diagnostic[];
    routines: Diagnostic[];
  };
}

export function loadExtras(pack: Pack, dirs: ExtrasDirs = DEFAULT_EXTRAS_DIRS): PackExtras {
  const config = pack.config;
  const ctx = packContext(
    config,
    pack.rules.map((r) => r.rule.id),
  );
  const wb = loadWorkbooks(dirs.workbooks, ctx, config);
  const pb = loadPlaybooks(dirs.playbooks, ctx, config);
  const mon = loadMonitorAlerts(dirs.monitor, ctx, config);
  const rctx = routineContext(config, ctx, pack.rules, pb.items, mon.items, wb.items);
  const rt = loadRoutines(dirs.routines, rctx);
  return {
    ctx,
    workbooks: wb.items,
    playbooks: pb.items,
    playbookQueries: pb.queries,
    monitorAlerts: mon.items,
    routines: rt.items,
    diagnostics: {
      workbooks: wb.diagnostics,
      playbooks: pb.diagnostics,
      monitorAlerts: mon.diagnostics,
      routines: rt.diagnostics,
    },
  };
}

const cache = new WeakMap<Pack, PackExtras>();
/** The extras of a pack with the pack's own folders, loaded on first use. */
export function packExtras(pack: Pack): PackExtras {
  let e = cache.get(pack);
  if (!e) cache.set(pack, (e = loadExtras(pack)));
  return e;
}
