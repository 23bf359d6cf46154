/**
 * Routines: Markdown runbooks for people (`playbooks/routines/*.md.hbs`), rendered with the tenant's own accounts,
 * custodians, intervals and the names of what the pack actually emits, so the runbook and the alerts agree.
 * They sit next to the playbooks because they are the human half of the same incident automation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../config/schema';
import { EMERGENCY_ACCESS_GUIDANCE_URL } from '../core/definitions';
import { Diagnostic } from '../core/diagnostic';
import { PackContext } from './context';
import { RuleItem } from './items';
import { MonitorAlertContent } from './monitorAlert';
import { PlaybookContent } from './playbooks';
import { fillSubject, renderText } from './render';
import { WorkbookContent } from './workbook';

/** The rule whose incident the test routine waits for. */
export const SIGNIN_RULE_TEMPLATE = 'btg-interactive-signin';

export interface RoutineContent {
  itemKind: 'routine';
  /** file name without `.md.hbs` */
  templateId: string;
  file: string;
  text: string;
}

export interface RoutineContext extends PackContext {
  accountsTable: { upn: string; displayName: string; objectId: string; role: string; custodians: string }[];
  notify: {
    emails: string;
    hasEmails: boolean;
    teams: boolean;
    incidentOwner: string;
    identityOwners: string;
    phones: boolean;
  };
  /** the configured sign-in methods in words ("a FIDO2 security key or a certificate (CBA)"), and which kinds they include */
  authMethods: { text: string; fido2: boolean; certificate: boolean; other: boolean };
  /** the guidance the routines follow */
  guidance: { title: string; url: string };
  testInterval: { days: number; text: string };
  rules: { name: string; severity: string; kind: string }[];
  /** the incident title the sign-in rule gives a successful sign-in, per account */
  signInRule: { name: string; incidents: { upn: string; title: string }[] } | null;
  monitorAlert: { name: string; subject: string } | null;
  emailSubjectExample: string;
  playbooks: { name: string; displayName: string; description: string }[];
  confirmationPlaybook: boolean;
  workbook: string;
  watchlist: string;
}

const FIDO2_METHODS = /fido2|passkey \(device-bound\)/i;
const CERT_METHODS = /x\.509|certificate/i;

/** The configured sign-in methods in the words a custodian reads, e.g. "a FIDO2 security key or a certificate (CBA)". */
export function authMethodWords(methods: readonly string[]): RoutineContext['authMethods'] {
  const fido2 = methods.some((m) => FIDO2_METHODS.test(m));
  const certificate = methods.some((m) => CERT_METHODS.test(m));
  const others = methods.filter((m) => !FIDO2_METHODS.test(m) && !CERT_METHODS.test(m));
  const words = [
    ...(fido2 ? ['a FIDO2 security key'] : []),
    ...(certificate ? ['a certificate (certificate-based authentication, e.g. a smart card)'] : []),
    ...others.map((m) => `"${m}"`),
  ];
  const text =
    words.length <= 1
      ? (words[0] ?? 'the configured method')
      : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  return { text, fido2, certificate, other: others.length > 0 };
}

/**
 * A config value as literal Markdown text in a routine (the runbook custodians follow in an emergency): one line, and
 * every character that could start markup, a link, raw HTML or a table cell backslash-escaped — so a display name,
 * tenant name or custodian address can neither forge a heading or step nor carry a link or HTML.
 */
