/**
 * `btg render <id>`: print one artifact exactly as it ships — an analytics rule or hunting query (YAML, ARM, or its
 * query), the workbook, each playbook (and its automation rule), the Monitor alert, the watchlist, each routine, or
 * the combined template. Without an id: the list of ids. An id the config leaves out says why; an unknown one lists
 * the valid ids (exit 2).
 */
import { Command } from 'commander';
import { loadConfiguredPack } from '../../pipeline';
import { emitPack } from '../../emit/pack';
import { Artifact } from '../../emit/artifacts';
import { Pack } from '../../content/pack';
import { formatters } from '../../validate/format';
import { ExitCode, SetExit } from '../exit';
import { isTty } from '../io';
import { configOption, requireConfig, unknownId, UsageError } from '../options';

export const RENDER_FORMATS = ['yaml', 'arm', 'kql', 'json', 'csv', 'md', 'automation'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** One renderable thing: its id, what it is (plain words), and each format with its text. */
export interface Renderable {
  id: string;
  what: string;
  name?: string;
  formats: Partial<Record<RenderFormat, string>>;
}

const ALIASES: Record<string, (r: Renderable, pack: Pack) => boolean> = {
  workbook: (r) => r.what === 'workbook',
  watchlist: (r) => r.what === 'watchlist' && r.id === 'watchlist',
  // the sign-in alert (options.monitorAlert), not the response-failure alert that ships beside it
  'monitor-alert': (r, pack) =>
    r.what === 'Azure Monitor alert' && pack.monitorAlerts.some((m) => m.templateId === r.id),
  pack: (r) => r.what === 'combined ARM template',
};

/** What the pack's sources hold but this config leaves out, with why. */
function configLeftOut(pack: Pack): { templateId: string; reason: string }[] {
  const off = pack.config.options.monitorAlert?.enabled === false;
  return [
    ...pack.skipped,
    ...(off
      ? pack.monitorAlerts.map((m) => ({ templateId: m.templateId, reason: 'options.monitorAlert.enabled is false' }))
      : []),
  ];
}

/** Every artifact of the pack, grouped by id. */
export function renderables(pack: Pack, artifacts: Artifact[]): Renderable[] {
  const byId = new Map<string, Renderable>();
  const get = (id: string, what: string, name?: string) => {
    let r = byId.get(id);
    if (!r) byId.set(id, (r = { id, what, name, formats: {} }));
    return r;
  };
  for (const item of pack.rules)
    get(item.templateId, 'analytics rule', item.rule.name).formats.kql = item.query.text.trimEnd() + '\n';
  for (const item of pack.hunting)
    get(item.templateId, 'hunting query', item.hunting.name).formats.kql = item.query.text.trimEnd() + '\n';
  for (const a of artifacts) {
    const id = a.templateId ?? (a.kind === 'pack-arm' ? 'pack' : undefined);
    if (!id) continue;
    switch (a.kind) {
      case 'rule-yaml':
      case 'hunting-yaml':
        get(id, a.kind === 'rule-yaml' ? 'analytics rule' : 'hunting query', a.name).formats.yaml = a.content;
        break;
      case 'rule-arm':
      case 'hunting-arm':
        get(id, a.kind === 'rule-arm' ? 'analytics rule' : 'hunting query', a.name).formats.arm = a.content;
        break;
      case 'workbook-json':
        get(id, 'workbook', a.name).formats.json = a.content;
        break;
      case 'workbook-arm':
        get(id, 'workbook', a.name).formats.arm = a.content;
        break;
      case 'playbook-arm':
        get(id, 'playbook', a.name).formats.arm = a.content;
        break;
      case 'automation-arm':
        get(id, 'automation rule', a.name).formats.automation = a.content;
        break;
      case 'monitor-arm':
        get(id, 'Azure Monitor alert', a.name).formats.arm = a.content;
        break;
      case 'routine':
        get(id, 'routine', a.name).formats.md = a.content;
        break;
      case 'watchlist-csv':
        get(id, 'watchlist', a.name).formats.csv = a.content;
        break;
      case 'watchlist-arm':
        get(id, 'watchlist', a.name).formats.arm = a.content;
        break;
      case 'pack-arm':
        get(id, 'combined ARM template', 'every workspace resource of the pack').formats.arm = a.content;
        break;
    }
  }
  const order: RenderFormat[] = ['yaml', 'json', 'csv', 'md', 'arm', 'kql', 'automation'];
  for (const r of byId.values())
    r.formats = Object.fromEntries(order.filter((f) => r.formats[f] !== undefined).map((f) => [f, r.formats[f]]));
  return [...byId.values()];
}

/** Why an id that exists in the pack's sources is not rendered for this config, or undefined. */
function leftOut(pack: Pack, id: string): string | undefined {
  const s = configLeftOut(pack).find((x) => x.templateId === id);
  if (s) return `${id} is not in the pack for this config: ${s.reason}`;
  if (id === 'watchlist' && pack.config.accountSource !== 'watchlist')
    return 'the watchlist is not in the pack for this config: accountSource is inline (the account ids are rendered into every query); set accountSource: watchlist to emit it';
  if (id === 'monitor-alert' && pack.config.options.monitorAlert?.enabled === false)
    return 'the Azure Monitor alert is not in the pack for this config: options.monitorAlert.enabled is false';
  return undefined;
}

function listText(items: Renderable[], pack: Pack): string {
  const w = Math.max(...items.map((r) => r.id.length));
  const lines = items.map(
    (r) =>
      `  ${r.id.padEnd(w)}  ${r.what}${r.name && r.name !== r.id ? `: ${r.name}` : ''}  [${Object.keys(r.formats).join(', ')}]`,
  );
  const out = configLeftOut(pack).map((x) => `  ${x.templateId}: ${x.reason}`);
  return `Artifacts (btg render <id> [--format <format>]; the first format is the default):\n${lines.join('\n')}\n${out.length ? `Not in the pack for this config:\n${out.join('\n')}\n` : ''}`;
}

export function register(program: Command, setExit: SetExit): void {
  configOption(
    program
      .command('render')
      .description(
        'print one artifact exactly as it ships: a rule or hunting query (yaml, arm, kql), the workbook (json, arm), a playbook (arm, or its automation rule), the Monitor alert, the watchlist (csv, arm), a routine (md); without an id, list them',
      )
      .argument(
        '[id]',
        'template id, e.g. btg-interactive-signin, btg-notify-enrich, test-routine; or workbook, watchlist, monitor-alert, pack',
      ),
  )
    .option('--format <format>', `what to print: ${RENDER_FORMATS.join(', ')} (default: the artifact's first format)`)
    .action((id: string | undefined, opts: { config: string; format?: string }) => {
      if (opts.format !== undefined && !(RENDER_FORMATS as readonly string[]).includes(opts.format))
        throw new UsageError(`--format ${opts.format}: expected one of ${RENDER_FORMATS.join(', ')}`);
      requireConfig(opts.config);
      const { pack, diagnostics } = loadConfiguredPack(opts.config);
      if (!pack) {
        process.stderr.write(formatters.stylish(diagnostics, { color: isTty(process.stderr) }));
        return setExit(ExitCode.Findings);
      }
      const items = renderables(pack, emitPack(pack, { report: false }).artifacts);
      if (id === undefined) return void process.stdout.write(listText(items, pack));
      const alias = ALIASES[id];
      const item = alias ? items.find((r) => alias(r, pack)) : items.find((r) => r.id === id);
      if (!item) {
        const why = leftOut(pack, id);
        if (why) throw new UsageError(why);
        throw unknownId('artifact id', id, [...items.map((r) => r.id), ...Object.keys(ALIASES)]);
      }
      const format = (opts.format ?? Object.keys(item.formats)[0]) as RenderFormat;
      const text = item.formats[format];
      if (text === undefined)
        throw new UsageError(
          `${item.id} (${item.what}) has no ${format} form; its formats: ${Object.keys(item.formats).join(', ')}`,
        );
      if (pack.rules.some((r) => r.templateId === item.id && !r.enabled))
        process.stderr.write(
          `note: ${item.id} is disabled by options.rules.${item.id}.enabled: false (it ships disabled)\n`,
        );
      process.stdout.write(text);
    });
}
