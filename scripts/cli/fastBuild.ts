/**
 * `btg build` with nothing changed: before the CLI loads any stage, find the record of the last build into the output
 * folder (buildCache.ts) and, when every input and every written file is as that build left them, print what the
 * build printed and stop. Only the plain form takes this path (`build [-c|--config <file>] [-o|--out <dir>]`); any
 * other option, a build that printed warnings, or any doubt runs the real build.
 */
import * as fs from 'fs';
import * as path from 'path';
import { upToDateBuild } from '../buildCache';
import { checkOutputPath } from '../emit/output';
import { PACK_ROOT } from '../paths';
import { describeCounts } from './counts';
import { terminalSafe } from '../security/terminal';

/** options.ts's DEFAULT_CONFIG (importing options.ts would load the config stage) */
const DEFAULT_CONFIG = 'btg.config.yaml';

/** The exit code when the build had nothing to do (and printed so), undefined when the real build must run. */
export function fastBuild(argv: readonly string[], write: (s: string) => void): number | undefined {
  const t0 = Date.now();
  const args = argv.slice(2);
  if (args[0] !== 'build') return undefined;
  let config = DEFAULT_CONFIG;
  let out = 'out';
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    const eq = /^--(config|out)=(.+)$/.exec(a);
    if (eq) eq[1] === 'config' ? (config = eq[2]) : (out = eq[2]);
    else if ((a === '-c' || a === '--config') && args[i + 1] !== undefined && !args[i + 1].startsWith('-'))
      config = args[++i];
    else if ((a === '-o' || a === '--out') && args[i + 1] !== undefined && !args[i + 1].startsWith('-'))
      out = args[++i];
    else return undefined;
  }
  try {
    if (!fs.statSync(config).isFile()) return undefined;
    checkOutputPath(out, { configFile: config, packRoot: PACK_ROOT });
    const record = upToDateBuild(config, out);
    if (!record) return undefined;
    // the record is read from a file beside out/: printed as data, never as terminal control sequences
    for (const s of record.skipped) write(terminalSafe(`skipped ${s.templateId}: ${s.reason}`) + '\n');
    const dir = out.replace(/[\\/]+$/, '');
    write(
      `built ${dir}/ in ${Date.now() - t0} ms: the pack validated (0 errors, 0 warnings); ${describeCounts(record.kinds)}\n`,
    );
    write(terminalSafe(`review it in ${path.join(dir, record.report).split(path.sep).join('/')}`) + '\n');
    return 0;
  } catch {
    return undefined;
  }
}
