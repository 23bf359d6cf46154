import { Command } from 'commander';
import { build } from '../../pipeline';
import { ExitCode, SetExit } from '../exit';
import { formatters } from '../../validate/format';
import { isTty } from '../io';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('build')
    .description('render, validate and emit the pack into the output directory (written atomically: a failed build leaves out/ as it was)')
    .option('-c, --config <file>', 'pack config', 'btg.config.yaml')
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--schemas <dir>', 'extra table schemas (Azure-Sentinel custom-table JSON)')
    .option('--json', 'print the result as JSON')
    .action((opts: { config: string; out: string; schemas?: string; json?: boolean }) => {
      const t0 = Date.now();
      const res = build({ configFile: opts.config, outDir: opts.out, schemasDir: opts.schemas });
      const ms = Date.now() - t0;
      const counts = res.emitted ? Object.entries(countKinds(res.emitted.artifacts.map((a) => a.kind))).map(([k, n]) => `${n} ${k}`).join(', ') : '';
      if (opts.json) {
        process.stdout.write(formatters.json(res.diagnostics, { extra: { written: res.written, outDir: res.outDir, ms, skipped: res.pack?.skipped ?? [], artifacts: res.emitted?.artifacts.map((a) => a.path) ?? [] } }));
      } else {
        const problems = res.diagnostics.filter((d) => d.severity !== 'info');
        if (problems.length) process.stderr.write(formatters.stylish(problems, { color: isTty(process.stderr) }));
        for (const s of res.pack?.skipped ?? []) process.stdout.write(`skipped ${s.templateId}: ${s.reason}\n`);
        if (res.written) process.stdout.write(`built ${res.outDir}/ in ${ms} ms: ${counts}\n`);
        else process.stderr.write(`build failed: nothing written to ${res.outDir}/\n`);
      }
      setExit(res.written ? ExitCode.Ok : ExitCode.Findings);
    });
}

function countKinds(kinds: string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const k of kinds) c[k] = (c[k] ?? 0) + 1;
  return c;
}
