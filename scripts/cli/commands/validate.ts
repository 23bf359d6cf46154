import * as fs from 'fs';
import { Command, Option } from 'commander';
import { checkPack } from '../../pipeline';
import { hasErrors } from '../../core/diagnostic';
import { expandInputs, validateContentFiles } from '../../validate/files';
import { formatters, OUTPUT_FORMATS, OutputFormat } from '../../validate/format';
import { DIAGNOSTIC_CHECKS } from '../../core/checks';
import { checksDocUri } from '../toolInfo';
import { PACK_VERSION } from '../../paths';
import { ExitCode, SetExit } from '../exit';
import { isTty, progressLine } from '../io';
import { positiveInt, requireConfig, UsageError } from '../options';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .description(
      'validate the pack (config + templates), or Azure-Sentinel content given as arguments: analytic rules (Scheduled, NRT, other kinds), hunting queries, moved stubs',
    )
    .argument(
      '[paths...]',
      'Azure-Sentinel rule / hunting query YAML files, folders (walked for *.yaml, *.yml) or quoted globs, instead of the pack',
    )
    .option('-c, --config <file>', 'pack config (when no files are given)', 'btg.config.yaml')
    .option(
      '--schemas <path>',
      'extra schemas, repeatable: folders or files of Azure-Sentinel custom-table JSON (CustomTables), function JSON (CustomFunctions) and ASIM parser YAML (Parsers)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--functions <path>',
      'same as --schemas (function / parser declarations), repeatable',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        'output format: stylish (default), json, sarif (GitHub code scanning) or junit (Azure DevOps test results)',
      ).choices([...OUTPUT_FORMATS]),
    )
    .option('--json', 'same as --format json')
    .option(
      '-j, --jobs <n>',
      'worker threads for many files (default: one per spare core, from 100 files per thread)',
      positiveInt('--jobs'),
    )
    .action(
      async (
        args: string[],
        opts: {
          config: string;
          schemas?: string[];
          functions?: string[];
          format?: OutputFormat;
          json?: boolean;
          jobs?: number;
        },
      ) => {
        const schemas = [...(opts.schemas ?? []), ...(opts.functions ?? [])];
        const missing = schemas.filter((p) => !fs.existsSync(p));
        if (missing.length) throw new UsageError(`--schemas ${missing.join(', ')}: no such file or directory`);
        const expanded = args.length ? expandInputs(args) : { files: [], errors: [] };
        if (expanded.errors.length) throw new UsageError(`nothing to validate at ${expanded.errors.join('; ')}`);
        const files = expanded.files;
        const format: OutputFormat = opts.json ? 'json' : (opts.format ?? 'stylish');
        if (!files.length) requireConfig(opts.config);
        const t0 = Date.now();
        const done = progressLine(
          files.length
            ? `btg validate: checking ${files.length} file(s) with the Kusto analyzer…`
            : `btg validate: rendering the pack from ${opts.config} and checking every query with the Kusto analyzer…`,
        );
        let diagnostics;
        try {
          diagnostics = files.length
            ? (await validateContentFiles(files, { schemas, jobs: opts.jobs })).diagnostics
            : checkPack({ configFile: opts.config, schemasDir: schemas[0] }).diagnostics;
        } finally {
          done();
        }
        const ms = Date.now() - t0;
        const what = files.length ? `${files.length} file(s)` : 'the pack';
        process.stdout.write(
          formatters[format](diagnostics, {
            color: isTty(process.stdout),
            summary: `in ${what} (${ms} ms)`,
            extra: { checked: what },
            checks: DIAGNOSTIC_CHECKS,
            docsUri: checksDocUri(),
            version: PACK_VERSION,
          }),
        );
        setExit(hasErrors(diagnostics) ? ExitCode.Findings : ExitCode.Ok);
      },
    );
}
