/**
 * Durations, read and written in one place: the short forms (`250ms`, `30s`, `5m`, `2h`, `14d`; the Azure-Sentinel
 * YAML spelling is the m/h/d subset), ISO 8601 (`PT5M`, `P1DT2H`, `PT1.5S`: what ARM takes and returns) and .NET
 * TimeSpan (`1.02:00:00`), all to milliseconds, and back in the largest unit that divides the value.
 */

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

export const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const ALL_UNITS: readonly DurationUnit[] = ['d', 'h', 'm', 's', 'ms'];

const SHORT = /^(\d+)(ms|s|m|h|d)$/;
/** upper-case designators, as ARM and .NET XmlConvert write and read them */
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/;

export interface ShortDurationOptions {
  /** the units accepted (default: all) */
  units?: readonly DurationUnit[];
  /** at most this many digits */
  maxDigits?: number;
  /** accept `05m` (default true; the Sentinel YAML spelling does not) */
  leadingZero?: boolean;
}

/** Milliseconds of a short duration (`30s`, `5m`, `1h`, `14d`, `250ms`) greater than 0, or undefined. */
export function parseShortDuration(v: string, opts: ShortDurationOptions = {}): number | undefined {
  const m = SHORT.exec(v);
  if (!m) return undefined;
  const [, digits, unit] = m as unknown as [string, string, DurationUnit];
  if (!(opts.units ?? ALL_UNITS).includes(unit)) return undefined;
  if (opts.maxDigits !== undefined && digits.length > opts.maxDigits) return undefined;
  if (opts.leadingZero === false && digits.startsWith('0')) return undefined;
  const ms = Number(digits) * UNIT_MS[unit];
  return ms > 0 ? ms : undefined;
}

/** Milliseconds of a duration in the Azure-Sentinel YAML spelling (`5m`, `1h`, `14d`: no leading zero), or undefined. */
export function parseYamlDuration(v: string, maxDigits?: number): number | undefined {
  return parseShortDuration(v, { units: ['m', 'h', 'd'], leadingZero: false, maxDigits });
}

/** Milliseconds of an ISO 8601 duration of days, hours, minutes and seconds (`P1DT2H`, `PT1.5S`), or undefined. */
export function parseIsoDuration(v: string): number | undefined {
  const m = ISO.exec(v);
  if (!m || /^PT?$/.test(v) || v.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

/** Milliseconds of a .NET TimeSpan `[d.]hh:mm:ss`, or undefined. */
export function parseTimeSpan(v: string): number | undefined {
  const m = TIMESPAN.exec(v);
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  return (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

/**
 * `ms` in the largest of `units` that divides it (`5400000` → `90m`, `86400000` → `1d`); when none does, rounded to
 * the smallest of them.
 */
export function formatShortDuration(ms: number, units: readonly DurationUnit[] = ALL_UNITS): string {
  const sorted = [...units].sort((a, b) => UNIT_MS[b] - UNIT_MS[a]);
  const unit = sorted.find((u) => ms % UNIT_MS[u] === 0) ?? sorted[sorted.length - 1];
  return `${Math.round(ms / UNIT_MS[unit])}${unit}`;
}

/** ISO 8601 in the largest unit that divides `ms`: `P1D`, `PT5H`, `PT90M`, `PT30S`. */
export function formatIsoDuration(ms: number): string {
  if (ms % UNIT_MS.d === 0) return `P${ms / UNIT_MS.d}D`;
  if (ms % UNIT_MS.h === 0) return `PT${ms / UNIT_MS.h}H`;
  if (ms % UNIT_MS.m === 0) return `PT${ms / UNIT_MS.m}M`;
  return `PT${ms / 1000}S`;
}
