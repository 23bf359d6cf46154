/** When a rule "fires" on a result count, and which time window its live test query runs over. */
import { SentinelRule } from '../content/ruleSchema';
import { durationMinutes } from '../kql/literals';

export type TriggerOperator = 'gt' | 'lt' | 'eq' | 'ne';
export interface Trigger {
  operator: TriggerOperator;
  threshold: number;
}

const OPERATORS: Record<string, TriggerOperator> = {
  gt: 'gt',
  greaterthan: 'gt',
  lt: 'lt',
  lessthan: 'lt',
  eq: 'eq',
  equal: 'eq',
  ne: 'ne',
  notequal: 'ne',
};

/** Scheduled rules: their triggerOperator/triggerThreshold. NRT rules create an alert on any result: gt 0. */
export function ruleTrigger(rule: Pick<SentinelRule, 'kind' | 'triggerOperator' | 'triggerThreshold'>): Trigger {
  if (rule.kind === 'NRT') return { operator: 'gt', threshold: 0 };
  const operator = OPERATORS[String(rule.triggerOperator ?? 'gt').toLowerCase()];
  if (!operator) throw new Error(`triggerOperator ${JSON.stringify(rule.triggerOperator)}: expected gt, lt, eq or ne`);
  return { operator, threshold: rule.triggerThreshold ?? 0 };
}

export function fires(count: number, t: Trigger): boolean {
  switch (t.operator) {
    case 'gt':
      return count > t.threshold;
    case 'lt':
      return count < t.threshold;
    case 'eq':
      return count === t.threshold;
    case 'ne':
      return count !== t.threshold;
  }
}

export const describeTrigger = (t: Trigger): string =>
  `count ${{ gt: '>', lt: '<', eq: '==', ne: '!=' }[t.operator]} ${t.threshold}`;

/** NRT rules have no query period; their live test looks back one day. */
export const NRT_WINDOW = '1d';

/** The query API time range: the rule's queryPeriod (NRT: 1 day) ending at `now`. */
export function testWindow(
  rule: Pick<SentinelRule, 'kind' | 'queryPeriod'>,
  now: Date,
): { period: string; startTime: Date; endTime: Date } {
  const period = rule.kind === 'NRT' || !rule.queryPeriod ? NRT_WINDOW : rule.queryPeriod;
  const minutes = durationMinutes(period);
  return { period, startTime: new Date(now.getTime() - minutes * 60_000), endTime: new Date(now.getTime()) };
}
