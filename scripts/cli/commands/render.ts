import { Command, Option } from 'commander';
import { checkPack } from '../../pipeline';
import { emitPack } from '../../emit/emit';
import { ExitCode, SetExit } from '../exit';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('render')
    .description('print one rendered artifact exactly as it ships (rule YAML, ARM, or the query)')
    .argument('<templateId>', 'template id (file name without .yaml), e.g. btg-interactive-signin')
    .option('-c, --config <file>', 'pack config', 'btg.config.yaml')
    .addOption(new Option('--format <format>', 'what to print').choices(['yaml', 'arm', 'kql']).default('yaml'))
    .action((templateId: string, opts: { config: string; format: 'yaml' | 'arm' | 'kql' }) => {
      const { pack, diagnostics } = checkPack({ configFile: opts.config });
      if (!pack) {
        process.stderr.write(diagnostics.map((d) => `${d.file ?? ''}: ${d.message}`).join('\n') + '\n');
        return setExit(ExitCode.Findings);
      }
      const item = [...pack.rules, ...pack.hunting].find((i) => i.templateId === templateId);
      if (!item) {
        process.stderr.write(`no template "${templateId}"; known: ${[...pack.rules, ...pack.hunting].map((i) => i.templateId).join(', ')}\n`);
        return setExit(ExitCode.ToolError);
      }
      if (opts.format === 'kql') return void process.stdout.write(item.query.text.trimEnd() + '\n');
      const art = emitPack(pack).artifacts.find((a) => a.templateId === templateId && a.kind.endsWith(opts.format === 'arm' ? '-arm' : '-yaml'));
      process.stdout.write(art?.content ?? '');
    });
}
