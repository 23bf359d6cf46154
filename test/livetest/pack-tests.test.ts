/**
 * Every pack rule's every `tests:` case (pack rendered for examples/btg.config.yaml) yields a shadow query that the
 * KQL analyzer accepts hermetically, with datatables typed exactly as the table schemas. Offenders are listed as
 * `rule → test → problem`, all at once.
 */
import { bundledSchemas } from '../../scripts/kql/schemas';
import { analyzeHermetic, planTests, TestPlan } from '../../scripts/livetest';
import { NOW, packForExample } from './helpers';

const schemas = bundledSchemas();
let plan: TestPlan;
beforeAll(() => {
  plan = planTests({ rules: packForExample().rules, schemas, now: NOW });
});

describe("the pack's rule tests as shadow queries", () => {
  it('the pack has rules with tests (the loop below is not vacuous)', () => {
    const cases = plan.rules.flatMap((r) => r.cases);
    expect(plan.rules.length).toBeGreaterThanOrEqual(4);
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(cases.some((c) => c.expect === 'fire') && cases.some((c) => c.expect === 'no-fire')).toBe(true);
  });

  it('every case: zero analyzer errors, nothing read but the shadows, datatable types equal the schema', () => {
    const offenders = plan.rules.flatMap((r) =>
      r.cases.flatMap((c) =>
        [...c.problems, ...(c.skipReason ? [`skipped: ${c.skipReason}`] : [])].map(
          (p) => `${r.templateId} → ${c.name} → ${p}`,
        ),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('every case shadows every table its rule reads, with rows for each table the test names', () => {
    const offenders: string[] = [];
    for (const r of plan.rules) {
      for (const c of r.cases) {
        const shadowed = c.shadow.tables.map((t) => t.name).sort();
        if (JSON.stringify(shadowed) !== JSON.stringify([...r.tables].sort()))
          offenders.push(`${r.templateId} → ${c.name} → shadows ${shadowed.join(', ')}, reads ${r.tables.join(', ')}`);
        for (const t of c.shadow.tables)
          if (t.source === 'rows' && t.rows === 0)
            offenders.push(`${r.templateId} → ${c.name} → ${t.name} named without rows`);
        if (!c.shadow.text.endsWith('\n| count\n'))
          offenders.push(`${r.templateId} → ${c.name} → does not end in | count`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('cross-check: the exact text of one case per rule analyses cleanly as a whole (the plan checks rule and lets separately)', () => {
    const offenders: string[] = [];
    for (const r of plan.rules) {
      const c = r.cases[0];
      if (!c) continue;
      const a = analyzeHermetic(c.shadow.text);
      for (const d of a.diagnostics.filter((x) => x.severity === 'error'))
        offenders.push(`${r.templateId} → ${c.name} → ${d.code} ${d.message}`);
      if (JSON.stringify(a.columns) !== JSON.stringify([{ name: 'Count', type: 'long' }]))
        offenders.push(`${r.templateId} → ${c.name} → result ${JSON.stringify(a.columns)}`);
      for (const t of c.shadow.tables) {
        const dt = a.datatables.find((d) => d.letName === t.name);
        if (JSON.stringify(dt?.columns) !== JSON.stringify(schemas[t.name]))
          offenders.push(`${r.templateId} → ${c.name} → ${t.name} datatable columns differ from the schema`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every case places its newest row at now − 1 minute', () => {
    const offenders = plan.rules.flatMap((r) =>
      r.cases
        .filter((c) => c.shadow.shift?.newest !== '2026-11-26T09:59:00.000Z')
        .map((c) => `${r.templateId} → ${c.name} → ${JSON.stringify(c.shadow.shift)}`),
    );
    expect(offenders).toEqual([]);
  });
});
