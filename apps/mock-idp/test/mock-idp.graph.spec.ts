// Microsoft Graph on the emulator's https listener, at the HTTP level: first-party service
// principals and Graph tokens, authorization (401/403), Graph's wire format (collections, OData
// filters, errors) and validation, and changes that show in the next token.
import { decodeJwt } from 'jose';
import { DEMO, msiPath, startTestIdp, type TestIdp } from './test-idp.js';

const GRAPH = 'https://graph.microsoft.com';
const ROLES = {
  applicationReadWriteAll: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  appRoleAssignmentReadWriteAll: '06b708a9-e830-4db3-a914-8e69da51d44f',
  directoryReadAll: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
};
const FIC_APP_OBJECT_ID = 'b1657f30-a97b-4552-9d3c-d4cf918777b1';

let idp: TestIdp;
let deployerToken: string;

async function managedIdentityToken(
  resource: string,
  clientId: string,
  identityHeader: string = DEMO.identityHeader,
): Promise<{ status: number; body: any }> {
  const response = await idp.http(msiPath({ resource, client_id: clientId }), {
    headers: { 'x-identity-header': identityHeader },
  });
  return { status: response.status, body: await response.json() };
}

async function deployer(): Promise<string> {
  const { body } = await managedIdentityToken(
    GRAPH,
    DEMO.deployerClientId,
    DEMO.deployerIdentityHeader,
  );
  return body.access_token as string;
}

