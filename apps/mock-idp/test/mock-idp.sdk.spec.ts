// The unmodified @azure/identity against the emulator, each scenario in its own process with the
// environment a platform would set (IDENTITY_ENDPOINT/IDENTITY_HEADER, or IMDS through
// AZURE_POD_IDENTITY_AUTHORITY_HOST; NODE_EXTRA_CA_CERTS for the https authority).
import { jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createTestDirectory, type TestDirectory } from './test-directory.js';
import { DEMO, startTestIdp, type TestIdp } from './test-idp.js';
import { containerAppsEnv, imdsEnv, runSdk } from './sdk-process.js';

jest.setTimeout(60_000);

let idp: TestIdp;
let fixture: TestDirectory;
const API_SCOPE = `${DEMO.apiIdentifierUri}/.default`;

beforeAll(async () => {
  fixture = await createTestDirectory();
  idp = await startTestIdp({ directory: fixture.directory });
});
afterAll(() => idp.stop());
beforeEach(async () => {
  await idp.admin('POST', '/reset');
});

const containerApps = () => containerAppsEnv(idp.httpBase, idp.caCertPath, DEMO.identityHeader);
const federated = (managedIdentityClientId: string) => ({
  kind: 'federated' as const,
  tenantId: DEMO.tenantId,
  clientId: DEMO.ficAppId,
  managedIdentityClientId,
  scope: API_SCOPE,
  authorityHost: idp.authority,
});

describe('ManagedIdentityCredential', () => {
  it('gets a correctly shaped token through IDENTITY_ENDPOINT, and 1000 getToken calls cost one request', async () => {
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.consumerClientId, scope: API_SCOPE, calls: 1000 },
      containerApps(),
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.tokens).toHaveLength(1);
    const claims = decodeJwt(outcome.tokens[0]!);
    expect(claims).toMatchObject({
      aud: DEMO.apiIdentifierUri,
      iss: `https://sts.windows.net/${DEMO.tenantId}/`,
      appid: DEMO.consumerClientId,
      oid: DEMO.consumerPrincipalId,
      roles: ['consumer'],
      idtyp: 'app',
    });
    // msal-node turns expires_on into expires_in against its own clock (BaseManagedIdentitySource),
    // then back into a timestamp: a second boundary between the two shifts it by up to one second.
    expect(
      Math.abs(outcome.expiresOnTimestamp! - (claims.exp as number) * 1000),
    ).toBeLessThanOrEqual(1000);
    const journal = await idp.journal();
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      endpoint: 'msi',
      status: 200,
      clientId: DEMO.consumerClientId,
    });
  });

  it('gets a token through IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST), cached as well', async () => {
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.consumerClientId, scope: API_SCOPE, calls: 5 },
      imdsEnv(idp.httpBase, idp.caCertPath),
    );
    expect(outcome.error).toBeUndefined();
    expect(decodeJwt(outcome.tokens[0]!).roles).toEqual(['consumer']);
    expect((await idp.journal()).map((entry) => [entry.endpoint, entry.status])).toEqual([
      ['imds', 200],
    ]);
  });

  it('gets a token without roles for the identity that holds none', async () => {
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.noRoleClientId, scope: API_SCOPE },
      containerApps(),
    );
    expect(outcome.ok).toBe(true);
    expect(decodeJwt(outcome.tokens[0]!)).not.toHaveProperty('roles');
  });

  it('surfaces AADSTS500011 for an unknown resource after a single request (400 is not retried)', async () => {
    const outcome = await runSdk(
      {
        kind: 'managed-identity',
        clientId: DEMO.consumerClientId,
        scope: 'https://unknown.example/.default',
      },
      containerApps(),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toContain('AADSTS500011');
    expect(await idp.journal('msi')).toHaveLength(1);
  });

  it('retries a 500 three times (4 requests), then fails', async () => {
    await idp.admin('POST', '/faults', { endpoint: 'msi', status: 500 });
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.consumerClientId, scope: API_SCOPE },
      containerApps(),
    );
    expect(outcome.ok).toBe(false);
    expect((await idp.journal('msi')).map((entry) => entry.status)).toEqual([500, 500, 500, 500]);
  });

  it('rides out a two-request outage', async () => {
    await idp.admin('POST', '/faults', { endpoint: 'msi', status: 500, forRequests: 2 });
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.consumerClientId, scope: API_SCOPE },
      containerApps(),
    );
    expect(outcome.ok).toBe(true);
    expect((await idp.journal('msi')).map((entry) => entry.status)).toEqual([500, 500, 200]);
  });

  it('waits as long as Retry-After says on a 503', async () => {
    await idp.admin('POST', '/faults', {
      endpoint: 'msi',
      status: 503,
      retryAfterSeconds: 2,
      forRequests: 1,
    });
    const outcome = await runSdk(
      { kind: 'managed-identity', clientId: DEMO.consumerClientId, scope: API_SCOPE },
      containerApps(),
    );
    expect(outcome.ok).toBe(true);
    const [failed, succeeded] = await idp.journal('msi');
    expect([failed?.status, succeeded?.status]).toEqual([503, 200]);
    expect(Date.parse(succeeded!.at) - Date.parse(failed!.at)).toBeGreaterThanOrEqual(1900);
  });
});

