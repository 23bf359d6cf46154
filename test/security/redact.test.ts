/**
 * The redaction module (scripts/security/redact.ts) as an attack: every token-like string a server, a credential or a
 * config could put into output is masked, and nothing the pack itself prints is changed (no false positives on the
 * emitted artifacts, the docs' examples or the golden files).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../scripts/config/load';
import { loadPack } from '../../scripts/content/pack';
import { emitPack } from '../../scripts/emit/pack';
import { EXAMPLE_CONFIG } from '../../scripts/paths';
import {
  clearRegisteredSecrets,
  MASK,
  redactText,
  redactValue,
  registerEnvSecrets,
  registerSecret,
} from '../../scripts/security/redact';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ aud: 'https://management.azure.com', tid: 't', oid: 'o', exp: 1 })}.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtdGhhdC1hcmUtbG9uZw`;

afterEach(clearRegisteredSecrets);

describe('redactText', () => {
  const cases: [string, string, string][] = [
    ['a JWT anywhere', `token ${JWT} leaked`, `token ${MASK} leaked`],
    ['a JWT in JSON', JSON.stringify({ accessToken: JWT }), JSON.stringify({ accessToken: MASK })],
    [
      'Authorization header echoed by a server',
      `401: header was "Authorization: Bearer opaque-token-0123456789"`,
      `401: header was "Authorization: Bearer ${MASK}"`,
    ],
    ['a JSON-echoed header', '{"authorization":"Basic dXNlcjpwYXNz"}', `{"authorization":"Basic ${MASK}"}`],
    ['Bearer with an opaque token', 'sent Bearer abc123.def-ghi', `sent Bearer ${MASK}`],
    [
      'Logic App callback URL',
      'https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zq3Kx_9rT1-abcdEFGH',
      `https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=${MASK}&sig=${MASK}`,
    ],
    [
      'storage SAS',
      'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&se=2030-01-01&sig=abc%2Bdef%3D',
      `https://acct.blob.core.windows.net/c/b?sv=${MASK}&ss=b&se=2030-01-01&sig=${MASK}`,
    ],
    [
      'function key',
      'https://fn.azurewebsites.net/api/x?code=q1w2e3r4t5',
      `https://fn.azurewebsites.net/api/x?code=${MASK}`,
    ],
    [
      'OAuth form body',
      'grant_type=client_credentials&client_id=abc&client_secret=S3cr3t~value',
      `grant_type=client_credentials&client_id=abc&client_secret=${MASK}`,
    ],
    ['client_secret at the start', 'client_secret=S3cr3t~value&x=1', `client_secret=${MASK}&x=1`],
    [
      'connection string',
      'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k3y+/==;EndpointSuffix=core.windows.net',
      `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${MASK};EndpointSuffix=core.windows.net`,
    ],
    [
      'Teams incoming webhook',
      'posting to https://contoso.webhook.office.com/webhookb2/1111@2222/IncomingWebhook/abcdef0123/3333 failed',
      `posting to https://contoso.webhook.office.com/${MASK} failed`,
    ],
    [
      'Slack webhook',
      'url: https://hooks.slack.com/services/T000/B000/XXXXXXXX',
      `url: https://hooks.slack.com/services/${MASK}`,
    ],
    [
      'password in a URL',
      'proxy https://user:hunter2pass@proxy.example:8080/',
      `proxy https://user:${MASK}@proxy.example:8080/`,
    ],
    [
      'private key',
      'key: -----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----',
      `key: -----BEGIN PRIVATE KEY----- ${MASK} -----END PRIVATE KEY-----`,
    ],
    [
      'JSON-escaped secret in a JSON string',
      JSON.stringify({ message: 'body was {"client_secret":"abc123xyz"}' }),
      JSON.stringify({ message: `body was {"client_secret":"${MASK}"}` }),
    ],
  ];
  test.each(cases)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
    // idempotent
    expect(redactText(expected)).toBe(expected);
  });

  test('registered secrets (BTG_ACCESS_TOKEN, client secrets) are masked wherever they appear, whatever their shape', () => {
    registerEnvSecrets({ BTG_ACCESS_TOKEN: 'Bearer plainopaquetoken', AZURE_CLIENT_SECRET: 'Abc~1234567890' });
    expect(redactText('x plainopaquetoken y Abc~1234567890 z')).toBe(`x ${MASK} y ${MASK} z`);
    registerSecret('short');
    expect(redactText('a short word')).toBe('a short word');
  });

  test('English and ordinary output is left alone', () => {
    const plain = [
      'Bearer tokens are never sent over plain http; Bearer authentication is used',
      'AuthorizationFailed: The client does not have authorization to perform action',
      'passwordPolicies: DisablePasswordExpiration',
      '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w?api-version=2022-10-01&$skipToken=abc',
      'SigninLogs | where ResultType == "50126" | extend code = ResultType',
      '| extend AccountKey = iff(isnotempty(AccountId), AccountId, tolower(Caller))',
    ];
    for (const s of plain) expect(redactText(s)).toBe(s);
  });

  test('no false positive on anything the pack emits (golden files, examples, detections)', () => {
    const root = path.join(__dirname, '..', '..');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    for (const d of ['test/golden', 'examples', 'detections'])
      if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
    expect(files.length).toBeGreaterThan(20);
    const changed = files.filter((f) => {
      const t = fs.readFileSync(f, 'utf8');
      return redactText(t) !== t;
    });
    expect(changed).toEqual([]);
  });

  test('no false positive on the artifacts of a build of the example config', () => {
    const loaded = loadConfig(EXAMPLE_CONFIG);
    const emitted = emitPack(loadPack(loaded.config!, EXAMPLE_CONFIG, loaded.source), { report: false });
    expect(emitted.artifacts.length).toBeGreaterThan(20);
    const changed = emitted.artifacts
      .filter((a) => typeof a.content === 'string' && redactText(a.content) !== a.content)
      .map((a) => a.path);
    expect(changed).toEqual([]);
  });
});

describe('redactValue (plan diffs)', () => {
  test('masks secret-named keys and token-like strings, keeps ARM/Logic App expressions and the rest', () => {
    const v = {
      properties: {
        webhookReceivers: [
          {
            name: 'hook',
            serviceUri:
              'https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=SIGVALUE123',
            useCommonAlertSchema: true,
          },
        ],
        parameters: { password: { value: 'P@ssw0rd!' }, secret: "[parameters('s')]", clientSecret: "@parameters('x')" },
        definition: {
          actions: {
            post: {
              inputs: { uri: 'https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/KEY/c', method: 'POST' },
            },
          },
        },
        displayName: 'BTG sign-in',
      },
    };
    expect(redactValue(v)).toEqual({
      properties: {
        webhookReceivers: [
          {
            name: 'hook',
            // a webhook receiver's URL is its key, whatever it looks like (PagerDuty, Opsgenie, a plain https URL)
            serviceUri: MASK,
            useCommonAlertSchema: true,
          },
        ],
        parameters: { password: { value: MASK }, secret: "[parameters('s')]", clientSecret: "@parameters('x')" },
        definition: {
          actions: { post: { inputs: { uri: `https://contoso.webhook.office.com/${MASK}`, method: 'POST' } } },
        },
        displayName: 'BTG sign-in',
      },
    });
    expect(redactValue({ password: 'P@ssw0rd!', token: 'abc' })).toEqual({ password: MASK, token: MASK });
  });
});

describe('SARIF and JUnit through the redaction (what `btg validate --format sarif|junit` prints)', () => {
  const leaky = [
    {
      code: 'playbook-no-secrets' as const,
      severity: 'error' as const,
      message: `contains a signed Logic Apps callback URL: https://prod-1.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGabc123def456`,
      file: 'playbooks/notify.json',
      range: { start: { line: 3, character: 4 }, end: { line: 3, character: 40 } },
      sourceLine: `"uri": "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/KEYKEYKEY123/c", "auth": "Bearer ${JWT}"`,
    },
  ];
  test.each(['sarif', 'junit', 'json', 'stylish'] as const)('%s: still well-formed, no secret left', async (format) => {
    const { formatters } = await import('../../scripts/validate/format');
    const raw = formatters[format](leaky, { color: false });
    expect(raw).toContain('SIGabc123def456'); // the formatter alone would print it
    const out = redactText(raw);
    for (const secret of ['SIGabc123def456', 'KEYKEYKEY123', JWT]) expect(out).not.toContain(secret);
    if (format === 'sarif' || format === 'json') expect(() => JSON.parse(out)).not.toThrow();
    if (format === 'junit') expect(out).toMatch(/^<\?xml[\s\S]*<\/testsuites>\s*$/);
  });
});
