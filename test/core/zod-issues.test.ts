/** One wording of zod issues for config, templates, workbooks and Graph responses. */
import { z } from 'zod';
import { parseYamlSource } from '../../scripts/core/yamlSource';
import { describeValue, zodDiagnostics, zodIssueMessage } from '../../scripts/core/zodIssues';

const Schema = z
  .object({
    name: z.string(),
    level: z.enum(['Low', 'High']),
    tags: z.array(z.string()).min(2),
    when: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a') }).strict(),
      z.object({ kind: z.literal('b') }).strict(),
    ]),
    country: z.string().refine((c) => ['NO', 'SE'].includes(c), 'expected a country code'),
  })
  .strict();

const text = 'name: 5\nlevel: hgh\ntags: [x]\nwhen: { kind: c }\ncountry: SW\nextra: 1\n';
const src = parseYamlSource('t.yaml', text).source!;
const err = Schema.safeParse(src.data).error!;
const byPath = (messages: string[]) => messages.sort();

test('without the data: the type names and zod messages (template files)', () => {
  expect(byPath(err.issues.map((i) => zodIssueMessage(i)))).toEqual(
    byPath([
      'unknown key "extra"',
      'expected string, got number',
      "Invalid enum value. Expected 'Low' | 'High', received 'hgh'",
      'Array must contain at least 2 element(s)',
      'expected kind to be one of "a", "b"',
      'expected a country code',
    ]),
  );
});

test('with the data: the values found and the nearest valid one (config)', () => {
  const nearest = (v: string, c: readonly string[]) => c.find((x) => x[0].toLowerCase() === v[0].toLowerCase());
  const w = {
    data: src.data,
    nearest,
    suggestions: (p: (string | number)[]) => (p[0] === 'country' ? ['NO', 'SE'] : undefined),
  };
  expect(byPath(err.issues.map((i) => zodIssueMessage(i, w)))).toEqual(
    byPath([
      'unknown key "extra"',
      'expected string, got number 5',
      'expected one of "Low", "High", got "hgh" (did you mean High?)',
      'expected at least 2 item(s), got 1',
      'expected kind to be one of "a", "b"',
      'expected a country code, got "SW" (did you mean "SE"?)',
    ]),
  );
  const required = Schema.safeParse({}).error!.issues.find((i) => i.path[0] === 'name')!;
  expect(zodIssueMessage(required, { data: {} })).toBe('required, expected string');
  expect(zodIssueMessage(required)).toBe('required, expected string');
});

test('diagnostics at the issue in the file, with path and item', () => {
  const ds = zodDiagnostics(err, src, 'rule-schema', { item: (p) => (p[0] === 'when' ? 'the-when' : undefined) });
  const when = ds.find((d) => d.path?.[0] === 'when')!;
  expect(when).toMatchObject({
    code: 'rule-schema',
    file: 't.yaml',
    item: 'the-when',
    message: 'item "the-when": when.kind: expected kind to be one of "a", "b"',
    sourceLine: 'when: { kind: c }',
  });
  expect(when.range!.start.line).toBe(3);
  expect(ds.find((d) => d.path?.[0] === 'name')!.message).toBe('name: expected string, got number');
});

describe('describeValue', () => {
  it('quotes a string with every control character and direction override escaped, as it appears in an error line', () => {
    expect(describeValue('Con\ttoso\u202e\x1b[31m\x85x')).toBe('"Con\\ttoso\\u202e\\u001b[31m\\u0085x"');
    expect(describeValue('Contoso')).toBe('"Contoso"');
  });
});
