/**
 * Golden files of the workbook, playbooks, automation rules, monitor alert and routines for the example config
 * (UPDATE_GOLDEN=1 to refresh), and `btg build` emitting them all with every query validated.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../scripts/config/load';
import { loadPack } from '../scripts/content/pack';
import { automationRuleEmitter } from '../scripts/emit/automationRules';
import { monitorAlertEmitter } from '../scripts/emit/monitorAlert';
import { emitDrillWatchlist } from '../scripts/emit/drillWatchlist';
import { playbookEmitter } from '../scripts/emit/playbooks';
import { routineEmitter } from '../scripts/emit/routines';
import { workbookEmitter } from '../scripts/emit/workbook';
import { EXAMPLE_CONFIG } from '../scripts/paths';
import { build } from '../scripts/pipeline';
import { expectGolden, staleGoldens } from './helpers/golden';
import { tempDir } from './helpers/rules';

jest.setTimeout(120_000);

const loaded = loadConfig(EXAMPLE_CONFIG);
const pack = loadPack(loaded.config!, 'examples/btg.config.yaml', loaded.source);
const artifacts = [
  workbookEmitter,
  playbookEmitter,
  automationRuleEmitter,
  monitorAlertEmitter,
  routineEmitter,
  emitDrillWatchlist,
].flatMap((e) => e(pack).artifacts);

describe('emitted workbook, playbooks, automation rules, monitor alert and routines (example config)', () => {
  it.each(artifacts.map((a) => [a.path, a] as const))('%s matches its golden file', (_p, a) => {
    expectGolden(`kinds/${a.path}`, a.content);
  });

  it('no golden file is left over from a removed artifact', () => {
    expect(
      staleGoldens(
        'kinds',
        artifacts.map((a) => a.path),
      ),
    ).toEqual([]);
  });
});

describe('btg build', () => {
  it('emits them next to the rules, after validating every query in them', () => {
    const out = path.join(tempDir('btg-build-'), 'out');
    try {
      const res = build({ configFile: EXAMPLE_CONFIG, outDir: out });
      expect(res.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(res.written).toBe(true);
      const expected = [
        'workbooks/btg-accounts.json',
        'arm/workbooks/btg-accounts.json',
        'playbooks/btg-notify-enrich/azuredeploy.json',
        'playbooks/btg-custodian-confirmation/azuredeploy.json',
        'playbooks/btg-test-reminder/azuredeploy.json',
        'arm/automation/btg-incident-created.json',
        'arm/automation/btg-incident-alert-added.json',
        'arm/monitor/btg-signin-monitor-alert.json',
        'arm/monitor/btg-response-failure-alert.json',
        'routines/emergency-access-routine.md',
        'routines/break-glass-procedure.md',
        'routines/fido2-pin-rotation.md',
        'routines/test-routine.md',
      ];
      for (const p of expected) expect(fs.existsSync(path.join(out, p))).toBe(true);
      const kinds = new Set(res.emitted!.resources.map((r) => r.kind));
      for (const k of ['workbook', 'playbook', 'automationRule', 'actionGroup', 'monitorAlert'])
        expect(kinds.has(k as never)).toBe(true);
      // deploy order: playbooks before the automation rules that run them
      const order = res.emitted!.resources.map((r) => r.kind);
      expect(order.lastIndexOf('playbook')).toBeLessThan(order.indexOf('automationRule'));
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(manifest.counts).toMatchObject({
        'workbook-json': 1,
        'workbook-arm': 1,
        'playbook-arm': 3,
        'automation-arm': 2,
        'monitor-arm': 2,
        routine: 4,
      });
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
