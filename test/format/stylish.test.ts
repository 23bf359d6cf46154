import { formatters } from '../../scripts/validate/format';
import { count, MIXED, OPTIONS } from './fixture';

describe('stylish', () => {
  const out = formatters.stylish(MIXED, OPTIONS);
  const lines = out.trimEnd().split('\n');

  it('prints file:line:col (1-based), severity, message and check id for every diagnostic', () => {
    expect(out).toContain(
      "detections/btg-interactive-signin.yaml:22:41  error  KS142: The name 'UserPrincipalNam' does not refer",
    );
    expect(out).toContain(
      'my config/btg.config.yaml:13:21  error  workspaces[0].subscriptionId: expected a GUID  [config-schema]',
    );
    expect(out).toContain('(pack)  error  duplicate name');
    for (const d of MIXED) expect(out).toContain(`[${d.code}]`);
  });

  it('shows the source line with a caret under the range', () => {
    const i = lines.findIndex((l) => l.includes('[config-schema]'));
    expect(lines[i + 1]).toBe('        subscriptionId: not-a-guid');
    expect(lines[i + 2]).toBe(`    ${' '.repeat(20)}${'^'.repeat(10)}`);
  });

  it('ends with the totals and the summary, uncoloured unless asked', () => {
    expect(lines[lines.length - 1]).toBe(
      `${count('error')} error(s), ${count('warning')} warning(s) in the pack (12 ms)`,
    );
    expect(out).not.toContain('\x1b[');
    expect(formatters.stylish(MIXED, { ...OPTIONS, color: true })).toContain('\x1b[31merror\x1b[0m');
  });
});
