/**
 * What the templates around the detections (workbooks, playbook queries, monitor alert, routines) see: the rule
 * templates' render context plus facts about the pack itself.
 */
import { Config } from '../config/schema';
import { renderContext, RenderContext } from './load';

/** Title prefix of the incidents the test-reminder playbook raises; its query skips accounts that already have one open. */
export const REMINDER_TITLE_PREFIX = 'Break-glass account test overdue';

export interface PackContext extends RenderContext {
  /** true when queries read the accounts from the watchlist (templates switch with {{#if watchlistMode}}) */
  watchlistMode: boolean;
  /** ids of the pack's analytics rules (lower-case GUIDs), to find the incidents they raised */
  packRuleIds: string[];
  reminderTitlePrefix: string;
}

export function packContext(config: Config, ruleIds: readonly string[]): PackContext {
  return {
    ...renderContext(config),
    watchlistMode: config.accountSource === 'watchlist',
    packRuleIds: ruleIds.map((id) => id.toLowerCase()),
    reminderTitlePrefix: REMINDER_TITLE_PREFIX,
  };
}
