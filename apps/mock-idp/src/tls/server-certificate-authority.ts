// A throwaway CA and the https listener's certificate, made fresh at every start (nothing generated
// is committed). Only the CA certificate leaves memory: it is written where NODE_EXTRA_CA_CERTS of
// the SDK-using processes points, so the unmodified SDK trusts the emulator's https authority.
import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isIP } from 'node:net';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface ServerTlsMaterial {
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
  subjectAltNames: string[];
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

function subjectAltNames(publicHost: string): x509.JsonGeneralName[] {
  const hosts = new Set([publicHost, 'localhost', '127.0.0.1', '::1']);
  return [...hosts].map((host) => ({ type: isIP(host) ? 'ip' : 'dns', value: host }));
}

export async function createServerTlsMaterial(publicHost: string): Promise<ServerTlsMaterial> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 86400_000);
  const caKeys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=mock-idp local CA (generated at start)',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const names = subjectAltNames(publicHost);
  const server = await x509.X509CertificateGenerator.create({
    subject: `CN=${publicHost}`,
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const privateKey = await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caCertificatePem: ca.toString('pem') + '\n',
    certificatePem: server.toString('pem') + '\n',
    privateKeyPem: toPem(privateKey, 'PRIVATE KEY'),
    subjectAltNames: names.map((name) => name.value),
  };
}

export async function writeCaCertificate(path: string, pem: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, pem, { mode: 0o644 });
}
