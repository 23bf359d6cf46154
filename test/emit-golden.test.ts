/** Golden files of what ships for the example config: rule and hunting YAML and ARM (UPDATE_GOLDEN=1 to refresh). */
import { loadConfig } from '../scripts/config/load';
import { loadPack } from '../scripts/content/pack';
import { emitPack } from '../scripts/emit/pack';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { EXAMPLE_CONFIG } from '../scripts/paths';
import { validatePack } from '../scripts/validate/pack';
import { expectGolden, staleGoldens } from './helpers/golden';

const loaded = loadConfig(EXAMPLE_CONFIG);
const pack = loadPack(loaded.config!, 'examples/btg.config.yaml', loaded.source);
validatePack(pack, defaultAnalyzer());
const emitted = emitPack(pack, { report: false });
const GOLDEN_KINDS = new Set(['rule-yaml', 'rule-arm', 'hunting-yaml', 'hunting-arm']);
const goldenArtifacts = emitted.artifacts.filter((a) => GOLDEN_KINDS.has(a.kind));

describe('emitted rules and hunting queries (example config)', () => {
  it.each(goldenArtifacts.map((a) => [a.path, a] as const))('%s matches its golden file', (_p, a) => {
    expectGolden(`default/${a.path}`, a.content);
  });

  it('no golden file is left over from a removed artifact', () => {
    expect(
      staleGoldens(
        'default',
        goldenArtifacts.map((a) => a.path),
      ),
    ).toEqual([]);
  });

  it('NRT rules use a preview api-version, Scheduled rules a stable one', () => {
    for (const r of emitted.resources.filter((x) => x.kind === 'alertRule')) {
      if (r.body.kind === 'NRT') expect(r.apiVersion).toMatch(/-preview$/);
      else expect(r.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('durations are ISO-8601 in ARM and the trigger operator is spelled out', () => {
    for (const r of emitted.resources.filter((x) => x.kind === 'alertRule' && x.body.kind === 'Scheduled')) {
      expect(r.body.properties.queryFrequency).toMatch(/^P(T\d+[HM]|\d+D)$/);
      expect(r.body.properties.queryPeriod).toMatch(/^P(T\d+[HM]|\d+D)$/);
      expect(['GreaterThan', 'LessThan', 'Equal', 'NotEqual']).toContain(r.body.properties.triggerOperator);
    }
  });

  it('every rule has ownership metadata naming the pack', () => {
    const rules = emitted.resources.filter((x) => x.kind === 'alertRule');
    for (const r of rules) {
      const meta = emitted.resources.find(
        (m) => m.kind === 'metadata' && (m.body.properties as { contentId: string }).contentId === r.name,
      );
      expect(meta?.body.properties).toMatchObject({
        kind: 'AnalyticsRule',
        source: { kind: 'LocalWorkspace', name: 'breakglass-sentinel' },
      });
    }
  });
});