function graph(method: string, path: string, body?: unknown, token: string | null = deployerToken) {
  return idp.https(path, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'client-request-id': 'spec-request',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const newApp = (overrides: Record<string, unknown> = {}) =>
  graph('POST', '/v1.0/applications', { displayName: 'spec-api', ...overrides });

beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.stop());
beforeEach(async () => {
  await idp.admin('POST', '/reset');
  deployerToken = await deployer();
});

describe('first-party service principals and Graph tokens', () => {
  it('issues the deployer a v1 Graph token with its Graph app roles, iat/nbf backdated ~5 minutes', async () => {
    const claims = decodeJwt(deployerToken);
    const now = Math.floor(Date.now() / 1000);
    expect(claims).toMatchObject({
      aud: GRAPH,
      iss: `https://sts.windows.net/${DEMO.tenantId}/`,
      ver: '1.0',
      appid: DEMO.deployerClientId,
      oid: DEMO.deployerPrincipalId,
    });
    expect([...(claims.roles as string[])].sort()).toEqual([
      'AppRoleAssignment.ReadWrite.All',
      'Application.ReadWrite.All',
    ]);
    expect(now - (claims.iat as number)).toBeGreaterThanOrEqual(295);
    expect(now - (claims.iat as number)).toBeLessThan(330);
    expect(claims.nbf).toBe(claims.iat);
  });

  it('issues Graph tokens for the emulator own Graph URL and ARM tokens, without AADSTS500011', async () => {
    const own = await managedIdentityToken(`${idp.authority}/`, DEMO.consumerClientId);
    expect(own.status).toBe(200);
    expect(decodeJwt(own.body.access_token).aud).toBe(`${idp.authority}/`);
    for (const resource of [
      'https://management.azure.com/',
      'https://management.core.windows.net/',
    ]) {
      const arm = await managedIdentityToken(resource, DEMO.consumerClientId);
      expect(arm.status).toBe(200);
      expect(decodeJwt(arm.body.access_token)).toMatchObject({ aud: resource, ver: '1.0' });
    }
  });

  it('lists Microsoft Graph among the service principals with its real app role ids', async () => {
    const response = await graph(
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${DEMO.graphAppId}'`)}`,
    );
    expect(response.status).toBe(200);
    expect(response.body['@odata.context']).toMatch(/\/v1\.0\/\$metadata#servicePrincipals$/);
    const [sp] = response.body.value;
    expect(sp).toMatchObject({
      displayName: 'Microsoft Graph',
      servicePrincipalType: 'Application',
    });
    const roles = Object.fromEntries(sp.appRoles.map((r: any) => [r.value, r.id]));
    expect(roles).toMatchObject({
      'Application.ReadWrite.All': ROLES.applicationReadWriteAll,
      'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
      'AppRoleAssignment.ReadWrite.All': ROLES.appRoleAssignmentReadWriteAll,
      'Directory.Read.All': ROLES.directoryReadAll,
    });
    expect(sp.servicePrincipalNames).toEqual(
      expect.arrayContaining([DEMO.graphAppId, GRAPH, idp.authority]),
    );
  });
});

describe('authorization', () => {
  it('answers 401 InvalidAuthenticationToken without a token, with a token for another audience, or a forged one', async () => {
    const missing = await graph('GET', '/v1.0/applications', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
      innerError: { 'client-request-id': 'spec-request' },
    });
    expect(missing.body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);

    const apiToken = (await managedIdentityToken(DEMO.apiIdentifierUri, DEMO.consumerClientId)).body
      .access_token;
    const wrongAudience = await graph('GET', '/v1.0/applications', undefined, apiToken);
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.error.message).toMatch(/Invalid audience/);

    const refusal = expect.objectContaining({
      method: 'GET',
      path: '/v1.0/applications',
      status: 401,
      error: 'InvalidAuthenticationToken',
    });
    expect(await idp.journal('graph')).toEqual([refusal, refusal]);

    const [header, payload] = deployerToken.split('.');
    const forged = await graph('GET', '/v1.0/applications', undefined, `${header}.${payload}.AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toMatch(/signature/);
  });

  it('is served over https only: the plain listener answers 400 before looking at the token', async () => {
    const response = await idp.http('/v1.0/applications', {
      headers: { authorization: `Bearer ${deployerToken}` },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(
      /https only: use https:\/\/localhost:\d+\/v1\.0\/applications/,
    );
  });

  it('answers 403 Authorization_RequestDenied naming the permissions when the token lacks them', async () => {
    const noRoles = (await managedIdentityToken(GRAPH, DEMO.noRoleClientId)).body.access_token;
    const read = await graph('GET', '/v1.0/applications', undefined, noRoles);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('Authorization_RequestDenied');
    expect(read.body.error.message).toMatch(/Application\.Read\.All.*Directory\.Read\.All/);
  });

  it('needs AppRoleAssignment.ReadWrite.All for assignments; roles granted over Graph count from the next token', async () => {
    const graphSp = (
      await graph('GET', `/v1.0/servicePrincipals?$filter=appId eq '${DEMO.graphAppId}'`)
    ).body.value[0];
    const grant = (appRoleId: string) =>
      graph('POST', `/v1.0/servicePrincipals/${graphSp.id}/appRoleAssignedTo`, {
        principalId: DEMO.noRolePrincipalId,
        resourceId: graphSp.id,
        appRoleId,
      });
    expect((await grant(ROLES.directoryReadAll)).status).toBe(201);
    const reader = (await managedIdentityToken(GRAPH, DEMO.noRoleClientId)).body.access_token;
    expect(decodeJwt(reader).roles).toEqual(['Directory.Read.All']);
    expect((await graph('GET', '/v1.0/applications', undefined, reader)).status).toBe(200);
    const write = await graph('POST', '/v1.0/applications', { displayName: 'x' }, reader);
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(/Application\.ReadWrite\.All/);
  });
});

describe('applications', () => {
  it('creates, reads by id, lists with the filters clients send, selects and pages', async () => {
    const created = await newApp({
      identifierUris: ['https://spec.aztoso.com'],
      appRoles: [
        {
          id: '3c5f5e0e-8b1a-4b7e-9a77-7b1f6a1f0c01',
          value: 'reader',
          displayName: 'Reader',
          description: 'Readers',
          allowedMemberTypes: ['Application'],
          isEnabled: 'true',
        },
      ],
    });
    expect(created.status).toBe(201);
    const app = created.body;
    expect(app['@odata.context']).toMatch(/\$metadata#applications\/\$entity$/);
    expect(app.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.appRoles[0]).toMatchObject({ value: 'reader', isEnabled: true });
    expect(app.api.requestedAccessTokenVersion).toBeNull();

    const read = await graph('GET', `/v1.0/applications/${app.id}`);
    expect(read.body).toMatchObject({ id: app.id, appId: app.appId, displayName: 'spec-api' });
    const again = await graph('GET', `/beta/applications/${app.id}`);
    expect(again.body.appId).toBe(app.appId);

    const filter = async (expression: string) => {
      const response = await graph(
        'GET',
        `/v1.0/applications?$filter=${encodeURIComponent(expression)}`,
      );
      expect(response.status).toBe(200);
      return response.body.value.map((a: any) => a.displayName);
    };
    expect(await filter(`appId eq '${app.appId.toUpperCase()}'`)).toEqual(['spec-api']);
    expect(await filter(`displayName eq 'SPEC-API'`)).toEqual(['spec-api']);
    expect(await filter(`startswith(displayName,'spec')`)).toEqual(['spec-api']);
    expect(await filter(`identifierUris/any(s:s eq 'https://spec.aztoso.com')`)).toEqual([
      'spec-api',
    ]);
    expect(await filter(`startswith(displayName,'spec') and appId eq 'nope'`)).toEqual([]);
    expect(await filter(`appId eq '${DEMO.graphAppId}'`)).toEqual([]);

    const selected = await graph('GET', '/v1.0/applications?$select=id,appId&$top=2');
    expect(selected.body['@odata.context']).toMatch(/#applications\(id,appId\)$/);
    expect(Object.keys(selected.body.value[0])).toEqual(['id', 'appId']);
    expect(selected.body.value).toHaveLength(2);
    const next = new URL(selected.body['@odata.nextLink']);
    const page2 = await graph('GET', `${next.pathname}${next.search}`);
    expect(page2.status).toBe(200);
    const allIds = (await graph('GET', '/v1.0/applications?$select=id')).body.value.map(
      (a: any) => a.id,
    );
    expect([...selected.body.value, ...page2.body.value].map((a: any) => a.id)).toEqual(
      allIds.slice(0, 2 + page2.body.value.length),
    );
  });

  it('refuses bad filters, unknown properties and bad ids in Graph error shape', async () => {
    const bad = await graph(
      'GET',
      `/v1.0/applications?$filter=${encodeURIComponent("appId gt 'x'")}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BadRequest');
    const unknown = await graph(
      'GET',
      `/v1.0/applications?$filter=${encodeURIComponent("colour eq 'x'")}`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/property named 'colour'/);
    expect((await graph('GET', '/v1.0/applications?$top=0')).status).toBe(400);
    const notGuid = await graph('GET', '/v1.0/applications/abc');
    expect(notGuid.body.error).toMatchObject({ code: 'Request_BadRequest' });
    const missing = await graph('GET', '/v1.0/applications/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    const segment = await graph('GET', '/v1.0/users');
    expect(segment.status).toBe(400);
    expect(segment.body.error.message).toMatch(/segment 'users'/);
  });

  it('validates identifier URIs, role values and role removal like Graph', async () => {
    const taken = await newApp({ identifierUris: [`${DEMO.apiIdentifierUri}/`] });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toMatch(/identifierUris already exists/);
    const role = (id: string, value: string, isEnabled = true) => ({
      id,
      value,
      displayName: value,
      description: value,
      allowedMemberTypes: ['Application'],
      isEnabled,
    });
    const duplicate = await newApp({
      appRoles: [
        role('3c5f5e0e-8b1a-4b7e-9a77-7b1f6a1f0c01', 'reader'),
        role('3c5f5e0e-8b1a-4b7e-9a77-7b1f6a1f0c02', 'Reader'),
      ],
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toMatch(/duplicate id or claim values/);

    const { body: app } = await newApp({
      appRoles: [role('3c5f5e0e-8b1a-4b7e-9a77-7b1f6a1f0c01', 'reader')],
    });
    const removeEnabled = await graph('PATCH', `/v1.0/applications/${app.id}`, { appRoles: [] });
    expect(removeEnabled.status).toBe(400);
    expect(removeEnabled.body.error.message).toMatch(/disabled first/);
    expect(
      (
        await graph('PATCH', `/v1.0/applications/${app.id}`, {
          appRoles: [role('3c5f5e0e-8b1a-4b7e-9a77-7b1f6a1f0c01', 'reader', false)],
        })
      ).status,
    ).toBe(204);
    expect((await graph('PATCH', `/v1.0/applications/${app.id}`, { appRoles: [] })).status).toBe(
      204,
    );
    const patched = await graph('PATCH', `/v1.0/applications/${app.id}`, {
      displayName: 'renamed',
      identifierUris: ['api://spec-renamed'],
      api: { requestedAccessTokenVersion: 2 },
    });
    expect(patched.status).toBe(204);
    expect((await graph('GET', `/v1.0/applications/${app.id}`)).body).toMatchObject({
      displayName: 'renamed',
      identifierUris: ['api://spec-renamed'],
      api: { requestedAccessTokenVersion: 2 },
      appRoles: [],
    });
    expect((await graph('PATCH', `/v1.0/applications/${app.id}`, { colour: 'red' })).status).toBe(
      400,
    );
    expect((await graph('DELETE', `/v1.0/applications/${app.id}`)).status).toBe(204);
    expect((await graph('GET', `/v1.0/applications/${app.id}`)).status).toBe(404);
  });

  it('adds a password that the token endpoint accepts, and removes it', async () => {
    const { body: app } = await newApp();
    expect((await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId })).status).toBe(201);
    const added = await graph('POST', `/v1.0/applications/${app.id}/addPassword`, {
      passwordCredential: { displayName: 'ci' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      displayName: 'ci',
      hint: added.body.secretText.slice(0, 3),
    });
    const tokenRequest = () =>
      idp.https(`/${DEMO.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: app.appId,
          client_secret: added.body.secretText,
          scope: `${DEMO.apiIdentifierUri}/.default`,
        }).toString(),
      });
    expect((await tokenRequest()).status).toBe(200);
    const listed = (await graph('GET', `/v1.0/applications/${app.id}`)).body.passwordCredentials;
    expect(listed).toEqual([
      expect.objectContaining({ keyId: added.body.keyId, secretText: null }),
    ]);
    expect(
      (
        await graph('POST', `/v1.0/applications/${app.id}/removePassword`, {
          keyId: added.body.keyId,
        })
      ).status,
    ).toBe(204);
    expect((await tokenRequest()).status).toBe(401);
  });
});

describe('service principals and app role assignments', () => {
  it('creates a service principal by appId (once), finds it by servicePrincipalNames, and deletes it', async () => {
    const { body: app } = await newApp({ identifierUris: ['api://spec-sp'] });
    const created = await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      appId: app.appId,
      servicePrincipalNames: [app.appId, 'api://spec-sp'],
      appOwnerOrganizationId: DEMO.tenantId,
    });
    expect((await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId })).status).toBe(409);
    const found = await graph(
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalNames/any(c:c eq 'api://spec-sp')")}`,
    );
    expect(found.body.value.map((sp: any) => sp.id)).toEqual([created.body.id]);
    const identities = await graph(
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${DEMO.consumerClientId}'`)}`,
    );
    expect(identities.body.value[0]).toMatchObject({
      id: DEMO.consumerPrincipalId,
      servicePrincipalType: 'ManagedIdentity',
    });
    const unknownApp = await graph('POST', '/v1.0/servicePrincipals', {
      appId: '00000000-0000-4000-8000-000000000001',
    });
    expect(unknownApp.status).toBe(400);
    expect((await graph('DELETE', `/v1.0/servicePrincipals/${created.body.id}`)).status).toBe(204);
    expect((await graph('GET', `/v1.0/servicePrincipals/${created.body.id}`)).status).toBe(404);
  });

  it('assigns an app role the way the reference document does, lists it from both ends, deletes it by id', async () => {
    const assignment = {
      principalId: DEMO.noRolePrincipalId,
      resourceId: DEMO.apiSpObjectId,
      appRoleId: DEMO.consumerRoleId,
    };
    const roles = async () =>
      decodeJwt(
        (await managedIdentityToken(DEMO.apiIdentifierUri, DEMO.noRoleClientId)).body.access_token,
      ).roles;
    expect(await roles()).toBeUndefined();
    const created = await graph(
      'POST',
      `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignedTo`,
      assignment,
    );
    expect(created.status).toBe(201);
    expect((await idp.journal('graph')).at(-1)).toMatchObject({
      method: 'POST',
      status: 201,
      tenantId: DEMO.tenantId,
      principalId: DEMO.deployerPrincipalId,
    });
    expect(created.body).toMatchObject({
      ...assignment,
      principalDisplayName: 'id-no-role',
      resourceDisplayName: 'aztoso-com-app',
      principalType: 'ServicePrincipal',
    });
    expect(await roles()).toEqual(['consumer']);

    const assignedTo = await graph(
      'GET',
      `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
    );
    expect(assignedTo.body.value.map((a: any) => a.id)).toContain(created.body.id);
    const held = await graph(
      'GET',
      `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignments`,
    );
    expect(held.body.value.map((a: any) => a.id)).toEqual([created.body.id]);
    // ids are stable across reads
    expect(
      (await graph('GET', `/v1.0/servicePrincipals/${DEMO.noRolePrincipalId}/appRoleAssignments`))
        .body.value[0].id,
    ).toBe(created.body.id);

    const again = await graph(
      'POST',
      `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
      assignment,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      'Permission being assigned already exists on the object.',
    );
    const undefinedRole = await graph(
      'POST',
      `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo`,
      {
        ...assignment,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      },
    );
    expect(undefinedRole.status).toBe(400);
    expect(undefinedRole.body.error.message).toMatch(/Permission being assigned was not found/);

    expect(
      (
        await graph(
          'DELETE',
          `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo/${created.body.id}`,
        )
      ).status,
    ).toBe(204);
    expect(await roles()).toBeUndefined();
    expect(
      (
        await graph(
          'DELETE',
          `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}/appRoleAssignedTo/${created.body.id}`,
        )
      ).status,
    ).toBe(404);
  });
});

describe('addressing and service principal updates', () => {
  it("reads by alternate key: servicePrincipals(appId='...') and applications(appId='...')", async () => {
    const graphSp = await graph(
      'GET',
      `/v1.0/servicePrincipals(appId='${DEMO.graphAppId}')?$select=id,appRoles`,
    );
    expect(graphSp.status).toBe(200);
    expect(graphSp.body['@odata.context']).toMatch(/#servicePrincipals\(id,appRoles\)\/\$entity$/);
    expect(graphSp.body.appRoles.length).toBeGreaterThan(3);
    const api = await graph('GET', `/beta/applications(appId='${DEMO.apiAppId}')`);
    expect(api.body.identifierUris).toEqual([DEMO.apiIdentifierUri]);
    expect((await graph('GET', `/v1.0/applications(appId='${DEMO.graphAppId}')`)).status).toBe(404);
  });

  it('PATCH appRoleAssignmentRequired on a service principal: the next token request without an assignment is AADSTS501051', async () => {
    const patched = await graph('PATCH', `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}`, {
      appRoleAssignmentRequired: true,
    });
    expect(patched.status).toBe(204);
    expect(
      (await graph('GET', `/v1.0/servicePrincipals/${DEMO.apiSpObjectId}`)).body
        .appRoleAssignmentRequired,
    ).toBe(true);
    const refused = await managedIdentityToken(DEMO.apiIdentifierUri, DEMO.noRoleClientId);
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/AADSTS501051/);
    const graphSpId = (await graph('GET', `/v1.0/servicePrincipals(appId='${DEMO.graphAppId}')`))
      .body.id;
    expect((await graph('PATCH', `/v1.0/servicePrincipals/${graphSpId}`, {})).status).toBe(403);
    expect(
      (await graph('DELETE', `/v1.0/servicePrincipals/${DEMO.consumerPrincipalId}`)).status,
    ).toBe(400);
  });

  it('Application.ReadWrite.OwnedBy reaches only the apps the caller created', async () => {
    const graphSpId = (await graph('GET', `/v1.0/servicePrincipals(appId='${DEMO.graphAppId}')`))
      .body.id;
    expect(
      (
        await graph('POST', `/v1.0/servicePrincipals/${graphSpId}/appRoleAssignedTo`, {
          principalId: DEMO.noRolePrincipalId,
          resourceId: graphSpId,
          appRoleId: '18a4783c-866b-4cc7-a460-3d5e5662c884',
        })
      ).status,
    ).toBe(201);
    const owner = (await managedIdentityToken(GRAPH, DEMO.noRoleClientId)).body.access_token;
    const created = await graph('POST', '/v1.0/applications', { displayName: 'owned' }, owner);
    expect(created.status).toBe(201);
    expect(
      (
        await graph(
          'PATCH',
          `/v1.0/applications/${created.body.id}`,
          { displayName: 'mine' },
          owner,
        )
      ).status,
    ).toBe(204);
    const foreign = await graph(
      'PATCH',
      `/v1.0/applications/e9b1e679-457c-4d6e-8944-c086a8500688`,
      { displayName: 'not mine' },
      owner,
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/owner/);
  });
});

describe('federated identity credentials', () => {
  const fics = `/beta/applications/${FIC_APP_OBJECT_ID}/federatedIdentityCredentials`;
  const fic = (name: string, subject = 'repo:aztoso/app:ref:refs/heads/main') => ({
    name,
    issuer: 'https://token.actions.githubusercontent.com',
    subject,
    audiences: ['api://AzureADTokenExchange'],
  });

  it('reads the directory credential with its real issuer URL, by id and by name', async () => {
    const listed = await graph('GET', fics);
    expect(listed.status).toBe(200);
    const [credential] = listed.body.value;
    expect(credential).toMatchObject({
      name: 'ManagedIdentityFederation',
      issuer: `${idp.authority}/${DEMO.tenantId}/v2.0`,
      subject: DEMO.consumerPrincipalId,
    });
    expect(credential.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await graph('GET', `${fics}/${credential.id}`)).body.name).toBe(
      'ManagedIdentityFederation',
    );
    expect((await graph('GET', `${fics}/ManagedIdentityFederation`)).body.id).toBe(credential.id);
  });

  it('a credential added or removed over Graph decides the next token exchange', async () => {
    const exchange = async () => {
      const assertion = (
        await managedIdentityToken('api://AzureADTokenExchange', DEMO.noRoleClientId)
      ).body.access_token;
      return idp.https(`/${DEMO.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: DEMO.ficAppId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
          scope: `${DEMO.apiIdentifierUri}/.default`,
        }).toString(),
      });
    };
    expect((await exchange()).body.error_description).toMatch(/AADSTS70021/);
    const created = await graph('POST', fics, {
      name: 'no-role-identity',
      issuer: `${idp.authority}/${DEMO.tenantId}/v2.0`,
      subject: DEMO.noRolePrincipalId,
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(created.status).toBe(201);
    const granted = await exchange();
    expect(granted.status).toBe(200);
    expect(decodeJwt(granted.body.access_token)).toMatchObject({ appid: DEMO.ficAppId });
    expect((await graph('DELETE', `${fics}/${created.body.id}`)).status).toBe(204);
    expect((await exchange()).status).toBe(400);
  });

  it('answers a body that is not JSON in Graph error shape', async () => {
    const response = await idp.https(fics, {
      method: 'POST',
      headers: { authorization: `Bearer ${deployerToken}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'BadRequest' });
    expect(response.body.error.innerError).toHaveProperty('request-id');
  });

  it('creates, updates and deletes a credential with Graph rules', async () => {
    const created = await graph('POST', fics, fic('github-main'));
    expect(created.status).toBe(201);
    expect((await graph('POST', fics, fic('github-main', 'other'))).status).toBe(409);
    expect((await graph('POST', fics, fic('github-copy'))).status).toBe(409);
    const badName = await graph('POST', fics, fic('a b'));
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/'name'/);
    const twoAudiences = await graph('POST', fics, { ...fic('two'), audiences: ['a', 'b'] });
    expect(twoAudiences.body.error.message).toMatch(/exactly one value/);
    const httpIssuer = await graph('POST', fics, { ...fic('plain'), issuer: 'http://issuer' });
    expect(httpIssuer.body.error.message).toMatch(/https URL/);

    expect(
      (
        await graph('PATCH', `${fics}/${created.body.id}`, {
          subject: 'repo:aztoso/app:environment:prod',
        })
      ).status,
    ).toBe(204);
    expect((await graph('GET', `${fics}/github-main`)).body.subject).toBe(
      'repo:aztoso/app:environment:prod',
    );
    expect((await graph('PATCH', `${fics}/github-main`, { name: 'renamed' })).status).toBe(400);
    expect((await graph('DELETE', `${fics}/github-main`)).status).toBe(204);
    expect((await graph('GET', `${fics}/github-main`)).status).toBe(404);
  });

  it('holds at most 20 credentials per application', async () => {
    const { body: app } = await newApp();
    const path = `/v1.0/applications/${app.id}/federatedIdentityCredentials`;
    for (let i = 0; i < 20; i++)
      expect((await graph('POST', path, fic(`fic-${i}`, `subject-${i}`))).status).toBe(201);
    const over = await graph('POST', path, fic('fic-20', 'subject-20'));
    expect(over.status).toBe(400);
    expect(over.body.error.message).toMatch(/at most 20/);
  });
});
