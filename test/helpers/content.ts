/** Test helpers for the pack's content kinds: packs per config, a kind loaded from a temp folder. */
import * as fs from 'fs';
import * as path from 'path';
import { Config } from '../../scripts/config/schema';
import { loadPack, Pack, PackDirs } from '../../scripts/content/pack';
import { Diagnostic } from '../../scripts/core/diagnostic';
import { tempDir } from './rules';

export function packFor(config: Config): Pack {
  return loadPack(config, 'btg.config.yaml');
}

/** The pack loaded again with some folders replaced (e.g. a temp folder holding one broken workbook). */
export function packWith(pack: Pack, dirs: Partial<PackDirs>): Pack {
  return loadPack(pack.config, pack.configFile, undefined, dirs);
}

/** A temp folder with the given files (objects are written as 2-space JSON, strings as they are). */
export function folderWith(files: Record<string, unknown>): string {
  const dir = tempDir('btg-content-');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  }
  return dir;
}

/** A deep copy of a shipped JSON template, to derive broken variants from. */
export function shippedJson(rel: string): any {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', rel), 'utf8'));
}

/** 0-based line/col of the first occurrence of `needle` in `text` (after `after`, when given). */
export function positionOf(text: string, needle: string, after?: string): { line: number; character: number } {
  const from = after ? text.indexOf(after) : 0;
  const at = text.indexOf(needle, Math.max(0, from));
  if (at < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export const codes = (diags: readonly Diagnostic[]): string[] => [...new Set(diags.map((d) => d.code))].sort();
