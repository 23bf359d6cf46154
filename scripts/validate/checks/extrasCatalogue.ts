/** Catalogue entries (id → description, help) of the workbook, playbook and monitor-alert checks and their load codes. */
import { monitorAlertChecks } from './monitorAlert';
import { playbookChecks } from './playbook';
import { workbookChecks } from './workbook';

export const EXTRAS_CATALOGUE: Record<string, { description: string; help: string }> = {
  'json-syntax': {
    description: 'the file is valid JSON',
    help: 'Workbook and playbook templates are JSON files; the file could not be parsed.',
  },
  'workbook-schema': {
    description: 'workbook template has the Notebook/1.0 structure',
    help: 'Items of type 1 (text), 3 (query, Log Analytics), 9 (parameters), 11 (links) or 12 (group) with their required content, parameters with id, name and type, and the $btg metadata (displayName, description).',
  },
  'playbook-schema': {
    description: 'playbook template has the pack structure',
    help: 'A playbook template is {"$btg": {displayName, description, trigger, parameters, requires, when}, "definition": <Logic App workflow definition>}; queries are {"$btgQuery": "<file in playbooks/queries>", "bind": {...}} markers.',
  },
  'monitor-alert-schema': {
    description: 'Azure Monitor alert template has the expected fields',
    help: 'name, description, severity (0-4), evaluationFrequency and windowSize (values the service accepts) and query.',
  },
  ...Object.fromEntries(
    Object.entries({ ...workbookChecks, ...playbookChecks, ...monitorAlertChecks }).map(([k, v]) => [
      k,
      { description: v.description, help: v.help },
    ]),
  ),
};
