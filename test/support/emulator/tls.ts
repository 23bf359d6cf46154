/**
 * TEST-ONLY self-signed certificate for the ARM emulator, generated in memory at start with node:crypto.
 *
 * Why: `@azure/core-rest-pipeline`'s bearer policy refuses `http:` URLs even with `allowInsecureConnection`.
 * Serving https with a throw-away certificate that the client trusts through `tlsOptions.ca` keeps the real SDK
 * pipeline intact: bearer policy, retry policy, LRO pollers.
 * Node has no certificate builder, so this file DER-encodes a minimal X.509 v3 certificate by hand (ECDSA P-256,
 * SAN IP:127.0.0.1 + DNS:localhost). The private key never leaves the process and nothing is written to disk.
 */
import * as crypto from 'crypto';

export interface SelfSignedCert {
  /** PEM certificate: give it to clients as `tlsOptions.ca` (or NODE_EXTRA_CA_CERTS for a child process). */
  cert: string;
  /** PEM PKCS#8 private key (in memory only). */
  key: string;
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);

function oid(dotted: string): Buffer {
  const p = dotted.split('.').map(Number);
  const out = [40 * p[0] + p[1]];
  for (const v of p.slice(2)) {
    const b: number[] = [];
    let x = v;
    do {
      b.unshift(x & 0x7f);
      x = Math.floor(x / 128);
    } while (x > 0);
    for (let i = 0; i < b.length - 1; i++) b[i] |= 0x80;
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

/** DER INTEGER, minimal form: leading zero bytes dropped (OpenSSL rejects them as "illegal padding"), one 0x00 added back when the top bit is set. */
export function positiveInt(b: Buffer): Buffer {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  const v = b.subarray(start);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function utcTime(d: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, '0');
  const s = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
};

/** A fresh self-signed certificate valid for 127.0.0.1 and localhost, from one day ago to `days` days ahead. */
export function generateSelfSignedCert(days = 30): SelfSignedCert {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = seq(
    set(seq(oid(OID.organization), tlv(0x0c, Buffer.from('breakglass-sentinel test emulator (TEST ONLY)')))),
    set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from('127.0.0.1')))),
  );
  const serial = crypto.randomBytes(16);
  // Positive and never starting with 0x00 (a 1-in-256 serial used to start with a zero byte, which is not minimal DER).
  serial[0] = (serial[0] & 0x7f) | 0x40;
  const now = Date.now();
  const sigAlg = seq(oid(OID.ecdsaWithSha256));
  const extensions = seq(
    // CA:TRUE like `openssl req -x509`: the certificate is its own trust anchor.
    seq(oid(OID.basicConstraints), bool(true), octets(seq(bool(true)))),
    // digitalSignature + keyCertSign
    seq(oid(OID.keyUsage), bool(true), octets(tlv(0x03, Buffer.from([0x02, 0x84])))),
    seq(oid(OID.extKeyUsage), octets(seq(oid(OID.serverAuth)))),
    seq(
      oid(OID.subjectAltName),
      octets(seq(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from('localhost')))),
    ),
  );
  const tbs = seq(
    explicit(0, positiveInt(Buffer.from([2]))),
    positiveInt(serial),
    sigAlg,
    name,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const der = seq(tbs, sigAlg, bits(signature));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