describe('ClientAssertionCredential with a managed-identity token (federated identity credential)', () => {
  it('exchanges the MI token for an app token of consumer-fic-app over https', async () => {
    const outcome = await runSdk(federated(DEMO.consumerClientId), containerApps());
    expect(outcome.error).toBeUndefined();
    expect(decodeJwt(outcome.tokens[0]!)).toMatchObject({
      aud: DEMO.apiIdentifierUri,
      appid: DEMO.ficAppId,
      oid: DEMO.ficSpObjectId,
      roles: ['consumer'],
      ver: '1.0',
    });
    const journal = await idp.journal();
    expect(journal.find((entry) => entry.endpoint === 'msi')).toMatchObject({
      resource: 'api://AzureADTokenExchange',
      status: 200,
    });
    expect(journal.find((entry) => entry.endpoint === 'token')).toMatchObject({
      status: 200,
      clientAuthentication: 'federated_credential',
      clientId: DEMO.ficAppId,
      scope: API_SCOPE,
    });
  });

  it('is refused with AADSTS70021 when the assertion comes from an identity the app does not trust', async () => {
    const outcome = await runSdk(federated(DEMO.noRoleClientId), containerApps());
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toContain('AADSTS70021');
  });
});

describe('ClientSecretCredential and ClientCertificateCredential', () => {
  const app = () => ({
    tenantId: DEMO.tenantId,
    clientId: DEMO.ficAppId,
    scope: API_SCOPE,
    authorityHost: idp.authority,
  });
  const tls = () => ({ NODE_EXTRA_CA_CERTS: idp.caCertPath });

  it('gets a token with the client secret', async () => {
    const outcome = await runSdk(
      { kind: 'client-secret', ...app(), secret: fixture.secret },
      tls(),
    );
    expect(outcome.error).toBeUndefined();
    expect(decodeJwt(outcome.tokens[0]!)).toMatchObject({ appid: DEMO.ficAppId, appidacr: '1' });
  });

  it('surfaces AADSTS7000215 for a wrong secret', async () => {
    const outcome = await runSdk(
      { kind: 'client-secret', ...app(), secret: 'not-the-secret' },
      tls(),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toContain('AADSTS7000215');
  });

  it('gets a token with a certificate credential (private_key_jwt)', async () => {
    const certificatePath = await fixture.writeCertificateFile(idp.stateDir);
    const outcome = await runSdk({ kind: 'client-certificate', ...app(), certificatePath }, tls());
    expect(outcome.error).toBeUndefined();
    expect(decodeJwt(outcome.tokens[0]!)).toMatchObject({ appid: DEMO.ficAppId, appidacr: '2' });
    expect((await idp.journal('token'))[0]).toMatchObject({ clientAuthentication: 'certificate' });
  });
});
