/**
 * Checks Azure-Sentinel's own CI runs on analytic rule YAML (.script/tests/detectionTemplateSchemaValidation) that the
 * service-limit checks in rule.ts do not already cover. Ids unique across files: pack-unique-ids (files.ts).
 */
import { RuleItem } from '../../content/items';
import { Check, Finding } from './types';

/** NewEntityMappingsAttribute: legacy "custom entity" columns the old entity model used. */
const LEGACY_ENTITY_COLUMNS = [
  'AccountCustomEntity',
  'HostCustomEntity',
  'IPCustomEntity',
  'URLCustomEntity',
  'ProcessCustomEntity',
  'FileHashCustomEntity',
];

export const ciChecks = {
  'rule-data-connectors': {
    description:
      'Scheduled: requiredDataConnectors is present; each entry is {connectorId, dataTypes: [...]} with names',
    severity: 'error',
    help: 'Azure-Sentinel CI (ScheduledTemplateInternalModel) requires requiredDataConnectors on Scheduled rules (an empty list is allowed), each with dataTypes; the content hub uses them to tell which connectors a rule needs.',
    fn: (it) => {
      const f: Finding[] = [];
      const rdc = it.rule.requiredDataConnectors;
      if (rdc === undefined) {
        if (it.rule.kind === 'Scheduled')
          f.push({
            path: ['requiredDataConnectors'],
            message:
              'requiredDataConnectors: required on a Scheduled rule (a list of {connectorId, dataTypes}; [] when none applies)',
          });
        return f;
      }
      rdc.forEach((c, i) => {
        if (!c.connectorId.trim())
          f.push({
            path: ['requiredDataConnectors', i, 'connectorId'],
            message: `requiredDataConnectors[${i}].connectorId: empty`,
          });
        c.dataTypes.forEach((d, j) => {
          if (typeof d !== 'string' || !d.trim())
            f.push({
              path: ['requiredDataConnectors', i, 'dataTypes', j],
              message: `requiredDataConnectors[${i}].dataTypes[${j}]: expected a table name`,
            });
        });
      });
      return f;
    },
  },
  'rule-legacy-entity-columns': {
    description: 'Scheduled: a legacy *CustomEntity column in the query is mapped in entityMappings',
    severity: 'error',
    help: 'Azure-Sentinel CI (NewEntityMappingsAttribute): a query that still projects AccountCustomEntity, HostCustomEntity, IPCustomEntity, URLCustomEntity, ProcessCustomEntity or FileHashCustomEntity must map that column in entityMappings, since the legacy automatic mapping is gone.',
    fn: (it) => {
      if (it.rule.kind !== 'Scheduled') return [];
      const mapped = new Set((it.rule.entityMappings ?? []).flatMap((e) => e.fieldMappings.map((m) => m.columnName)));
      return LEGACY_ENTITY_COLUMNS.filter((c) => it.rule.query.includes(c) && !mapped.has(c)).map((c) => ({
        path: ['entityMappings'],
        message: `the query uses the legacy column ${c}; map it in entityMappings (e.g. {entityType, fieldMappings: [{identifier, columnName: ${c}}]})`,
      }));
    },
  },
} satisfies Record<string, Check<RuleItem>>;
