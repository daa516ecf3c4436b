// MOCK_IDP_STATE_FILE: what Graph changed survives a restart of the emulator (and only with it).
import { decodeJwt } from 'jose';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, msiPath, startTestIdp, type TestIdp } from './test-idp.js';

const GRAPH = 'https://graph.microsoft.com';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mock-idp-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function token(idp: TestIdp, resource: string, clientId: string, header: string) {
  const response = await idp.http(msiPath({ resource, client_id: clientId }), {
    headers: { 'x-identity-header': header },
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function graphCall(idp: TestIdp, bearer: string, method: string, path: string, body?: unknown) {
  return idp.https(path, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('MOCK_IDP_STATE_FILE', () => {
  it('keeps applications, service principals, secrets (hashed) and assignments across a restart', async () => {
    const stateFile = join(dir, 'state', 'directory.json');
    const env = { MOCK_IDP_STATE_FILE: stateFile };
    const first = await startTestIdp({ env });
    let appId: string;
    let secretText: string;
    try {
      const deployer = await token(
        first,
        GRAPH,
        DEMO.deployerClientId,
        DEMO.deployerIdentityHeader,
      );
      const app = await graphCall(first, deployer, 'POST', '/v1.0/applications', {
        displayName: 'persisted-api',
        identifierUris: ['api://persisted'],
      });
      appId = app.body.appId;
      expect(
        (await graphCall(first, deployer, 'POST', '/v1.0/servicePrincipals', { appId })).status,
      ).toBe(201);
      secretText = (
        await graphCall(
          first,
          deployer,
          'POST',
          `/v1.0/applications/${app.body.id}/addPassword`,
          {},
        )
      ).body.secretText;
      expect(
        (
          await graphCall(
            first,
            deployer,
            'POST',
            `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
            {
              principalId: DEMO.noRolePrincipalId,
              resourceId: DEMO.apiSpObjectId,
              appRoleId: DEMO.consumerRoleId,
            },
          )
        ).status,
      ).toBe(201);
    } finally {
      await first.stop();
    }
    const written = await readFile(stateFile, 'utf8');
    expect(written).toContain('persisted-api');
    expect(written).not.toContain(secretText);
    expect(written).not.toContain('Microsoft Graph');

    const second = await startTestIdp({ env });
    try {
      const roles = decodeJwt(
        await token(second, DEMO.apiIdentifierUri, DEMO.noRoleClientId, DEMO.identityHeader),
      ).roles;
      expect(roles).toEqual(['consumer']);
      const deployer = await token(
        second,
        GRAPH,
        DEMO.deployerClientId,
        DEMO.deployerIdentityHeader,
      );
      const found = await graphCall(
        second,
        deployer,
        'GET',
        `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`,
      );
      expect(found.body.value.map((a: { displayName: string }) => a.displayName)).toEqual([
        'persisted-api',
      ]);
      const secretGrant = await second.https(`/${DEMO.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: appId,
          client_secret: secretText,
          scope: 'api://persisted/.default',
        }).toString(),
      });
      expect(secretGrant.status).toBe(200);
    } finally {
      await second.stop();
    }

    const withoutState = await startTestIdp();
    try {
      const roles = decodeJwt(
        await token(withoutState, DEMO.apiIdentifierUri, DEMO.noRoleClientId, DEMO.identityHeader),
      ).roles;
      expect(roles).toBeUndefined();
    } finally {
      await withoutState.stop();
    }
  });

  it('refuses to start on a corrupt state file, naming the variable', async () => {
    const stateFile = join(dir, 'corrupt.json');
    await writeFile(stateFile, '{"tenants": 3}');
    await expect(startTestIdp({ env: { MOCK_IDP_STATE_FILE: stateFile } })).rejects.toThrow(
      /MOCK_IDP_STATE_FILE: .*corrupt\.json: invalid directory/,
    );
  });
});
