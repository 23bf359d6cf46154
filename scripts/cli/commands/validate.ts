import { Command, Option } from 'commander';
import { checkPack } from '../../pipeline';
import { hasErrors } from '../../validate/diagnostic';
import { validateRuleFiles } from '../../validate/files';
import { formatters, OUTPUT_FORMATS, OutputFormat } from '../../validate/format';
import { CHECK_CATALOGUE } from '../../validate/run';
import { checksDocUri, toolVersion } from '../toolInfo';
import { ExitCode, SetExit } from '../exit';
import { isTty } from '../io';
import { positiveInt, requireConfig, UsageError } from '../options';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .description('validate the pack (config + templates), or the Azure-Sentinel rule YAML files given as arguments')
    .argument('[files...]', 'Azure-Sentinel analytic rule YAML files to validate instead of the pack')
    .option('-c, --config <file>', 'pack config (when no files are given)', 'btg.config.yaml')
    .option('--schemas <dir>', 'extra table schemas (Azure-Sentinel custom-table JSON files)')
    .addOption(new Option('-f, --format <format>', 'output format: stylish (default), json, sarif (GitHub code scanning) or junit (Azure DevOps test results)').choices([...OUTPUT_FORMATS]))
    .option('--json', 'same as --format json')
    .option('-j, --jobs <n>', 'worker threads for many files (default: one per core)', (v) => parseInt(v, 10))
    .action(async (files: string[], opts: { config: string; schemas?: string; format?: OutputFormat; json?: boolean; jobs?: number }) => {
      const format: OutputFormat = opts.json ? 'json' : (opts.format ?? 'stylish');
      const t0 = Date.now();
      const diagnostics = files.length ? await validateRuleFiles(files, { schemasDir: opts.schemas, jobs: opts.jobs }) : checkPack({ configFile: opts.config, schemasDir: opts.schemas }).diagnostics;
      const ms = Date.now() - t0;
      const what = files.length ? `${files.length} file(s)` : 'the pack';
      process.stdout.write(formatters[format](diagnostics, { color: isTty(process.stdout), summary: `in ${what} (${ms} ms)`, extra: { checked: what }, checks: CHECK_CATALOGUE, docsUri: checksDocUri(), version: toolVersion() }));
      setExit(hasErrors(diagnostics) ? ExitCode.Findings : ExitCode.Ok);
      if (!files.length) requireConfig(opts.config);
    });
}
