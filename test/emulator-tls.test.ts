/**
 * The test emulators' hand-built certificate must be valid DER every time: a serial that started with 0x00 made
 * OpenSSL refuse 1 in ~256 certificates ("asn1 encoding routines::illegal padding") and failed CI at random.
 */
import * as crypto from 'crypto';
import * as tls from 'tls';
import { generateSelfSignedCert, positiveInt } from './support/emulator/tls';

test('positiveInt is minimal DER: leading zeros dropped, one zero added before a set top bit', () => {
  expect(positiveInt(Buffer.from([0x00, 0x10]))).toEqual(Buffer.from([0x02, 0x01, 0x10]));
  expect(positiveInt(Buffer.from([0x00, 0x00, 0x90]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x90]));
  expect(positiveInt(Buffer.from([0x90]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x90]));
  expect(positiveInt(Buffer.from([0x00]))).toEqual(Buffer.from([0x02, 0x01, 0x00]));
  expect(positiveInt(Buffer.from([0x7f, 0x00]))).toEqual(Buffer.from([0x02, 0x02, 0x7f, 0x00]));
});

test('500 generated certificates all parse and load into a TLS context', () => {
  for (let i = 0; i < 500; i++) {
    const { cert, key } = generateSelfSignedCert();
    const x509 = new crypto.X509Certificate(cert);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(() => tls.createSecureContext({ cert, key })).not.toThrow();
  }
});
