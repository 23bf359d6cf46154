/**
 * The plain Azure Monitor log search alert for workspaces without Sentinel (`detections/monitor/*.yaml`), as
 * Microsoft's emergency-access guidance describes it: SigninLogs filtered on the break-glass object ids, number of
 * results > 0, severity 0, every 5 minutes over 5 minutes, mail through an action group.
 */
import * as path from 'path';
import { z } from 'zod';
import { Config } from '../config/schema';
import { packIdOf, packNames } from './ids';
import { Diagnostic } from '../core/diagnostic';
import { queryDiagnosticAt } from './locate';
import { PackContext } from './context';
import { QueryText } from './items';
import { listYaml, zodDiagnostics } from './load';
import { fillSubject, identityRendered, queryEnvironment, renderQuery, renderText, TemplateError } from './render';
import { loadYamlFile, scalarOrigin, YamlSource } from '../core/yamlSource';
import { durationMinutes } from '../kql/literals';

/** Evaluation frequencies the scheduled query rules service accepts; windowSize also allows P2D. */
export const SQR_FREQUENCIES = [
  'PT1M',
  'PT5M',
  'PT10M',
  'PT15M',
  'PT30M',
  'PT45M',
  'PT1H',
  'PT2H',
  'PT3H',
  'PT4H',
  'PT5H',
  'PT6H',
  'P1D',
] as const;

export const MonitorAlertTemplate = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().min(1),
    severity: z.number().int().min(0).max(4),
    evaluationFrequency: z.enum(SQR_FREQUENCIES),
    /** absent: the smallest window the service accepts that covers evaluationFrequency + options.ingestionDelay */
    windowSize: z.enum([...SQR_FREQUENCIES, 'P2D']).optional(),
    query: z.string().min(1),
  })
  .strict();
export type MonitorAlertTemplate = z.infer<typeof MonitorAlertTemplate>;

const WINDOW_SIZES = [...SQR_FREQUENCIES, 'P2D'] as const;
/**
 * The look-back of the log alert: the smallest window the service accepts that covers evaluationFrequency +
 * options.ingestionDelay (the query keeps only rows ingested within evaluationFrequency, as Sentinel's Scheduled
 * rules do), at most P2D.
 */
export function monitorWindow(evaluationFrequency: string, ingestionDelay: string): (typeof WINDOW_SIZES)[number] {
  const need = durationMinutes(evaluationFrequency) + durationMinutes(ingestionDelay);
  return WINDOW_SIZES.find((w) => durationMinutes(w) >= need) ?? 'P2D';
}

export interface MonitorAlertContent {
  itemKind: 'monitorAlert';
  templateId: string;
  file: string;
  source: YamlSource;
  /** name and description rendered */
  alert: MonitorAlertTemplate & { windowSize: NonNullable<MonitorAlertTemplate['windowSize']> };
  query: QueryText;
  /** notify.emailSubject rendered with alertName = the alert's name */
  subject: string;
  /** the scheduled query rule's resource name: the subject, made a valid resource name */
  ruleName: string;
}

/** A scheduled query rule name may not contain <>*%&:\?+/#| or control characters (ARM naming rules). */
export function ruleNameFrom(subject: string): string {
  return subject
    .replace(/[\x00-\x1f\x7f]/g, '')
    .replace(/(\s*[<>*%&:\\?+/#|]+)+\s*/g, ' - ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 260)
    .replace(/[ .]+$/, '');
}

export function loadMonitorAlerts(
  dir: string,
  ctx: PackContext,
  config: Config,
): { items: MonitorAlertContent[]; diagnostics: Diagnostic[] } {
  const items: MonitorAlertContent[] = [];
  const diagnostics: Diagnostic[] = [];
  // A workspace without Sentinel has no _GetWatchlist: the alert always carries the object ids inline.
  const inline: Config = { ...config, accountSource: 'inline' };
  const env = queryEnvironment(inline);
  const inlineCtx: PackContext = { ...ctx, accountSource: 'inline', watchlistMode: false };
  for (const file of listYaml(dir)) {
    const templateId = path.basename(file).replace(/\.ya?ml$/i, '');
    const { source, diagnostics: yd } = loadYamlFile(file);
    diagnostics.push(...yd);
    if (!source) continue;
    const parsed = MonitorAlertTemplate.safeParse(source.data);
    if (!parsed.success) {
      diagnostics.push(...zodDiagnostics(parsed.error, source, 'monitor-alert-schema'));
      continue;
    }
    const t = parsed.data;
    const base = { template: t.query, file, origin: scalarOrigin(source, ['query']), fileText: source.text };
    let query: QueryText;
    try {
      const rendered = renderQuery(t.query, inlineCtx, env);
      query = { ...base, text: rendered.text, rendered };
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const q: QueryText = { ...base, text: t.query, rendered: identityRendered(t.query) };
      diagnostics.push(
        ...e.problems.map((p) =>
          queryDiagnosticAt(q, p.offset, p.length, 'template-render', 'error', p.message, templateId),
        ),
      );
      continue;
    }
    try {
      const windowSize = t.windowSize ?? monitorWindow(t.evaluationFrequency, config.options.ingestionDelay);
      const alert = {
        ...t,
        windowSize,
        name: renderText(t.name, ctx),
        description: renderText(t.description, ctx).trim(),
        query: query.text,
      };
      const subject = fillSubject(config.notify.emailSubject, { alertName: alert.name, tenantName: ctx.tenantName });
      // the packId keeps two configs' alerts in one resource group apart (content/ids.ts)
      items.push({
        itemKind: 'monitorAlert',
        templateId,
        file,
        source,
        alert,
        query,
        subject,
        ruleName: `${ruleNameFrom(subject)
          .slice(0, 240)
          .replace(/[ .]+$/, '')}${packNames.monitorAlertSuffix(packIdOf(config))}`,
      });
    } catch (e) {
      diagnostics.push({
        code: 'template-render',
        severity: 'error',
        file,
        message: `name, description or notify.emailSubject: ${(e as Error).message.split('\n')[0]}`,
      });
    }
  }
  return { items, diagnostics };
}
