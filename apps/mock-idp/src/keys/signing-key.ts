// One RS256 token-signing key as Entra publishes it: a self-signed certificate in `x5c`, its
// SHA-1 thumbprint as both `kid` and `x5t` (Entra uses the same value for both).
import { createHash, webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

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

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export async function createSigningKey(): Promise<SigningKey> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=accounts.mock-idp.local',
    keys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 5 * 365 * 86400_000),
    signingAlgorithm: RSA,
  });
  const der = Buffer.from(certificate.rawData);
  const x5t = createHash('sha1').update(der).digest('base64url');
  const publicJwk = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
  return {
    kid: x5t,
    x5t,
    privateKey: keys.privateKey,
    jwk: {
      kty: 'RSA',
      use: 'sig',
      kid: x5t,
      x5t,
      n: publicJwk.n!,
      e: publicJwk.e!,
      x5c: [der.toString('base64')],
    },
    createdAt: new Date(now),
  };
}
