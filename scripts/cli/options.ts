/**
 * What every command spells the same way: `-c/--config` with one default path, one message for a missing config
 * (exit 2), durations (`30s`, `5m`, `1h`), whole numbers ≥ 1, and unknown ids (exit 2 with the valid ones).
 */
import { formatShortDuration, parseShortDuration } from '../core/duration';
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'fs';
import { nearest } from '../config/nearest';
import { missingConfigMessage } from '../config/load';

export { missingConfigMessage };

export const DEFAULT_CONFIG = 'btg.config.yaml';

/** A usage or input-not-found error: `btg: <message>`, exit 2. */
export class UsageError extends Error {}

/** `-c, --config <file>` with the default every command shares. */
export function configOption(cmd: Command, help = 'pack config'): Command {
  return cmd.option('-c, --config <file>', help, DEFAULT_CONFIG);
}

/** Throws a UsageError when the config file is missing or not a file. */
export function requireConfig(file: string): void {
  if (!fs.existsSync(file)) throw new UsageError(missingConfigMessage(file));
  const stat = fs.statSync(file);
  if (!stat.isFile())
    throw new UsageError(
      `config file ${file} is ${stat.isDirectory() ? 'a directory' : 'a device, pipe or socket'}, not a regular file`,
    );
}

/** `30s`, `5m`, `1h`, `250ms` → milliseconds; anything else is a usage error. */
export function parseDurationMs(flag: string, v: string): number {
  const ms = parseShortDuration(v.trim(), { units: ['ms', 's', 'm', 'h'] });
  if (ms === undefined) throw new InvalidArgumentError(`${flag} ${v}: expected a duration like 30s, 5m or 1h`);
  return ms;
}

/** A commander parser for a duration option (value in milliseconds). */
export const duration = (flag: string) => (v: string) => parseDurationMs(flag, v);

/** `45000` → `45s`, `1800000` → `30m` (for help defaults and messages). */
export function formatDuration(ms: number): string {
  return formatShortDuration(ms, ['h', 'm', 's', 'ms']);
}

/** A commander parser for a whole number from 1 (to `max`). */
export const positiveInt =
  (flag: string, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < 1 || n > max)
      throw new InvalidArgumentError(
        `${flag} ${v}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? '≥ 1' : `from 1 to ${max}`}`,
      );
    return n;
  };

/** An unknown id: exit 2, naming the valid ones. */
export function unknownId(what: string, id: string, known: readonly string[]): UsageError {
  const near = nearest(id, known);
  return new UsageError(`unknown ${what} "${id}"${near ? ` (did you mean ${near}?)` : ''}; valid: ${known.join(', ')}`);
}
