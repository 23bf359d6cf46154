/**
 * The content stage: every template of the pack loaded and rendered for one config.
 * New content kinds add a loader here; later stages read the typed Pack.
 */
import { Config } from '../config/schema';
import { YamlSource, rangeOfPath, lineText } from '../core/yamlSource';
import { DETECTIONS_DIR, HUNTING_DIR } from '../paths';
import { Diagnostic } from '../core/diagnostic';
import { HuntingItem, RuleItem } from './items';
import { loadHuntingTemplates, loadRuleTemplates } from './load';

export interface PackDirs {
  detections: string;
  hunting: string;
}

export const DEFAULT_DIRS: PackDirs = { detections: DETECTIONS_DIR, hunting: HUNTING_DIR };

export interface Pack {
  config: Config;
  configFile: string;
  rules: RuleItem[];
  hunting: HuntingItem[];
  /** templates not emitted for this config, and why */
  skipped: { templateId: string; reason: string }[];
  diagnostics: Diagnostic[];
}

export function loadPack(
  config: Config,
  configFile: string,
  configSource?: YamlSource,
  dirs: PackDirs = DEFAULT_DIRS,
): Pack {
  const rules = loadRuleTemplates(dirs.detections, config);
  const hunting = loadHuntingTemplates(dirs.hunting, config);
  const diagnostics = [...rules.diagnostics, ...hunting.diagnostics];
  const known = new Set([...rules.items.map((r) => r.templateId), ...rules.skipped.map((s) => s.templateId)]);
  for (const key of Object.keys(config.options.rules)) {
    if (known.has(key)) continue;
    const path = ['options', 'rules', key];
    const range = configSource ? rangeOfPath(configSource, path) : undefined;
    diagnostics.push({
      code: 'config-unknown-rule',
      severity: 'error',
      file: configFile,
      path,
      range,
      sourceLine: configSource && range ? lineText(configSource, range.start.line) : undefined,
      message: `options.rules.${key}: no rule template "${key}" (known: ${[...known].sort().join(', ')})`,
    });
  }
  return {
    config,
    configFile,
    rules: rules.items,
    hunting: hunting.items,
    skipped: [...rules.skipped, ...hunting.skipped],
    diagnostics,
  };
}
