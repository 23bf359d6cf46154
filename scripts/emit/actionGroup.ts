/**
 * Whether the pack emits its action group, and its name: one per config, shared by the Azure Monitor alerts (the
 * sign-in alert, the response-failure alert) and the playbooks' run-failure metric alerts (issue 14 items 3, 4).
 */
import { Config } from '../config/schema';
import { packIdOf, packNames } from '../content/ids';
import type { Pack } from '../content/pack';

/** Whether the config names anyone for the action group (mail, SMS, voice or the webhook parameter). */
export const hasActionGroupReceivers = (config: Config): boolean =>
  config.notify.emails.length + config.notify.sms.length + config.notify.voice.length > 0 || config.notify.webhook;

/**
 * The action group's name when the pack emits one: the config names receivers, and there is an alert to carry
 * (the sign-in alert, or the response alerts that exist whenever the pack has rules).
 */
export function packActionGroupName(pack: Pick<Pack, 'config' | 'rules' | 'monitorAlerts'>): string | undefined {
  const signIn = pack.config.options.monitorAlert.enabled ? pack.monitorAlerts.length : 0;
  return hasActionGroupReceivers(pack.config) && (signIn > 0 || pack.rules.length > 0)
    ? packNames.actionGroup(packIdOf(pack.config))
    : undefined;
}
