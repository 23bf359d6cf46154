import { Diagnostic } from '../../scripts/core/diagnostic';
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

  it('prints what comes from a hostile file without control characters or direction overrides, the caret in place', () => {
    const line = 'tenantName: Con\u202etoso\x1b[31mred\tX';
    const hostile: Diagnostic = {
      file: 'rules/a\x1b[2Jb.yaml',
      severity: 'error',
      code: 'config-schema',
      message: 'tenantName: expected printable text, got "Con\u202etoso\x1b[31mred"',
      range: { start: { line: 2, character: 12 }, end: { line: 2, character: 30 } },
      sourceLine: line,
      related: [{ message: 'see \u2066here\u2069', file: 'b\x07.yaml' }],
    };
    const out = formatters.stylish([hostile], OPTIONS);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'rules/ab.yaml:3:13  error  tenantName: expected printable text, got "Contosored"  [config-schema]',
    );
    // one character per character of the source line, so the caret still starts under the value (column 13)
    expect(lines[1]).toBe('    tenantName: Con?toso?[31mred X');
    expect(lines[2]).toBe(`    ${' '.repeat(12)}${'^'.repeat(18)}`);
    expect(lines[3]).toBe('    see here b.yaml');
  });
  it('places the caret by terminal columns: wide characters two, combining marks none, astral characters one', () => {
    // the value starts after 名前 (2 wide = 4 columns), e + combining acute (1 column), 😀 (2 UTF-16 units, 2 columns)
    const line = '名前é😀: 値値x';
    const start = line.indexOf('値');
    const d: Diagnostic = {
      file: 'c.yaml',
      severity: 'error',
      code: 'config-schema',
      message: 'm',
      range: { start: { line: 0, character: start }, end: { line: 0, character: start + 3 } },
      sourceLine: line,
    };
    const lines = formatters.stylish([d], OPTIONS).split('\n');
    expect(lines[1]).toBe(`    ${line}`);
    // 名前 4 + é 1 + 😀 2 + ': ' 2 = 9 columns before the value; 値値x is 5 columns wide
    expect(lines[2]).toBe(`    ${' '.repeat(9)}${'^'.repeat(5)}`);
  });
  it('shows a very long line (a minified file) as an excerpt around the range, the caret under it', () => {
    const line = `${'x'.repeat(100_000)}BAD${'y'.repeat(100_000)}`;
    const d: Diagnostic = {
      file: 'm.json',
      severity: 'error',
      code: 'config-schema',
      message: 'm',
      range: { start: { line: 0, character: 100_000 }, end: { line: 0, character: 100_003 } },
      sourceLine: line,
    };
    const lines = formatters.stylish([d], OPTIONS).split('\n');
    expect(lines[1]).toBe(`    …${'x'.repeat(60)}BAD${'y'.repeat(60)}…`);
    expect(lines[2]).toBe(`    ${' '.repeat(61)}^^^`);
    // a line of ordinary length is shown whole
    const short = {
      ...d,
      sourceLine: 'key: BAD',
      range: { start: { line: 0, character: 5 }, end: { line: 0, character: 8 } },
    };
    expect(formatters.stylish([short], OPTIONS).split('\n').slice(1, 3)).toEqual(['    key: BAD', '         ^^^']);
  });
});
