/** The one duration module: short forms, ISO 8601 and .NET TimeSpan to milliseconds and back. */
import fc from 'fast-check';
import {
  DurationUnit,
  formatIsoDuration,
  formatShortDuration,
  parseIsoDuration,
  parseShortDuration,
  parseTimeSpan,
  parseYamlDuration,
  UNIT_MS,
} from '../../scripts/core/duration';
import { parseDurationMs, formatDuration } from '../../scripts/cli/options';
import { durationMinutes, kqlTimespan, toIsoDuration } from '../../scripts/kql/literals';
import { isoDuration } from '../../scripts/emit/resources';

test('short forms', () => {
  expect(['250ms', '30s', '5m', '2h', '14d'].map((v) => parseShortDuration(v))).toEqual([
    250,
    30_000,
    300_000,
    7_200_000,
    14 * 86_400_000,
  ]);
  expect(['0m', '5', 'm', '5 m', '5M', '1w', '-5m', '5.5m'].map((v) => parseShortDuration(v))).toEqual(
    Array(8).fill(undefined),
  );
  expect(parseShortDuration('5d', { units: ['m', 'h'] })).toBeUndefined();
  expect(parseShortDuration('05m', { leadingZero: false })).toBeUndefined();
  expect(parseShortDuration('05m')).toBe(300_000);
  expect(parseShortDuration('1234567m', { maxDigits: 6 })).toBeUndefined();
});

test('the Azure-Sentinel YAML spelling: m, h, d, no leading zero', () => {
  expect(['5m', '2h', '14d'].map((v) => parseYamlDuration(v))).toEqual([300_000, 7_200_000, 14 * 86_400_000]);
  expect(['30s', '05m', '0d', '5M', 'PT5M'].map((v) => parseYamlDuration(v))).toEqual(Array(5).fill(undefined));
  expect(parseYamlDuration('1234567m', 6)).toBeUndefined();
});

test('ISO 8601 day/time durations', () => {
  expect(parseIsoDuration('PT5M')).toBe(300_000);
  expect(parseIsoDuration('P1DT2H')).toBe(26 * 3_600_000);
  expect(parseIsoDuration('PT1.5S')).toBe(1500);
  expect(['P', 'PT', 'P1DT', '5m', 'P1W', 'P1Y', 'PT5H5D', '', 'pt5m'].map(parseIsoDuration)).toEqual(
    Array(9).fill(undefined),
  );
});

test('.NET TimeSpan', () => {
  expect(parseTimeSpan('1.02:00:00')).toBe(26 * 3_600_000);
  expect(parseTimeSpan('00:05:30')).toBe(330_000);
  expect(parseTimeSpan('5m')).toBeUndefined();
});

test('format in the largest unit that divides, and round-trip', () => {
  expect(formatShortDuration(5_400_000)).toBe('90m');
  expect(formatShortDuration(86_400_000)).toBe('1d');
  expect(formatShortDuration(86_400_000, ['h', 'm'])).toBe('24h');
  expect(formatShortDuration(1500, ['m', 's'])).toBe('2s');
  expect(formatIsoDuration(86_400_000)).toBe('P1D');
  expect(formatIsoDuration(5_400_000)).toBe('PT90M');
  expect(formatIsoDuration(30_000)).toBe('PT30S');
  const units: DurationUnit[] = ['ms', 's', 'm', 'h', 'd'];
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...units), (n, u) => {
      const ms = n * UNIT_MS[u];
      expect(parseShortDuration(formatShortDuration(ms))).toBe(ms);
      if (ms % 1000 === 0) expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
    }),
  );
});

test('every reader of durations goes through it', () => {
  // CLI flags
  expect(parseDurationMs('--timeout', '90s')).toBe(90_000);
  expect(() => parseDurationMs('--timeout', '2d')).toThrow('--timeout 2d: expected a duration like 30s, 5m or 1h');
  expect(formatDuration(30 * 60_000)).toBe('30m');
  expect(formatDuration(86_400_000)).toBe('24h');
  // rule templates (Sentinel YAML spelling or ISO), KQL and ARM
  expect(durationMinutes('90m')).toBe(90);
  expect(durationMinutes('PT1H')).toBe(60);
  expect(durationMinutes(2)).toBe(2880);
  expect(() => durationMinutes('05m')).toThrow('timespan: expected a duration like 5m, 1h, 14d or PT1H, got "05m"');
  expect(() => durationMinutes('30s')).toThrow();
  expect(kqlTimespan('PT90S')).toBe('90s');
  expect(kqlTimespan('1440m')).toBe('1d');
  expect(toIsoDuration('90m')).toBe('PT90M');
  expect(toIsoDuration('1d')).toBe('P1D');
  expect(isoDuration('1.00:00:00')).toBe('P1D');
  expect(isoDuration('5h')).toBe('PT5H');
});
