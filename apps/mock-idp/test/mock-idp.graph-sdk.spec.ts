// The unmodified @azure/identity gets a Microsoft Graph token for the demo's deploying identity
// (ManagedIdentityCredential through IDENTITY_ENDPOINT, in its own process), and Graph accepts it.
import { jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { containerAppsEnv, runSdk } from './sdk-process.js';
import { DEMO, startTestIdp, type TestIdp } from './test-idp.js';

jest.setTimeout(60_000);

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.stop());

describe('ManagedIdentityCredential for Microsoft Graph', () => {
  it('gets a v1 Graph token with the deployer roles, which the emulator Graph accepts', async () => {
    const outcome = await runSdk(
      {
        kind: 'managed-identity',
        clientId: DEMO.deployerClientId,
        scope: 'https://graph.microsoft.com/.default',
      },
      containerAppsEnv(idp.httpBase, idp.caCertPath, DEMO.deployerIdentityHeader),
    );
    expect(outcome.error).toBeUndefined();
    const [token] = outcome.tokens;
    expect(decodeJwt(token!)).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${DEMO.tenantId}/`,
      appid: DEMO.deployerClientId,
      roles: expect.arrayContaining([
        'Application.ReadWrite.All',
        'AppRoleAssignment.ReadWrite.All',
      ]),
    });
    const listed = await idp.https('/v1.0/applications?$select=displayName', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.value).toContainEqual({ displayName: 'aztoso-com-app' });
  });
});
