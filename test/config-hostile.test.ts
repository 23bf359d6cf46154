/** Hostile config files fail cleanly: alias bombs, huge files, invalid UTF-8, names that would change a request path. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadConfig, MAX_CONFIG_BYTES, parseConfigText } from '../scripts/config/load';
import { fillSubject } from '../scripts/content/render';

const accounts = [
  { objectId: '00000000-0000-4000-8000-00000000b701', userPrincipalName: 'btg1@contoso.example' },
  { objectId: '00000000-0000-4000-8000-00000000b702', userPrincipalName: 'btg2@contoso.example' },
];
const ws = {
  subscriptionId: '00000000-0000-4000-8000-0000000000a1',
  resourceGroup: 'rg-sentinel',
  workspaceName: 'law-sentinel',
  location: 'westeurope',
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-cfg-'));
const write = (name: string, data: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
};

describe('hostile config files', () => {
  it('a YAML alias bomb is a diagnostic, not a hang or a crash', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    bomb.push('accounts: *j');
    const t0 = Date.now();
    const r = loadConfig(write('bomb.yaml', bomb.join('\n') + '\n'));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].message).toMatch(/alias/i);
  });

  it('a config over 5 MB is refused before parsing', () => {
    const big = write('big.yaml', `tenantName: x\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const r = loadConfig(big);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['config-too-large']);
    expect(r.diagnostics[0].message).toMatch(/at most 5242880 bytes \(5 MB\)/);
    expect(parseConfigText('#'.repeat(MAX_CONFIG_BYTES + 1)).diagnostics[0].code).toBe('config-too-large');
  });

  it('invalid UTF-8 is a clear error naming the byte and line', () => {
    const text = Buffer.concat([
      Buffer.from(stringify({ tenantName: 'Contoso', accounts }) + 'x: "caf'),
      Buffer.from([0xe9, 0x22, 0x0a]),
    ]);
    const r = loadConfig(write('latin1.yaml', text));
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const line = text.subarray(0, text.indexOf(0xe9)).toString('latin1').split('\n').length;
    expect(r.diagnostics[0]).toMatchObject({ code: 'config-encoding', range: { start: { line: line - 1 } } });
    expect(r.diagnostics[0].message).toContain(
      `not valid UTF-8 (byte 0xe9 at offset ${text.indexOf(0xe9)}, line ${line})`,
    );
    // a valid multi-byte file (and a BOM) is fine
    expect(
      loadConfig(write('utf8.yaml', '\ufeff' + stringify({ tenantName: 'Café ø 日本', accounts }))).diagnostics,
    ).toEqual([]);
  });

  it.each([
    ['..', 'resourceGroup'],
    ['.', 'resourceGroup'],
    ['rg.', 'resourceGroup'],
    ['a/b', 'resourceGroup'],
    ['../../providers/Microsoft.Authorization', 'resourceGroup'],
    ['rg?api-version=1', 'resourceGroup'],
    ['rg%2f..', 'resourceGroup'],
    ['x'.repeat(91), 'resourceGroup'],
    ['', 'resourceGroup'],
    ['law/../../x', 'workspaceName'],
    ['law..', 'workspaceName'],
    ['ab', 'workspaceName'],
    ['-law', 'workspaceName'],
    ['00000000-0000-4000-8000-0000000000a1/resourceGroups/x', 'subscriptionId'],
    ['..', 'subscriptionId'],
    ['west/europe', 'location'],
  ])('%j as %s is rejected by the schema', (value, field) => {
    const r = parseConfigText(stringify({ accounts, workspaces: [{ ...ws, [field]: value }] }));
    expect(r.config).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message).join('\n')).toContain(`workspaces[0].${field}: expected`);
  });

  it.each(['rg-sentinel-prod', 'RG_(test).v2', 'rg-ø-日本', 'a'])('resource group %j is accepted', (rg) => {
    expect(parseConfigText(stringify({ accounts, workspaces: [{ ...ws, resourceGroup: rg }] })).diagnostics).toEqual(
      [],
    );
  });

  it('an emailSubject with any {{…}} is data: it loads, and only {{alertName}} / {{tenantName}} are filled in', () => {
    for (const subject of ['{{foo}}', '{{#each x}}', '{{> partial}}', '{{{raw}}}', '{{alertName', '}}{{']) {
      expect(parseConfigText(stringify({ accounts, notify: { emailSubject: subject } })).diagnostics).toEqual([]);
      expect(fillSubject(subject, { alertName: 'A', tenantName: 'T' })).toBe(subject);
    }
    expect(
      fillSubject('{{ alertName }} in {{tenantName}} {{foo}}', { alertName: '{{tenantName}}', tenantName: '[x]' }),
    ).toBe('{{tenantName}} in [x] {{foo}}');
  });
});
