// The emulator's own CA and the https listener's certificate, generated on first start and kept
// in the data directory (nothing generated is committed). Processes read NODE_EXTRA_CA_CERTS once,
// at their start: a CA that changed under them would break their https calls to the authority
// until they restart too, so a restarted emulator serves the CA it had. What cannot be served
// (missing, unreadable, a key that does not match, expiring, a server certificate that does not
// name the public host) is generated again, and the reason is reported.
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  PRIVATE_FILE_MODE,
  PUBLIC_FILE_MODE,
  readIfPresent,
  validityProblem,
  writeWhole,
} from '../keys/data-directory.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86400_000;
const CA_LIFETIME_MS = 5 * 365 * DAY_MS;
const SERVER_CERTIFICATE_LIFETIME_MS = 365 * DAY_MS;

/** File names in the data directory. */
export const TLS_FILES = {
  caCertificate: 'ca.pem',
  caPrivateKey: 'ca.key.pem',
  certificate: 'server.pem',
  privateKey: 'server.key.pem',
} as const;

export interface ServerTlsMaterial {
  caCertificatePem: string;
  certificatePem: string;
  privateKeyPem: string;
  subjectAltNames: string[];
  /** `reused`, or what was generated and why. */
  origin: string;
}

interface CertificateAndKey {
  certificatePem: string;
  privateKeyPem: string;
}

export interface TlsMaterialOptions {
  dataDir: string;
  /** Where the CA certificate is also published for NODE_EXTRA_CA_CERTS (may be in dataDir). */
  caCertPath: string;
  publicHost: string;
  now?: Date;
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

function subjectAltNames(publicHost: string): string[] {
  return [...new Set([publicHost, 'localhost', '127.0.0.1', '::1'])];
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

async function createCa(now: Date): Promise<CertificateAndKey> {
  const keys = await newKeyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=mock-idp local CA',
    keys,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: ca.toString('pem') + '\n', privateKeyPem: await privateKeyPem(keys) };
}

async function createServerCertificate(
  ca: CertificateAndKey,
  names: string[],
  now: Date,
): Promise<CertificateAndKey> {
  const caCertificate = new X509Certificate(ca.certificatePem);
  const caPrivateKey = await createPrivateKey(ca.privateKeyPem).toCryptoKey(KEY_ALGORITHM, false, [
    'sign',
  ]);
  const caPublicKey = await createPublicKey(ca.certificatePem).toCryptoKey(KEY_ALGORITHM, true, [
    'verify',
  ]);
  const keys = await newKeyPair();
  const server = await x509.X509CertificateGenerator.create({
    subject: `CN=${names[0]}`,
    issuer: caCertificate.subject,
    publicKey: keys.publicKey,
    signingKey: caPrivateKey,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(
      Math.min(now.getTime() + SERVER_CERTIFICATE_LIFETIME_MS, caCertificate.validToDate.getTime()),
    ),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((name) => ({ type: isIP(name) ? 'ip' : 'dns', value: name })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caPublicKey),
    ],
  });
  return {
    certificatePem: server.toString('pem') + '\n',
    privateKeyPem: await privateKeyPem(keys),
  };
}

async function readStored(
  dataDir: string,
  certificateFile: string,
  privateKeyFile: string,
): Promise<Partial<CertificateAndKey>> {
  return {
    certificatePem: await readIfPresent(join(dataDir, certificateFile)),
    privateKeyPem: await readIfPresent(join(dataDir, privateKeyFile)),
  };
}

/** The parsed certificate, or why the stored pair cannot be served. */
function parseStored(
  stored: Partial<CertificateAndKey>,
  now: Date,
): X509Certificate | { problem: string } {
  if (stored.certificatePem === undefined || stored.privateKeyPem === undefined)
    return { problem: 'missing' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(stored.certificatePem);
  } catch {
    return { problem: 'unreadable certificate' };
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(stored.privateKeyPem)))
      return { problem: 'private key does not match the certificate' };
  } catch {
    return { problem: 'unreadable private key' };
  }
  const expiry = validityProblem(certificate, now);
  return expiry ? { problem: expiry } : certificate;
}

function caProblem(stored: Partial<CertificateAndKey>, now: Date): string | undefined {
  const parsed = parseStored(stored, now);
  if ('problem' in parsed) return parsed.problem;
  return parsed.ca ? undefined : 'not a CA certificate';
}

function serverProblem(
  stored: Partial<CertificateAndKey>,
  ca: CertificateAndKey,
  names: string[],
  now: Date,
): string | undefined {
  const parsed = parseStored(stored, now);
  if ('problem' in parsed) return parsed.problem;
  const caCertificate = new X509Certificate(ca.certificatePem);
  if (!parsed.checkIssued(caCertificate) || !parsed.verify(caCertificate.publicKey))
    return 'not issued by the CA';
  const unnamed = names.find((name) =>
    isIP(name) ? parsed.checkIP(name) === undefined : parsed.checkHost(name) === undefined,
  );
  return unnamed ? `does not name ${unnamed}` : undefined;
}

async function store(
  dataDir: string,
  certificateFile: string,
  privateKeyFile: string,
  pair: CertificateAndKey,
): Promise<void> {
  // the key first: a certificate on disk never points at a key that is not there yet
  await writeWhole(join(dataDir, privateKeyFile), pair.privateKeyPem, PRIVATE_FILE_MODE);
  await writeWhole(join(dataDir, certificateFile), pair.certificatePem, PUBLIC_FILE_MODE);
}

/**
 * The CA and server certificate from the data directory, generating what cannot be served, and
 * the CA certificate published at caCertPath. Run it before the listeners open: then a
 * `/healthz` 200 implies the CA file exists.
 */
export async function loadOrCreateServerTlsMaterial(
  options: TlsMaterialOptions,
): Promise<ServerTlsMaterial> {
  const { dataDir, caCertPath } = options;
  const now = options.now ?? new Date();
  const names = subjectAltNames(options.publicHost);
  const generated: string[] = [];

  const storedCa = await readStored(dataDir, TLS_FILES.caCertificate, TLS_FILES.caPrivateKey);
  let ca = storedCa as CertificateAndKey;
  const caIssue = caProblem(storedCa, now);
  if (caIssue) {
    ca = await createCa(now);
    await store(dataDir, TLS_FILES.caCertificate, TLS_FILES.caPrivateKey, ca);
    generated.push(`CA (${caIssue})`);
  }

  const storedServer = await readStored(dataDir, TLS_FILES.certificate, TLS_FILES.privateKey);
  let server = storedServer as CertificateAndKey;
  const serverIssue = caIssue ? 'new CA' : serverProblem(storedServer, ca, names, now);
  if (serverIssue) {
    server = await createServerCertificate(ca, names, now);
    await store(dataDir, TLS_FILES.certificate, TLS_FILES.privateKey, server);
    generated.push(`server certificate (${serverIssue})`);
  }

  if ((await readIfPresent(caCertPath)) !== ca.certificatePem)
    await writeWhole(caCertPath, ca.certificatePem, PUBLIC_FILE_MODE);

  return {
    caCertificatePem: ca.certificatePem,
    certificatePem: server.certificatePem,
    privateKeyPem: server.privateKeyPem,
    subjectAltNames: names,
    origin: generated.length ? `generated ${generated.join(', ')}` : 'reused',
  };
}
