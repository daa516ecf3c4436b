// The demo directory plus what only tests need, generated per run (nothing secret is committed):
// a client secret and an expired one on consumer-fic-app, a certificate credential, and an API
// that requires role assignment (consumer-fic-app holds only roles that cannot count there: a
// disabled one and a User-only one; id-no-role holds the default access).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { importPKCS8, SignJWT } from 'jose';
import { DEMO, readDemoDirectory } from './test-idp.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const LOCKED_API = {
  appId: '5a1c0b9e-1111-4c3d-8e2f-0a1b2c3d4e5f',
  identifierUri: 'api://locked-api',
  spObjectId: '5a1c0b9e-3333-4c3d-8e2f-0a1b2c3d4e5f',
  disabledRoleId: '5a1c0b9e-4444-4c3d-8e2f-0a1b2c3d4e5f',
  userOnlyRoleId: '5a1c0b9e-5555-4c3d-8e2f-0a1b2c3d4e5f',
} as const;

export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

export interface TestDirectory {
  directory: Record<string, any>;
  secret: string;
  expiredSecret: string;
  certificatePem: string;
  privateKeyPem: string;
  /** Signs a certificate-style client assertion of consumer-fic-app (iss = sub = `clientId`). */
  signCertificateAssertion(claims: {
    aud: string;
    exp: number;
    nbf?: number;
    clientId?: string;
  }): Promise<string>;
  writeCertificateFile(dir: string): Promise<string>;
}

function pem(der: ArrayBuffer, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END ${label}-----\n`;
}

export async function createTestDirectory(): Promise<TestDirectory> {
  const directory = await readDemoDirectory();
  const secret = randomBytes(24).toString('base64url');
  const expiredSecret = randomBytes(24).toString('base64url');
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=consumer-fic-app',
    keys,
    signingAlgorithm: algorithm,
  });
  const certificatePem = certificate.toString('pem') + '\n';
  const privateKeyPem = pem(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
    'PRIVATE KEY',
  );
  const x5t = Buffer.from(await certificate.getThumbprint('SHA-1')).toString('base64url');

  const tenant = directory.tenants[0];
  const ficApp = tenant.applications.find((app: { appId: string }) => app.appId === DEMO.ficAppId);
  ficApp.passwordCredentials = [
    {
      keyId: 'aaaaaaaa-0000-4000-8000-000000000001',
      displayName: 'test secret',
      secretText: secret,
    },
    {
      keyId: 'aaaaaaaa-0000-4000-8000-000000000002',
      displayName: 'expired',
      secretText: expiredSecret,
      endDateTime: '2020-01-01T00:00:00Z',
    },
  ];
  ficApp.keyCredentials = [{ keyId: 'aaaaaaaa-0000-4000-8000-000000000003', key: certificatePem }];
  tenant.applications.push({
    displayName: 'locked-api',
    appId: LOCKED_API.appId,
    objectId: '5a1c0b9e-2222-4c3d-8e2f-0a1b2c3d4e5f',
    identifierUris: [LOCKED_API.identifierUri],
    requestedAccessTokenVersion: 2,
    appRoles: [
      {
        id: LOCKED_API.disabledRoleId,
        value: 'retired',
        displayName: 'retired',
        allowedMemberTypes: ['Application'],
        isEnabled: false,
      },
      {
        id: LOCKED_API.userOnlyRoleId,
        value: 'reader',
        displayName: 'reader',
        allowedMemberTypes: ['User'],
        isEnabled: true,
      },
    ],
    servicePrincipal: {
      objectId: LOCKED_API.spObjectId,
      appRoleAssignmentRequired: true,
    },
  });
  tenant.appRoleAssignments.push(
    ...[LOCKED_API.disabledRoleId, LOCKED_API.userOnlyRoleId].map((appRoleId) => ({
      principalId: DEMO.ficSpObjectId,
      resourceId: LOCKED_API.spObjectId,
      appRoleId,
    })),
    {
      principalId: DEMO.noRolePrincipalId,
      resourceId: LOCKED_API.spObjectId,
      appRoleId: DEFAULT_ACCESS_ROLE_ID,
    },
  );

  return {
    directory,
    secret,
    expiredSecret,
    certificatePem,
    privateKeyPem,
    signCertificateAssertion: async ({ aud, exp, nbf, clientId = DEMO.ficAppId }) =>
      new SignJWT({ jti: randomBytes(8).toString('hex') })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(aud)
        .setExpirationTime(exp)
        .setNotBefore(nbf ?? exp - 600)
        .sign(await importPKCS8(privateKeyPem, 'RS256')),
    writeCertificateFile: async (dir) => {
      const path = join(dir, 'consumer-fic-app.pem');
      await writeFile(path, privateKeyPem + certificatePem, { mode: 0o600 });
      return path;
    },
  };
}
