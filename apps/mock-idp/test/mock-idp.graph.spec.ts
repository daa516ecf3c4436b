// The Graph subset changes what the token endpoints issue, as in the reference documents.
import { decodeJwt } from 'jose';
import { DEMO, msiPath, startTestIdp, type TestIdp } from './test-idp.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.stop());
beforeEach(async () => {
  await idp.admin('POST', '/reset');
});

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function noRoleToken(): Promise<Record<string, unknown>> {
  const response = await idp.http(
    msiPath({ resource: DEMO.apiIdentifierUri, client_id: DEMO.noRoleClientId }),
    {
      headers: { 'x-identity-header': DEMO.identityHeader },
    },
  );
  return decodeJwt(((await response.json()) as { access_token: string }).access_token);
}

describe('Graph subset', () => {
  it('assigns an app role the way the reference document does, and the next token carries it', async () => {
    expect(await noRoleToken()).not.toHaveProperty('roles');
    const assignment = {
      principalId: DEMO.noRolePrincipalId,
      resourceId: DEMO.apiSpObjectId,
      appRoleId: DEMO.consumerRoleId,
    };
    const created = await idp.http(
      `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignedTo`,
      json('POST', assignment),
    );
    expect(created.status).toBe(201);
    expect((await noRoleToken()).roles).toEqual(['consumer']);
    const listed = await idp.http(
      `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
    );
    expect(((await listed.json()) as { value: unknown[] }).value).toContainEqual(
      expect.objectContaining(assignment),
    );
    expect(
      (
        await idp.http(
          `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignedTo`,
          json('POST', assignment),
        )
      ).status,
    ).toBe(409);

    await idp.admin('POST', '/reset');
    expect(await noRoleToken()).not.toHaveProperty('roles');
  });

  it('refuses an assignment of a role the resource does not define', async () => {
    const response = await idp.http(
      `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
      json('POST', {
        principalId: DEMO.noRolePrincipalId,
        resourceId: DEMO.apiSpObjectId,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(
      /'appRoleId' is not an app role/,
    );
  });

  it('lists and adds federated identity credentials', async () => {
    const ficAppObjectId = 'b1657f30-a97b-4552-9d3c-d4cf918777b1';
    const app = (await (await idp.http(`/v1.0/applications/${ficAppObjectId}`)).json()) as {
      appId: string;
      federatedIdentityCredentials: { issuer: string }[];
    };
    expect(app.appId).toBe(DEMO.ficAppId);
    expect(app.federatedIdentityCredentials[0]?.issuer).toBe('{authority}/{tenantId}/v2.0');
    const added = await idp.http(
      `/v1.0/applications/${ficAppObjectId}/federatedIdentityCredentials`,
      json('POST', {
        name: 'second',
        issuer: 'https://issuer.example',
        subject: 'x',
        audiences: ['api://AzureADTokenExchange'],
      }),
    );
    expect(added.status).toBe(201);
    const listed = (await (
      await idp.http(`/v1.0/applications/${ficAppObjectId}/federatedIdentityCredentials`)
    ).json()) as { value: { name: string }[] };
    expect(listed.value.map((fic) => fic.name)).toEqual(['ManagedIdentityFederation', 'second']);
    expect((await idp.http('/v1.0/applications/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
  });
});

describe('Graph subset with the admin API switched off', () => {
  it('serves reads but no changes (404), so nobody can add a federated credential or a role', async () => {
    const closed = await startTestIdp({ env: { MOCK_IDP_ADMIN_ENABLED: 'false' } });
    try {
      const ficAppObjectId = 'b1657f30-a97b-4552-9d3c-d4cf918777b1';
      const fics = `/v1.0/applications/${ficAppObjectId}/federatedIdentityCredentials`;
      const added = await closed.http(
        fics,
        json('POST', {
          name: 'attacker',
          issuer: 'https://attacker.example',
          subject: 'x',
          audiences: ['api://AzureADTokenExchange'],
        }),
      );
      expect(added.status).toBe(404);
      expect(((await added.json()) as { error: string }).error).toBe('not_found');
      const assigned = await closed.http(
        `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignedTo`,
        json('POST', {
          principalId: DEMO.noRolePrincipalId,
          resourceId: DEMO.apiSpObjectId,
          appRoleId: DEMO.consumerRoleId,
        }),
      );
      expect(assigned.status).toBe(404);

      const listed = await closed.http(fics);
      expect(listed.status).toBe(200);
      expect(
        ((await listed.json()) as { value: { name: string }[] }).value.map((fic) => fic.name),
      ).toEqual(['ManagedIdentityFederation']);
      expect(
        (await closed.http(`/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`))
          .status,
      ).toBe(200);
    } finally {
      await closed.stop();
    }
  });
});
