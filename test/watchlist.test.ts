/** Watchlist mode: the account watchlist emitted from the config (RFC 4180 CSV, Sentinel watchlist resource, ARM). */
import fc from 'fast-check';
import { API_VERSIONS } from '../scripts/core/definitions';
import { loadConfig } from '../scripts/config/load';
import { csvField, emitWatchlist, toCsv, watchlistCsv, watchlistResource } from '../scripts/emit/watchlist';
import { loadPack } from '../scripts/content/pack';
import { configWith, WATCHLIST_CONFIG } from './helpers/pack';

/** A strict RFC 4180 reader, the reference the writer is checked against. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
      else if (c === '"') ((quoted = false), i++);
      else ((field += c), i++);
    } else if (c === '"' && field === '') ((quoted = true), i++);
    else if (c === ',') (row.push(field), (field = ''), i++);
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), (i += 2));
    else if (c === '"' || c === '\r' || c === '\n') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else ((field += c), i++);
  }
  if (quoted || field || row.length) throw new Error('record not terminated by CRLF');
  return rows;
}

const watchlistConfig = loadConfig(WATCHLIST_CONFIG).config!;

describe('CSV writer', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    [' padded ', '" padded "'],
    ['', ''],
    // spreadsheet formulas are neutralised (OWASP CSV injection), and the result is still RFC 4180
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['a=1', 'a=1'],
  ])('%j is written as %j', (value, written) => expect(csvField(value)).toBe(written));

  it('any table of strings reads back unchanged but for the formula guard (RFC 4180 round trip)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (rows) => {
          // a record of one empty field is an empty line, which RFC 4180 readers skip: not a case the watchlist produces
          fc.pre(rows.every((r) => r.length > 1 || r[0] !== ''));
          const neutralised = rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
          expect(parseCsv(toCsv(rows))).toEqual(neutralised);
        },
      ),
    );
  });

  it('the watchlist CSV has the header the queries and the community hunting queries read, one record per account', () => {
    const rows = parseCsv(watchlistCsv(watchlistConfig));
    expect(rows).toEqual([
      ['AccountObjectId', 'AccountUPN', 'DisplayName', 'Custodians'],
      [
        '00000000-0000-4000-8000-00000000b701',
        'BTG-Emergency-01@contoso.example',
        'Emergency Access 01, "primary"',
        'ciso@contoso.example; it-director@contoso.example',
      ],
      [
        '00000000-0000-4000-8000-00000000b702',
        'btg-emergency-02@contoso.example',
        'Emergency Access 02; safe B',
        'ciso@contoso.example',
      ],
    ]);
  });
});

describe('watchlist emitter', () => {
  it('emits nothing in inline mode', () => {
    const pack = loadPack(
      configWith(() => undefined),
      'btg.config.yaml',
    );
    expect(emitWatchlist(pack)).toEqual({ artifacts: [], resources: [] });
  });

  it('emits the CSV, the ARM template and a sentinel watchlist resource named by the alias', () => {
    const pack = loadPack(watchlistConfig, 'btg.config.yaml');
    const out = emitWatchlist(pack);
    expect(out.artifacts.map((a) => [a.kind, a.path])).toEqual([
      ['watchlist-csv', 'watchlists/BreakGlassAccounts.csv'],
      ['watchlist-arm', 'arm/watchlists/BreakGlassAccounts.json'],
    ]);
    const [res] = out.resources;
    expect(res).toMatchObject({
      kind: 'watchlist',
      scope: 'sentinel',
      type: 'watchlists',
      name: 'BreakGlassAccounts',
      apiVersion: API_VERSIONS.watchlists,
    });
    expect(res.body.properties).toMatchObject({
      displayName: 'Break-glass accounts',
      provider: 'breakglass-sentinel',
      source: 'BreakGlassAccounts.csv',
      itemsSearchKey: 'AccountObjectId',
      contentType: 'text/csv',
      numberOfLinesToSkip: 0,
      rawContent: out.artifacts[0].content,
    });
    const arm = JSON.parse(out.artifacts[1].content);
    expect(arm.resources).toHaveLength(1);
    expect(arm.resources[0]).toMatchObject({
      type: 'Microsoft.OperationalInsights/workspaces/providers/watchlists',
      apiVersion: API_VERSIONS.watchlists,
      name: "[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', 'BreakGlassAccounts')]",
      properties: { rawContent: out.artifacts[0].content },
    });
  });

  it('follows a custom alias in the file names, the resource and every query', () => {
    const config = configWith((d) => (d.watchlist.alias = 'Btg_Emergency'), WATCHLIST_CONFIG);
    const pack = loadPack(config, 'btg.config.yaml');
    const out = emitWatchlist(pack);
    expect(out.artifacts.map((a) => a.path)).toEqual([
      'watchlists/Btg_Emergency.csv',
      'arm/watchlists/Btg_Emergency.json',
    ]);
    expect(watchlistResource(config).name).toBe('Btg_Emergency');
    // every rule about the accounts reads the custom alias; tenant-wide rules (policy, federation, data silence) read no account set
    const accountRules = pack.rules.filter((r) => r.scope !== 'tenant');
    expect(accountRules.length).toBeGreaterThanOrEqual(10);
    expect(
      accountRules.filter((r) => !r.query.text.includes('_GetWatchlist("Btg_Emergency")')).map((r) => r.templateId),
    ).toEqual([]);
    expect(pack.rules.filter((r) => r.query.text.includes('BreakGlassAccounts')).map((r) => r.templateId)).toEqual([]);
  });
});
