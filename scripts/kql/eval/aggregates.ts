/**
 * Aggregation functions of `summarize`. Each is a fold over the group's rows: `add` receives the row's evaluated
 * arguments (the walker evaluates them per row), `result` the column value. Kusto semantics: null inputs are skipped
 * by min/max/sum/avg/make_set/make_list/dcount; count() counts rows; countif counts rows whose predicate is true.
 *
 * Known difference from the engine: `dcount` is exact here (the engine's is a HyperLogLog estimate, exact in practice
 * for small cardinalities); `take_any` takes the first row in input order (the engine: any row).
 */
import { compareValues, KDynamic, KValue, valueKey } from './values';

export interface AggState {
  add(args: KValue[], row: unknown): void;
  result(): KValue;
}

export interface AggregateDef {
  /** how many leading arguments are per-row expressions; the rest (max sizes) are constants */
  create(constArgs: (KValue | undefined)[], resultType: string): AggState;
}

const isNull = (v: KValue) => v === null || v === undefined;
const DEFAULT_MAX = 1_048_576;

function maxSize(v: KValue | undefined): number {
  return typeof v === 'number' && v >= 0 ? v : DEFAULT_MAX;
}

function extreme(sign: 1 | -1): AggregateDef {
  return {
    create: (_c, type) => {
      let best: KValue = null;
      return {
        add([v]) {
          if (isNull(v) || (type === 'string' && v === '')) return;
          if (best === null || sign * compareValues(v, best) > 0) best = v;
        },
        result: () => (best === null && type === 'string' ? '' : best),
      };
    },
  };
}

function extremeIf(sign: 1 | -1): AggregateDef {
  return {
    create: (c, type) => {
      const inner = extreme(sign).create(c, type);
      return { add: ([v, p], r) => (p === true ? inner.add([v], r) : undefined), result: () => inner.result() };
    },
  };
}

function collect(distinct: boolean, conditional: boolean): AggregateDef {
  return {
    create: () => {
      const out: KDynamic[] = [];
      const seen = new Set<string>();
      let limit = DEFAULT_MAX;
      let limitSet = false;
      return {
        add(args) {
          const [v] = args;
          if (!limitSet) {
            limit = maxSize(conditional ? args[2] : args[1]);
            limitSet = true;
          }
          if (conditional && args[1] !== true) return;
          if (isNull(v) || out.length >= limit) return;
          // make_set/make_list of an array value: its elements (Kusto flattens dynamic arrays in make_set)
          const items = distinct && Array.isArray(v) ? v : [v];
          for (const it of items) {
            if (out.length >= limit) break;
            if (distinct) {
              const k = valueKey(it);
              if (seen.has(k)) continue;
              seen.add(k);
            }
            out.push(it);
          }
        },
        result: () => out,
      };
    },
  };
}

export const AGGREGATES: Record<string, AggregateDef> = {
  count: {
    create: () => {
      let n = 0;
      return { add: () => void n++, result: () => n };
    },
  },
  countif: {
    create: () => {
      let n = 0;
      return { add: ([p]) => void (p === true && n++), result: () => n };
    },
  },
  dcount: {
    create: () => {
      const s = new Set<string>();
      return { add: ([v]) => void (!isNull(v) && s.add(valueKey(v))), result: () => s.size };
    },
  },
  dcountif: {
    create: () => {
      const s = new Set<string>();
      return { add: ([v, p]) => void (p === true && !isNull(v) && s.add(valueKey(v))), result: () => s.size };
    },
  },
  sum: {
    create: () => {
      let s: number | null = null;
      return { add: ([v]) => void (typeof v === 'number' && (s = (s ?? 0) + v)), result: () => s };
    },
  },
  sumif: {
    create: () => {
      let s: number | null = null;
      return { add: ([v, p]) => void (p === true && typeof v === 'number' && (s = (s ?? 0) + v)), result: () => s };
    },
  },
  avg: {
    create: () => {
      let s = 0;
      let n = 0;
      return { add: ([v]) => void (typeof v === 'number' && ((s += v), n++)), result: () => (n ? s / n : null) };
    },
  },
  min: extreme(-1),
  max: extreme(1),
  minif: extremeIf(-1),
  maxif: extremeIf(1),
  take_any: {
    create: () => {
      let got = false;
      let val: KValue = null;
      return { add: ([v]) => void (!got && ((got = true), (val = v))), result: () => val };
    },
  },
  make_set: collect(true, false),
  make_set_if: collect(true, true),
  make_list: collect(false, false),
  make_list_if: collect(false, true),
};

/** arg_max / arg_min: the row where the first argument is largest (smallest); ties keep the first row. */
export function argExtreme(sign: 1 | -1) {
  let best: KValue = null;
  let bestRow: unknown;
  return {
    add(v: KValue, row: unknown) {
      if (isNull(v)) return;
      if (best === null || sign * compareValues(v, best) > 0) {
        best = v;
        bestRow = row;
      }
    },
    row: () => bestRow,
  };
}
