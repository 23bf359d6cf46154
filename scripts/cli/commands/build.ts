import { Command } from 'commander';
import { build } from '../../pipeline';
import { ExitCode, SetExit } from '../exit';
import { formatters } from '../../validate/format';
import { isTty } from '../io';
import { configOption, requireConfig, UsageError } from '../options';
import { REPORT_PATH } from '../../emit/report';
import * as path from 'path';
import { describeCounts } from '../counts';

export function register(program: Command, setExit: SetExit): void {
  configOption(
    program
      .command('build')
      .description(
        'render, validate and emit the pack into the output directory (written atomically: a failed build leaves out/ as it was)',
      ),
  )
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--schemas <dir>', 'extra table schemas (Azure-Sentinel custom-table JSON)')
    .option('--json', 'print the result as JSON')
    .action((opts: { config: string; out: string; schemas?: string; json?: boolean }) => {
      requireConfig(opts.config);
      if (!opts.out.trim()) throw new UsageError('--out: expected a folder, e.g. -o out (got an empty path)');
      const t0 = Date.now();
      // a progress line while the queries are analysed, on a terminal only (erased when done)
      const progress = !opts.json && isTty(process.stderr);
      if (progress)
        process.stderr.write(
          `btg build: rendering the pack from ${opts.config} and checking every query with the Kusto analyzer…`,
        );
      let res;
      try {
        res = build({ configFile: opts.config, outDir: opts.out, schemasDir: opts.schemas });
      } finally {
        if (progress) process.stderr.write('\r\x1b[K');
      }
      const ms = Date.now() - t0;
      const counts = res.emitted ? describeCounts(res.emitted.artifacts.map((a) => a.kind)) : '';
      if (opts.json) {
        process.stdout.write(
          formatters.json(res.diagnostics, {
            extra: {
              written: res.written,
              outDir: res.outDir,
              ms,
              skipped: res.pack?.skipped ?? [],
              artifacts: res.emitted?.artifacts.map((a) => a.path) ?? [],
              outputNotes: res.outputNotes ?? [],
            },
          }),
        );
      } else {
        const problems = res.diagnostics.filter((d) => d.severity !== 'info');
        if (problems.length) process.stderr.write(formatters.stylish(problems, { color: isTty(process.stderr) }));
        for (const s of res.pack?.skipped ?? []) process.stdout.write(`skipped ${s.templateId}: ${s.reason}\n`);
        for (const n of res.outputNotes ?? []) process.stderr.write(`note: ${n}\n`);
        if (res.written) {
          const warnings = res.diagnostics.filter((d) => d.severity === 'warning').length;
          const dir = res.outDir.replace(/[\\/]+$/, '');
          process.stdout.write(
            `built ${dir}/ in ${ms} ms: the pack validated (0 errors, ${warnings} warning${warnings === 1 ? '' : 's'}); ${counts}\n`,
          );
          process.stdout.write(`review it in ${path.join(dir, REPORT_PATH).split(path.sep).join('/')}\n`);
        } else process.stderr.write(`build failed: nothing written to ${res.outDir}/\n`);
      }
      setExit(res.written ? ExitCode.Ok : ExitCode.Findings);
    });
}
