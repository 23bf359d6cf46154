/**
 * A check is pure: a function of one item (or of the pack's items) and a context, returning findings with a path in
 * the item's document or offsets in its query. Its id, default severity, description and help are registered in
 * core/checks.ts; the runner (validate/runner.ts) adds the code, severity, file, range and item.
 */
import { DiagnosticCode, DiagnosticSeverity } from '../../core/diagnostic';
import { KqlAnalysis } from '../../kql/analyzer';

export interface Finding {
  message: string;
  /** path in the item's YAML/JSON document */
  path?: (string | number)[];
  /** offset + length inside the rendered query */
  query?: { start: number; length: number };
  /** overrides the check's default severity */
  severity?: DiagnosticSeverity;
}

export interface Check<T, C = unknown, F extends Finding = Finding> {
  fn: (item: T, ctx: C) => F[];
}

/** The checks of one kind, keyed by registered id (an id missing from core/checks.ts does not compile). */
export type Checks<T, C = unknown, F extends Finding = Finding> = { readonly [K in DiagnosticCode]?: Check<T, C, F> };

/**
 * Declare the checks of one kind: `defineChecks<Item, Context>()({ 'rule-x': { fn: (item, ctx) => [...] } })`. Keys
 * must be registered ids, and every `fn` takes (item, ctx) whatever it declares.
 */
export const defineChecks =
  <T, C = unknown, F extends Finding = Finding>() =>
  <const O extends Checks<T, C, F>>(
    checks: O & Record<Exclude<keyof O, DiagnosticCode>, never>,
  ): { readonly [K in keyof O]: Check<T, C, F> } =>
    checks;

/** What a check of one rule or hunting query reads besides the item: the analysis of its query. */
export interface QueryContext {
  /** undefined when the query was not analysed (a rendering error) */
  analysis?: KqlAnalysis;
}
