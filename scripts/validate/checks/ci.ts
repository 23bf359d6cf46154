/**
 * Checks Azure-Sentinel's own CI runs on analytic rule YAML (.script/tests/detectionTemplateSchemaValidation) that the
 * service-limit checks in rule.ts do not already cover. Ids unique across files: pack-unique-ids (files.ts).
 */
import { RuleItem } from '../../content/items';
import { defineChecks, Finding, QueryContext } from './types';
import { connectorIdInOtherCase, isValidConnectorId, validConnectorIds } from '../connectorIds';

/** NewEntityMappingsAttribute: legacy "custom entity" columns the old entity model used. */
const LEGACY_ENTITY_COLUMNS = [
  'AccountCustomEntity',
  'HostCustomEntity',
  'IPCustomEntity',
  'URLCustomEntity',
  'ProcessCustomEntity',
  'FileHashCustomEntity',
];

export const ciChecks = defineChecks<RuleItem, QueryContext>()({
  'rule-data-connectors': {
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
  'rule-connector-id': {
    fn: (it) =>
      (it.rule.requiredDataConnectors ?? []).flatMap((c, i) => {
        const id = c.connectorId.trim();
        if (!id || isValidConnectorId(c.connectorId)) return [];
        const other = connectorIdInOtherCase(id);
        return [
          {
            path: ['requiredDataConnectors', i, 'connectorId'],
            message: `requiredDataConnectors[${i}].connectorId: "${c.connectorId}" is not a data connector id Azure-Sentinel knows${other ? ` (did you mean "${other}"?)` : ''}; its CI accepts only the ids of ValidConnectorIds.json (${validConnectorIds().ids.length} ids, copied ${validConnectorIds().retrieved}); use [] for a table no connector feeds`,
          },
        ];
      }),
  },
  'rule-legacy-entity-columns': {
    fn: (it) => {
      if (it.rule.kind !== 'Scheduled') return [];
      const mapped = new Set((it.rule.entityMappings ?? []).flatMap((e) => e.fieldMappings.map((m) => m.columnName)));
      return LEGACY_ENTITY_COLUMNS.filter((c) => it.rule.query.includes(c) && !mapped.has(c)).map((c) => ({
        path: ['entityMappings'],
        message: `the query uses the legacy column ${c}; map it in entityMappings (e.g. {entityType, fieldMappings: [{identifier, columnName: ${c}}]})`,
      }));
    },
  },
});
