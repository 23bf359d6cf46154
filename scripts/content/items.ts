/** Content items after loading + rendering: what the validate and emit stages consume. */
import { Rendered } from './render';
import { HuntingTemplate, RuleTest, SentinelRule } from './ruleSchema';
import { ScalarOrigin, YamlSource } from '../core/yamlSource';

/** A KQL query with the way back to its source text. */
export interface QueryText {
  text: string;
  rendered: Rendered;
  /** template text before rendering (equals text for plain files) */
  template: string;
  file: string;
  /** where the template starts in `file`; absent for queries not in a YAML scalar */
  origin?: ScalarOrigin;
  /** 0-based start line/col of the template inside `file` for JSON sources */
  jsonOrigin?: { line: number; character: number };
  /** the file's text, for caret lines */
  fileText?: string;
}

export interface RuleItem {
  itemKind: 'rule';
  /** template id (file name without extension) or, for user files, the file path */
  templateId: string;
  file: string;
  source: YamlSource;
  /** pack templates are held to pack rules (account filter, unique MITRE mapping ...) */
  fromPack: boolean;
  rule: SentinelRule;
  query: QueryText;
  enabled: boolean;
  tests: RuleTest[];
  /** pack rules: `tenant` when the rule watches a tenant-wide path and cannot filter on the account set */
  scope?: 'accounts' | 'tenant';
  /** pack rules: `absence` when the rule alerts on data that did not arrive (no per-event ingestion filter) */
  evaluation?: 'events' | 'absence';
  /** the look-back buffer a Scheduled rule must add to its frequency (options.ingestionDelay for pack rules) */
  ingestionDelay?: string;
}

export interface HuntingItem {
  itemKind: 'hunting';
  templateId: string;
  file: string;
  source: YamlSource;
  fromPack: boolean;
  id: string;
  hunting: HuntingTemplate;
  query: QueryText;
}
