/** Errors of the offline evaluator. */

/** 1-based line:col of an offset in a query text. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset)).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/**
 * A construct the evaluator does not implement. Never guessed: the query is refused with what and where, and the
 * way out (`btg test --live` runs it in the real engine).
 */
export class NotSupportedOffline extends Error {
  constructor(
    /** the operator or function, as written (`externaldata`, `series_fir()`, `join kind=fullouter`) */
    readonly what: string,
    /** offset in the query text */
    readonly start: number,
    readonly line: number,
    readonly col: number,
  ) {
    super(`not supported offline: ${what} at ${line}:${col} (run btg test --live)`);
    this.name = 'NotSupportedOffline';
  }
}

/** A run-time error Kusto would raise too (a query that fails in the engine as well), with its position. */
export class KqlRuntimeError extends Error {
  constructor(
    message: string,
    readonly start: number,
  ) {
    super(message);
    this.name = 'KqlRuntimeError';
  }
}
