/**
 * Mutations of a query for `btg test --mutate`: small, plausible mistakes (a lost `not`, `==` for `!=`, `has` for
 * `!has`, `in` for `!in`, a dropped filter, a threshold off by one, a missing union leg). A mutation is applied while
 * the walker evaluates the SAME bound tree (no re-parse, no re-analysis), so a mutant costs one evaluation.
 * A mutant is killed when some test case of the rule changes verdict; the rule's rows are only as strong as the
 * share of mutants they kill.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { kusto } from '../kusto';
import { lineColOf } from './errors';
import { KValue } from './values';

export type MutationKind =
  'negate-where' | 'drop-where' | 'swap-eq' | 'swap-has' | 'swap-in' | 'threshold' | 'drop-union-leg';

export interface Mutation {
  kind: MutationKind;
  /** TextStart of the mutated node in the query */
  start: number;
  /** threshold: +1 / -1 and which side holds the number */
  delta?: number;
  side?: 'left' | 'right';
  /** drop-union-leg: the leg's index among the union's expressions */
  index?: number;
  /** human description with line:col */
  label: string;
}

export function applyThreshold(m: Mutation, l: KValue, r: KValue): [KValue, KValue] {
  if (m.side === 'right' && typeof r === 'number') return [l, r + (m.delta ?? 0)];
  if (m.side === 'left' && typeof l === 'number') return [l + (m.delta ?? 0), r];
  return [l, r];
}

const NUMERIC = ['LongLiteralExpression', 'IntLiteralExpression', 'RealLiteralExpression'];

/** Every mutation site of an analysed query, in text order. */
export function mutationSites(code: any, query: string): Mutation[] {
  const K = kusto();
  const SK = K.Syntax.SyntaxKind;
  const name = (k: number) => Object.keys(SK).find((x) => SK[x] === k) ?? '';
  const out: Mutation[] = [];
  const at = (n: any) => {
    const { line, col } = lineColOf(query, n.TextStart);
    return `${line}:${col}`;
  };
  const first = (n: any) => {
    const t = query.substr(n.TextStart, n.Width).split('\n')[0].trim();
    return t.length > 70 ? `${t.slice(0, 67)}...` : t;
  };
  const eqKinds = new Set([SK.EqualExpression, SK.NotEqualExpression, SK.EqualTildeExpression, SK.BangTildeExpression]);
  const hasKinds = new Set([
    SK.HasExpression,
    SK.NotHasExpression,
    SK.ContainsExpression,
    SK.NotContainsExpression,
    SK.StartsWithExpression,
    SK.NotStartsWithExpression,
  ]);
  const inKinds = new Set([SK.InExpression, SK.NotInExpression, SK.InCsExpression, SK.NotInCsExpression]);
  const cmpKinds = new Set([
    SK.LessThanExpression,
    SK.LessThanOrEqualExpression,
    SK.GreaterThanExpression,
    SK.GreaterThanOrEqualExpression,
    SK.EqualExpression,
    SK.NotEqualExpression,
  ]);
  code.Syntax.WalkNodes((n: any) => {
    if (n.IsToken) return;
    const k = n.Kind;
    if (k === SK.FilterOperator) {
      out.push({ kind: 'negate-where', start: n.TextStart, label: `${at(n)} negate: ${first(n)}` });
      out.push({ kind: 'drop-where', start: n.TextStart, label: `${at(n)} drop: ${first(n)}` });
    }
    if (eqKinds.has(k))
      out.push({ kind: 'swap-eq', start: n.TextStart, label: `${at(n)} swap ${String(n.Operator.Text)}: ${first(n)}` });
    if (hasKinds.has(k))
      out.push({
        kind: 'swap-has',
        start: n.TextStart,
        label: `${at(n)} swap ${String(n.Operator.Text)}: ${first(n)}`,
      });
    if (inKinds.has(k))
      out.push({ kind: 'swap-in', start: n.TextStart, label: `${at(n)} swap ${String(n.Operator.Text)}: ${first(n)}` });
    if (cmpKinds.has(k)) {
      for (const side of ['left', 'right'] as const) {
        const operand = side === 'left' ? n.Left : n.Right;
        if (!NUMERIC.includes(name(operand.Kind))) continue;
        for (const delta of [-1, 1])
          out.push({
            kind: 'threshold',
            start: n.TextStart,
            side,
            delta,
            label: `${at(n)} ${side} ${delta > 0 ? '+1' : '-1'}: ${first(n)}`,
          });
      }
    }
    if (k === SK.UnionOperator) {
      const legs = n.Expressions.ChildCount;
      const hasInput = n.Parent && n.Parent.Kind === SK.PipeExpression;
      if (legs + (hasInput ? 1 : 0) >= 2)
        for (let i = 0; i < legs; i++)
          out.push({
            kind: 'drop-union-leg',
            start: n.TextStart,
            index: i,
            label: `${at(n)} drop union leg ${i + 1}: ${first(n)}`,
          });
    }
  });
  return out;
}
