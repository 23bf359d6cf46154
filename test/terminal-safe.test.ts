/** Names a server chose are printed without their control characters (no cursor moves, no hidden text, no forged lines). */
import { terminalSafe } from '../scripts/cli/io';
import { formatTable } from '../scripts/cli/commands/check';
import { formatEvent } from '../scripts/deploy/report';

const HOSTILE = 'CA policy\x1b[2K\x1b[1A\rALL CLEAR\x1b[8m hidden\x1b[0m\nPASS  fake line\u202egnp.exe\x07\x00\x9b31m';

describe('terminalSafe', () => {
  it.each([
    ['plain name', 'plain name'],
    ['tab\tand\nnewline\r\n', 'tab and newline  '],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['bell\x07 nul\x00 del\x7f c1\x85', 'bell nul del c1'],
    ['rtl\u202eexe.pdf', 'rtlexe.pdf'],
    ['Zoë 日本 ✓', 'Zoë 日本 ✓'],
  ])('%j → %j', (input, output) => expect(terminalSafe(input)).toBe(output));

  it('leaves no control character in any input', () => {
    let all = '';
    for (let c = 0; c < 0x200; c++) all += String.fromCharCode(c);
    expect(terminalSafe(all + HOSTILE)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
  });
});

describe('printed server names', () => {
  it('btg check: a Graph display name cannot rewrite the table', () => {
    const text = formatTable({
      tenantName: 'Contoso',
      source: 'graph',
      asOf: '2026-01-01T00:00:00Z',
      summary: { fail: 1, warn: 0, skip: 0, info: 0, pass: 0 },
      findings: [
        { check: 'ca-exclusion' as never, subject: HOSTILE, status: 'fail', reason: `policy "${HOSTILE}" applies` },
      ],
    });
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text.split('\n').filter((l) => l.startsWith('PASS'))).toEqual([]);
    expect(text).toContain('ALL CLEAR');
  });

  it('btg deploy: a resource name from the server in a progress line', () => {
    const line = formatEvent({
      type: 'result',
      workspace: 'prod',
      result: {
        status: 'failed',
        operation: 'update',
        message: `server said ${HOSTILE}`,
        entry: { label: 'rule', displayName: HOSTILE, name: 'x\x1b]0;title\x07' },
      },
    } as never)!;
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    expect(line).toContain('FAILED');
  });
});
