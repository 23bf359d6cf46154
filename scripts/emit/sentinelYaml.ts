/** Rendered rules and hunting queries in the Azure-Sentinel YAML format (a valid community rule). */
import { Document, Scalar, YAMLMap } from 'yaml';
import { HuntingItem, RuleItem } from '../content/items';

const RULE_KEY_ORDER = [
  'id',
  'name',
  'description',
  'severity',
  'requiredDataConnectors',
  'queryFrequency',
  'queryPeriod',
  'triggerOperator',
  'triggerThreshold',
  'tactics',
  'relevantTechniques',
  'query',
  'entityMappings',
  'customDetails',
  'alertDetailsOverride',
  'incidentConfiguration',
  'eventGroupingSettings',
  'suppressionEnabled',
  'suppressionDuration',
  'version',
  'kind',
  'status',
  'tags',
  'metadata',
];

function toYaml(obj: Record<string, unknown>, order: string[], blockKeys: string[]): string {
  const ordered: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) ordered[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in ordered) && obj[k] !== undefined) ordered[k] = obj[k];
  const doc = new Document(ordered);
  for (const k of blockKeys) {
    const node = (doc.contents as YAMLMap).get(k, true) as Scalar | undefined;
    if (node && typeof node.value === 'string') node.type = 'BLOCK_LITERAL';
  }
  return doc.toString({ lineWidth: 0 });
}

/** `metadata` of Azure-Sentinel community content (rules and hunting queries alike). */
const COMMUNITY_METADATA = {
  source: { kind: 'Community' },
  author: { name: 'breakglass-sentinel' },
  support: { tier: 'Community' },
  categories: { domains: ['Identity', 'Security - Others'] },
};

export function ruleYaml(item: RuleItem): string {
  const r = item.rule as Record<string, unknown>;
  const withMeta = {
    ...r,
    description: String(r.description).trim() + '\n',
    query: String(r.query).trimEnd() + '\n',
    status: 'Available',
    tags: ['BreakGlass', 'EmergencyAccess'],
    metadata: COMMUNITY_METADATA,
  };
  return toYaml(withMeta, RULE_KEY_ORDER, ['description', 'query']);
}

export function huntingYaml(item: HuntingItem): string {
  const h = item.hunting;
  return toYaml(
    {
      id: item.id,
      ...h,
      description: h.description.trim() + '\n',
      query: h.query.trimEnd() + '\n',
      tags: ['BreakGlass', 'EmergencyAccess'],
      metadata: COMMUNITY_METADATA,
    },
    [
      'id',
      'name',
      'description',
      'requiredDataConnectors',
      'tactics',
      'relevantTechniques',
      'query',
      'entityMappings',
      'version',
      'tags',
      'metadata',
    ],
    ['description', 'query'],
  );
}
