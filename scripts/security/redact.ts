/**
 * One redaction module for everything btg prints or reports: bearer tokens and anything token-like never reach
 * stdout, stderr, `--json`, SARIF/JUnit, plan diffs or error messages echoed by a server.
 *
 * - `redactText(s)`: the registered secrets (the token in `BTG_ACCESS_TOKEN`, client secrets from the environment)
 *   wherever they appear, then token-like patterns: JWTs (`eyJ….….…`), `Bearer <token>`, `Authorization: <value>`,
 *   signed-URL and OAuth query parameters (`sig=`, `code=`, `sv=`, `client_secret=`, `access_token=`, …),
 *   key/secret assignments (`client_secret=…`, `"access_token": "…"`, `AccountKey=…`, `SharedAccessSignature=…`),
 *   webhook URLs whose path is the key (Teams/Office 365 `*.webhook.office.com`, Slack, Discord), passwords in URLs
 *   and PEM private keys. Everything secret becomes `***`; the rest of the text stays as it was (idempotent).
 * - `redactValue(v)`: the same over every string of a JSON value, and every string under a secret-named key
 *   (`password`, `secret`, `clientSecret`, `token`, `sig`, `key`, `connectionString`, …) becomes `***`.
 *
 * It is defence in depth: no code path prints a token on purpose. The CLI applies it to both output streams
 * (scripts/cli/io.ts), the deploy layer to server error messages and plan diffs.
 */

export const MASK = '***';

const registered = new Set<string>();
/** the registered secrets, longest first (so a secret containing another is masked whole); rebuilt on change */
let ordered: string[] = [];
const reorder = () => {
  ordered = [...registered].sort((a, b) => b.length - a.length);
};

/** Environment variables whose values are secrets wherever they show up. */
export const SECRET_ENV = [
  'BTG_ACCESS_TOKEN',
  'BTG_ALERT_WEBHOOK_URI',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_PASSWORD',
  'ARM_CLIENT_SECRET',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'SYSTEM_ACCESSTOKEN',
  'GITHUB_TOKEN',
] as const;

/** Treat `value` (and, for a `Bearer x` value, `x`) as a secret in every later redaction. Short values are ignored. */
export function registerSecret(value: string | undefined): void {
  const v = value?.trim();
  if (!v) return;
  const bare = v.replace(/^Bearer\s+/i, '');
  for (const s of [v, bare]) if (s.length >= 8) registered.add(s);
  reorder();
}

/** Register the secrets held in the environment (SECRET_ENV). */
export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const k of SECRET_ENV) registerSecret(env[k]);
}

/** For tests: forget the registered secrets. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  reorder();
}

const TOKEN_CHARS = '[A-Za-z0-9\\-._~+/%]';
/** A `Bearer` value that looks like a credential, not an English word ("bearer tokens"). */
const credentialLike = (s: string) => s.length >= 20 || (s.length >= 8 && /[^A-Za-z]/.test(s));

/** Query parameters whose values are secret (signed URLs, OAuth, function keys). */
const SECRET_PARAMS = [
  'sig',
  'signature',
  'code',
  'sv',
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'id_token',
  'assertion',
  'password',
  'api[-_]?key',
  'apikey',
  'subscription-key',
  'x-api-key',
  'token',
  'secret',
  'key',
];
const PARAM_RE = new RegExp(`((?:[?&]|&amp;)(?:${SECRET_PARAMS.join('|')})=)([^&\\s"'#<>\\\\]+)`, 'gi');

/** `name=value` / `"name": "value"` assignments of secrets, anywhere (form bodies, connection strings, JSON). */
const SECRET_NAMES = [
  'client_secret',
  'clientSecret',
  'client_assertion',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'AccountKey',
  'SharedAccessKey',
  'SharedAccessSignature',
  'password',
  'passwd',
];
// `name=value` (no spaces: form bodies, connection strings; `x = iff(…)` in KQL is code) or `"name": "value"` (JSON,
// also JSON inside a JSON string)
const ASSIGN_RE = new RegExp(
  `\\b(${SECRET_NAMES.join('|')})(=|\\\\?["']\\s*[:=]\\s*\\\\?["'])([^\\s"'&;,\\\\}\\]]+)`,
  'gi',
);

