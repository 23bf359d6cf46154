/** A check is pure: it returns findings with a path (or a query offset); the runner adds file, range and severity. */
import { Severity } from '../../core/diagnostic';

export interface Finding {
  message: string;
  /** path in the item's YAML/JSON document */
  path?: (string | number)[];
  /** offset + length inside the rendered query */
  query?: { start: number; length: number };
  /** overrides the check's default severity */
  severity?: Severity;
}

export interface Check<T, C = unknown> {
  description: string;
  severity: Severity;
  /** longer help, shown in SARIF */
  help: string;
  fn: (item: T, ctx: C) => Finding[];
}