export function mdText(value: string): string {
  return value.replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, ' ').replace(/[\\`*_[\]<>|#!~]/g, (c) => `\\${c}`);
}

/** "six-monthly" reads better than "every 180 days" in a routine's title. */
export function intervalText(days: number): string {
  if (days >= 178 && days <= 184) return 'six-monthly';
  if (days >= 89 && days <= 92) return 'quarterly';
  if (days >= 28 && days <= 31) return 'monthly';
  if (days >= 364 && days <= 366) return 'yearly';
  return `every ${days} days`;
}

/** An alert display name format with its {{Column}} placeholders filled from a sample row (unknown ones kept visible). */
export function fillAlertName(format: string, row: Record<string, string>): string {
  return format.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, col: string) => row[col] ?? `<${col}>`);
}

export function routineContext(
  config: Config,
  ctx: PackContext,
  rules: RuleItem[],
  playbooks: PlaybookContent[],
  monitor: MonitorAlertContent[],
  workbooks: WorkbookContent[],
): RoutineContext {
  const enabled = rules.filter((r) => r.enabled);
  const signIn = enabled.find((r) => r.templateId === SIGNIN_RULE_TEMPLATE);
  const fmt = signIn?.rule.alertDetailsOverride?.alertDisplayNameFormat;
  const emitted = playbooks.filter((p) => p.emitted);
  const monitorOn = config.options.monitorAlert.enabled ? monitor[0] : undefined;
  const incidents = signIn
    ? ctx.accounts.map((a) => ({
        upn: mdText(a.userPrincipalName),
        title: mdText(
          fmt
            ? fillAlertName(fmt, {
                UserPrincipalName: a.userPrincipalName,
                Result: 'Success',
                UserDisplayName: a.displayName,
              })
            : signIn.rule.name,
        ),
      }))
    : [];
  return {
    ...ctx,
    // config values are Markdown text, never markup (mdText)
    tenantName: mdText(ctx.tenantName),
    accountsTable: ctx.accounts.map((a, i) => ({
      upn: mdText(a.userPrincipalName),
      displayName: mdText(a.displayName),
      objectId: a.objectId,
      role: config.accounts[i].role,
      custodians: mdText(a.custodians.join(', ')) || '(none configured)',
    })),
    notify: {
      emails: mdText(config.notify.emails.join(', ')),
      hasEmails: config.notify.emails.length > 0,
      teams: !!config.notify.teams,
      incidentOwner: mdText(config.notify.incidentOwner ?? ''),
      identityOwners: mdText(config.notify.identityOwners.join(', ')),
      phones: config.notify.sms.length + config.notify.voice.length > 0,
    },
    authMethods: authMethodWords(config.options.allowedAuthMethods),
    guidance: { title: 'Manage emergency access accounts in Microsoft Entra ID', url: EMERGENCY_ACCESS_GUIDANCE_URL },
    testInterval: { days: config.options.testIntervalDays, text: intervalText(config.options.testIntervalDays) },
    rules: enabled.map((r) => ({ name: r.rule.name, severity: r.rule.severity, kind: r.rule.kind })),
    signInRule: signIn ? { name: signIn.rule.name, incidents } : null,
    monitorAlert: monitorOn ? { name: mdText(monitorOn.ruleName), subject: mdText(monitorOn.subject) } : null,
    // the notify playbook puts the incident title where the subject says {{alertName}}
    emailSubjectExample: mdText(
      fillSubject(config.notify.emailSubject, {
        alertName:
          (fmt && ctx.accounts[0]
            ? fillAlertName(fmt, {
                UserPrincipalName: ctx.accounts[0].userPrincipalName,
                Result: 'Success',
                UserDisplayName: ctx.accounts[0].displayName,
              })
            : signIn?.rule.name) ?? 'Break-glass account sign-in',
        tenantName: ctx.tenantName,
      }),
    ),
    playbooks: emitted.map((p) => ({
      name: p.templateId,
      displayName: p.meta.displayName,
      description: p.meta.description,
    })),
    confirmationPlaybook:
      emitted.some((p) => p.meta.when === 'approvers') && config.accounts.some((a) => a.custodians.length > 0),
    workbook: mdText(workbooks[0]?.displayName ?? 'Break-glass accounts'),
    watchlist: config.watchlist.alias,
  };
}

export function loadRoutines(dir: string, ctx: RoutineContext): { items: RoutineContent[]; diagnostics: Diagnostic[] } {
  const items: RoutineContent[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!fs.existsSync(dir)) return { items, diagnostics };
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.md.hbs'))
    .sort()) {
    const file = path.join(dir, f);
    const template = fs.readFileSync(file, 'utf8');
    try {
      items.push({
        itemKind: 'routine',
        templateId: f.replace(/\.md\.hbs$/, ''),
        file,
        text: renderText(template, ctx),
      });
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      const line = /line (\d+)/.exec(msg);
      const range = line
        ? { start: { line: Number(line[1]) - 1, character: 0 }, end: { line: Number(line[1]) - 1, character: 1 } }
        : undefined;
      diagnostics.push({ code: 'template-render', severity: 'error', file, range, message: `routine ${f}: ${msg}` });
    }
  }
  return { items, diagnostics };
}