const RULES: [RegExp, (m: string, ...g: string[]) => string][] = [
  // PEM private keys, whole
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    () => `-----BEGIN PRIVATE KEY----- ${MASK} -----END PRIVATE KEY-----`,
  ],
  // JWT / JWS / JWE: base64url JSON header, then dot-separated parts
  [/\beyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,4}/g, () => MASK],
  // Authorization: <scheme> <value>  (headers echoed in errors, logs, JSON)
  [
    /(\bauthorization\\?["']?\s*[:=]\s*\\?["']?)(?:(Bearer|Basic|Digest|SharedKey|SharedAccessSignature|PoP|Negotiate)\s+)?([^\s"',;\\]+)/gi,
    (_m, pre, scheme, value) => (value === MASK ? _m : `${pre}${scheme ? `${scheme} ` : ''}${MASK}`),
  ],
  // Bearer <token>
  [
    new RegExp(`\\b(Bearer)\\s+(${TOKEN_CHARS}+=*)`, 'gi'),
    (m, word, value) => (value === MASK || !credentialLike(value) ? m : `${word} ${MASK}`),
  ],
  // webhook URLs whose path is the key
  [/(https?:\/\/[A-Za-z0-9.-]*\.webhook\.office\.com\/)[^\s"'<>\\]+/gi, (_m, pre) => `${pre}${MASK}`],
  [/(https?:\/\/outlook\.office(?:365)?\.com\/webhook\/)[^\s"'<>\\]+/gi, (_m, pre) => `${pre}${MASK}`],
  [/(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>\\]+/gi, (_m, pre) => `${pre}${MASK}`],
  [/(https?:\/\/(?:[a-z]+\.)?discord(?:app)?\.com\/api\/webhooks\/)[^\s"'<>\\]+/gi, (_m, pre) => `${pre}${MASK}`],
  // https://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]+:)([^\s/@"'<>]+)@/gi, (m, pre, pw) => (pw === MASK ? m : `${pre}${MASK}@`)],
  // signed URLs and OAuth parameters
  [PARAM_RE, (m, pre, value) => (value === MASK ? m : `${pre}${MASK}`)],
  // secret assignments
  [ASSIGN_RE, (m, name, sep, value) => (value === MASK ? m : `${name}${sep}${MASK}`)],
];

/** Every rule needs one of these (case-insensitive) to match: text without any skips the patterns. */
const TRIGGER = new RegExp(
  [
    'eyJ',
    'bearer',
    'authorization',
    'PRIVATE KEY',
    'webhook',
    'hooks\\.slack',
    'discord',
    '@',
    '=',
    ...SECRET_NAMES,
  ].join('|'),
  'i',
);

/** `text` with every registered secret and every token-like string replaced by `***`. */
export function redactText(text: string, extraSecrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const extra = extraSecrets.filter((s): s is string => !!s && s.length >= 8);
  const secrets = extra.length ? [...ordered, ...extra].sort((a, b) => b.length - a.length) : ordered;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  // fast path (progress lines, tables): none of the patterns can match without one of these
  if (!TRIGGER.test(out)) return out;
  for (const [re, fn] of RULES) {
    re.lastIndex = 0;
    out = out.replace(re, fn as (m: string, ...g: unknown[]) => string);
  }
  return out;
}

/** Keys whose string values are secret whatever they look like. */
const SECRET_KEY =
  /^(password|passwd|pwd|secret|client_?secret|api_?key|access_?key|account_?key|shared_?access_?key|access_?token|refresh_?token|id_?token|token|sas|sas_?token|sig|signature|connection_?string|secure_?value|private_?key|webhook_?url|webhook_?key|service_?uri)$/i;

/** Whether a dotted field path (`properties.parameters.password.value`, `a[0].sig`) passes through a secret-named key. */
export function isSecretPath(path: string): boolean {
  return path.split(/[.[\]]+/).some((seg) => seg !== '' && SECRET_KEY.test(seg));
}

/**
 * A copy of a JSON value with every string redacted and secret-named keys masked. `path`: where the value sits (a
 * plan diff's field path), so a value under a secret-named key is masked even when it is a bare string.
 */
export function redactValue<T>(value: T, path = ''): T {
  // under a secret-named key every literal string is secret (e.g. `password: { value: "…" }`); expressions
  // (`[parameters('x')]`, `@parameters('x')`) are references, not secrets
  const walk = (v: unknown, secret: boolean): unknown => {
    if (typeof v === 'string') return secret && v !== '' && !/^[@[]/.test(v) ? MASK : redactText(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, secret));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, secret || SECRET_KEY.test(k))]),
      );
    return v;
  };
  return walk(value, path !== '' && isSecretPath(path)) as T;
}
