/** Plain words for the pack's internal names: what a reader of the report (or the CLI) sees instead of `rule-arm`. */

export const KIND_LABELS: Record<string, string> = {
  'rule-yaml': 'analytics rule (Azure-Sentinel YAML)',
  'rule-arm': 'analytics rule (ARM)',
  'hunting-yaml': 'hunting query (Azure-Sentinel YAML)',
  'hunting-arm': 'hunting query (ARM)',
  'workbook-json': 'workbook (gallery JSON)',
  'workbook-arm': 'workbook (ARM)',
  'playbook-arm': 'playbook (Logic App ARM)',
  'automation-arm': 'automation rule (ARM)',
  'monitor-arm': 'Azure Monitor alert (ARM)',
  'watchlist-csv': 'watchlist (CSV)',
  'watchlist-arm': 'watchlist (ARM)',
  routine: 'routine (Markdown)',
  'pack-arm': 'combined ARM template',
  manifest: 'manifest',
  report: 'this report',
  // deployable resources (manifest.resources[].kind)
  alertRule: 'analytics rule',
  huntingQuery: 'hunting query',
  metadata: 'Sentinel content metadata',
  watchlist: 'watchlist',
  workbook: 'workbook',
  playbook: 'playbook (Logic App)',
  automationRule: 'automation rule',
  monitorAlert: 'Azure Monitor log alert',
  actionGroup: 'action group',
  shared: 'shared resource',
};

export const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind.replace(/[-_]/g, ' ');

/** Workbook visualizations in words ("table", "time chart"), sizes as the portal names them. */
const VISUALIZATIONS: Record<string, string> = {
  table: 'table',
  timechart: 'time chart',
  barchart: 'bar chart',
  piechart: 'pie chart',
  linechart: 'line chart',
  areachart: 'area chart',
  scatterchart: 'scatter chart',
  tiles: 'tiles',
  map: 'map',
  graph: 'graph',
  categoricalbar: 'bar chart',
  unstackedbar: 'bar chart',
};
const SIZES: Record<number, string> = { 0: 'medium', 1: 'small', 2: 'large', 3: 'tiny', 4: 'full' };

export function visualizationLabel(vis: string, size?: unknown): string {
  const v = VISUALIZATIONS[vis.toLowerCase()] ?? vis;
  const s = typeof size === 'number' && SIZES[size] && size !== 0 ? `, ${SIZES[size]}` : '';
  return `${v}${s}`;
}
