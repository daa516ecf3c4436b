// One RS256 token-signing key as Entra publishes it: a self-signed certificate in `x5c`, its
// SHA-1 thumbprint as both `kid` and `x5t` (Entra uses the same value for both).
import { X509Certificate, createHash, createPrivateKey, webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { validityProblem } from './data-directory.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export interface PublishedJwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
}

export interface SigningKey {
  kid: string;
  x5t: string;
  privateKey: CryptoKey;
  jwk: PublishedJwk;
  createdAt: Date;
}

/** How a key is kept in the data directory (base64 DER, so the file is plain JSON). */
export interface StoredSigningKey {
  privateKeyPkcs8: string;
  certificate: string;
  createdAt: string;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

async function describe(privateKey: CryptoKey, der: Buffer, createdAt: Date): Promise<SigningKey> {
  const x5t = createHash('sha1').update(der).digest('base64url');
  const publicJwk = new X509Certificate(der).publicKey.export({ format: 'jwk' });
  return {
    kid: x5t,
    x5t,
    privateKey,
    jwk: {
      kty: 'RSA',
      use: 'sig',
      kid: x5t,
      x5t,
      n: publicJwk.n!,
      e: publicJwk.e!,
      x5c: [der.toString('base64')],
    },
    createdAt,
  };
}

export async function createSigningKey(now = new Date()): Promise<SigningKey> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=accounts.mock-idp.local',
    keys,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 5 * 365 * 86400_000),
    signingAlgorithm: RSA,
  });
  return describe(keys.privateKey, Buffer.from(certificate.rawData), now);
}

export async function storedSigningKey(key: SigningKey): Promise<StoredSigningKey> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key.privateKey);
  return {
    privateKeyPkcs8: Buffer.from(pkcs8).toString('base64'),
    certificate: key.jwk.x5c[0]!,
    createdAt: key.createdAt.toISOString(),
  };
}

/** The key kept in the data directory; throws with the reason when it cannot sign any more. */
export async function restoreSigningKey(stored: StoredSigningKey, now: Date): Promise<SigningKey> {
  const der = Buffer.from(stored.certificate, 'base64');
  const certificate = new X509Certificate(der);
  const privateKey = createPrivateKey({
    key: Buffer.from(stored.privateKeyPkcs8, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  if (!certificate.checkPrivateKey(privateKey))
    throw new Error('private key does not match the certificate');
  const expiry = validityProblem(certificate, now);
  if (expiry) throw new Error(expiry);
  const createdAt = new Date(stored.createdAt);
  if (Number.isNaN(createdAt.getTime())) throw new Error('createdAt is not a date');
  return describe(await privateKey.toCryptoKey(RSA, true, ['sign']), der, createdAt);
}
