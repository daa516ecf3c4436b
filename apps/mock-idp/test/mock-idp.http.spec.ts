// The emulator over real HTTP(S), in-process on port 0: endpoints, token shapes, Entra errors,
// 400s for bad requests, faults, key rotation, journal.
import { existsSync } from 'node:fs';
import { get } from 'node:https';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { createTestDirectory, LOCKED_API, type TestDirectory } from './test-directory.js';
import { DEMO, form, msiPath, startTestIdp, type TestIdp } from './test-idp.js';

let idp: TestIdp;
let fixture: TestDirectory;
const tokenPath = `/${DEMO.tenantId}/oauth2/v2.0/token`;

beforeAll(async () => {
  fixture = await createTestDirectory();
  idp = await startTestIdp({ directory: fixture.directory });
});
afterAll(() => idp.stop());
beforeEach(async () => {
  await idp.admin('POST', '/reset');
});

const consumerHeader = { 'x-identity-header': DEMO.identityHeader };

async function miToken(query: Record<string, string>): Promise<string> {
  const response = await idp.http(msiPath(query), { headers: consumerHeader });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function verifyWithPublishedKeys(token: string) {
  const { body } = await idp.https(`/${DEMO.tenantId}/discovery/v2.0/keys`);
  return jwtVerify(token, createLocalJWKSet(body as JSONWebKeySet), { algorithms: ['RS256'] });
}

async function expectEntraError(
  response: { status: number; body: any },
  status: number,
  code: number,
  error: string,
) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error, error_codes: [code] });
  expect(response.body.error_description).toMatch(
    new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: .+\\r\\nTimestamp: `),
  );
  expect(Object.keys(response.body).sort()).toEqual([
    'correlation_id',
    'error',
    'error_codes',
    'error_description',
    'error_uri',
    'timestamp',
    'trace_id',
  ]);
}

async function postToken(values: Record<string, string>, path = tokenPath) {
  const response = await idp.http(path, form(values));
  return { status: response.status, body: (await response.json()) as any };
}

describe('listeners and TLS', () => {
  it('serves /healthz on both ports and writes the CA before that', async () => {
    expect(existsSync(idp.caCertPath)).toBe(true);
    expect((await idp.http('/healthz')).status).toBe(200);
    expect((await idp.https('/healthz')).status).toBe(200);
  });

  it('presents a certificate only the generated CA vouches for', async () => {
    const error = await new Promise<Error>((resolve) => {
      get(`https://localhost:${idp.httpsPort}/healthz`, { family: 4 }, () =>
        resolve(new Error('trusted without the CA')),
      ).on('error', resolve);
    });
    expect(error.message).toMatch(/self[- ]signed|unable to verify|local issuer/i);
  });

  it('sends security headers on both listeners, also on errors: nosniff, not frameable, no X-Powered-By, no HSTS', async () => {
    const answers = [
      (await idp.http('/healthz')).headers,
      (await idp.http('/no/such/path')).headers,
      new Headers((await idp.https('/healthz')).headers as Record<string, string>),
    ];
    for (const headers of answers) {
      expect(headers.get('x-powered-by')).toBeNull();
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('strict-transport-security')).toBeNull();
    }
  });
});

describe('OIDC metadata and keys', () => {
  it('describes the v2 authority at the https port it listens on', async () => {
    const { status, body } = await idp.https(
      `/${DEMO.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/v2.0`,
      token_endpoint: `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/oauth2/v2.0/token`,
      jwks_uri: `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/discovery/v2.0/keys`,
      authorization_endpoint: `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/oauth2/v2.0/authorize`,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    });
  });

  it('describes the v1 authority with the sts.windows.net issuer', async () => {
    const { body } = await idp.https(`/${DEMO.tenantId}/.well-known/openid-configuration`);
    expect(body.issuer).toBe(`https://sts.windows.net/${DEMO.tenantId}/`);
    expect(body.jwks_uri).toBe(
      `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/discovery/keys`,
    );
  });

  it('publishes RS256 keys with kid, x5t and x5c', async () => {
    const { body } = await idp.https(`/${DEMO.tenantId}/discovery/keys`);
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB' });
    expect(body.keys[0].kid).toBe(body.keys[0].x5t);
    expect(body.keys[0].x5c[0]).toMatch(/^MII/);
  });

  it.each([
    '/v2.0/.well-known/openid-configuration',
    '/.well-known/openid-configuration',
    '/discovery/v2.0/keys',
    '/discovery/keys',
  ])('answers an unknown tenant at %s with invalid_tenant (AADSTS90002)', async (path) => {
    const tenant = '00000000-0000-0000-0000-000000000000';
    const response = await idp.https(`/${tenant}${path}`);
    await expectEntraError(response, 400, 90002, 'invalid_tenant');
    expect(response.body.error_description).toContain(
      `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  });
});

describe('managed identity endpoint (App Service / Container Apps)', () => {
  it('issues a v1 token with the assigned role, shaped like Entra', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await idp.http(
      msiPath({ resource: DEMO.apiIdentifierUri, client_id: DEMO.consumerClientId }),
      { headers: consumerHeader },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'client_id',
      'expires_on',
      'resource',
      'token_type',
    ]);
    expect(body).toMatchObject({
      resource: DEMO.apiIdentifierUri,
      token_type: 'Bearer',
      client_id: DEMO.consumerClientId,
    });
    expect(Number(body['expires_on'])).toBeGreaterThanOrEqual(before + 86400);

    const { payload, protectedHeader } = await verifyWithPublishedKeys(body['access_token']!);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(protectedHeader.x5t).toBe(protectedHeader.kid);
    expect(payload).toMatchObject({
      aud: DEMO.apiIdentifierUri,
      iss: `https://sts.windows.net/${DEMO.tenantId}/`,
      appid: DEMO.consumerClientId,
      appidacr: '2',
      oid: DEMO.consumerPrincipalId,
      sub: DEMO.consumerPrincipalId,
      tid: DEMO.tenantId,
      roles: ['consumer'],
      idtyp: 'app',
      ver: '1.0',
      xms_mirid: DEMO.consumerResourceId,
    });
    expect(payload.exp).toBe(Number(body['expires_on']));
    expect(typeof payload['uti']).toBe('string');
  });

  it('leaves roles out when the identity holds none', async () => {
    const payload = decodeJwt(
      await miToken({ resource: DEMO.apiIdentifierUri, client_id: DEMO.noRoleClientId }),
    );
    expect(payload.oid).toBe(DEMO.noRolePrincipalId);
    expect(payload).not.toHaveProperty('roles');
  });

  it.each([
    ['object_id', DEMO.consumerPrincipalId],
    ['principal_id', DEMO.consumerPrincipalId],
    ['mi_res_id', DEMO.consumerResourceId],
  ])('selects the identity by %s', async (parameter, value) => {
    expect(
      decodeJwt(await miToken({ resource: DEMO.apiIdentifierUri, [parameter]: value })).appid,
    ).toBe(DEMO.consumerClientId);
  });

  it('uses the system-assigned identity when no identity is named', async () => {
    const payload = decodeJwt(await miToken({ resource: DEMO.apiIdentifierUri }));
    expect(payload.oid).not.toBe(DEMO.consumerPrincipalId);
    expect(payload).not.toHaveProperty('roles');
  });

  it('issues a v2 token (aud = app id, azp, no x5t) for a resource asking for v2', async () => {
    const token = await miToken({
      resource: 'api://AzureADTokenExchange',
      client_id: DEMO.consumerClientId,
    });
    const header = decodeProtectedHeader(token);
    expect(header.kid).toBeDefined();
    expect(header).not.toHaveProperty('x5t');
    expect(decodeJwt(token)).toMatchObject({
      aud: DEMO.tokenExchangeAppId,
      iss: `https://localhost:${idp.httpsPort}/${DEMO.tenantId}/v2.0`,
      azp: DEMO.consumerClientId,
      azpacr: '2',
      sub: DEMO.consumerPrincipalId,
      ver: '2.0',
    });
  });

  it.each([
    [
      'no api-version',
      { resource: DEMO.apiIdentifierUri, 'api-version': '' },
      consumerHeader,
      /api-version/,
    ],
    [
      'a wrong api-version',
      { resource: DEMO.apiIdentifierUri, 'api-version': '2018-02-01' },
      consumerHeader,
      /api-version '2018-02-01' is not supported/,
    ],
    ['no resource', {}, consumerHeader, /'resource' is missing/],
    [
      'no identity header',
      { resource: DEMO.apiIdentifierUri },
      {},
      /X-IDENTITY-HEADER' is missing/,
    ],
    [
      'a wrong identity header',
      { resource: DEMO.apiIdentifierUri },
      { 'x-identity-header': 'nope' },
      /does not match/,
    ],
    [
      'two identity selectors',
      {
        resource: DEMO.apiIdentifierUri,
        client_id: DEMO.consumerClientId,
        object_id: DEMO.consumerPrincipalId,
      },
      consumerHeader,
      /Only one of/,
    ],
    [
      'an identity not attached',
      { resource: DEMO.apiIdentifierUri, client_id: '11111111-2222-3333-4444-555555555555' },
      consumerHeader,
      /Identity not found/,
    ],
  ])('answers %s with 400 {error, error_description}', async (_case, query, headers, message) => {
    const response = await idp.http(msiPath(query as Record<string, string>), { headers });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body['error_description']).toMatch(message);
  });

  it('answers an unknown resource with AADSTS500011 in the managed-identity error shape', async () => {
    const response = await idp.http(
      msiPath({ resource: 'https://unknown.example', client_id: DEMO.consumerClientId }),
      { headers: consumerHeader },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, string>;
    expect(body['error']).toBe('invalid_resource');
    expect(body['error_description']).toMatch(
      /^AADSTS500011: The resource principal named https:\/\/unknown.example was not found/,
    );
  });

  it('lets the default access assignment count for a resource that requires an assignment', async () => {
    const token = await miToken({
      resource: LOCKED_API.identifierUri,
      client_id: DEMO.noRoleClientId,
    });
    expect(decodeJwt(token)).toMatchObject({ aud: LOCKED_API.appId, oid: DEMO.noRolePrincipalId });
    expect(decodeJwt(token)).not.toHaveProperty('roles');
  });

  it('answers AADSTS501051 when the resource requires an assignment the caller lacks', async () => {
    const response = await idp.http(
      msiPath({ resource: LOCKED_API.identifierUri, client_id: DEMO.consumerClientId }),
      { headers: consumerHeader },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(
      /^AADSTS501051: /,
    );
  });
});

describe('IMDS endpoint', () => {
  const imdsPath = (query: Record<string, string>) =>
    `/metadata/identity/oauth2/token/?${new URLSearchParams({ 'api-version': '2018-02-01', ...query })}`;

  it('issues a token with the IMDS response fields, trailing slash tolerated', async () => {
    const response = await idp.http(
      imdsPath({ resource: DEMO.apiIdentifierUri, client_id: DEMO.consumerClientId }),
      { headers: { Metadata: 'true' } },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({
      resource: DEMO.apiIdentifierUri,
      token_type: 'Bearer',
      client_id: DEMO.consumerClientId,
      expires_in: '86400',
    });
    expect(Number(body['expires_on']) - Number(body['not_before'])).toBe(86400);
    expect(decodeJwt(body['access_token']!).roles).toEqual(['consumer']);
  });

  it('requires the Metadata header and a supported api-version', async () => {
    const noHeader = await idp.http(imdsPath({ resource: DEMO.apiIdentifierUri }));
    expect(noHeader.status).toBe(400);
    expect(((await noHeader.json()) as { error_description: string }).error_description).toMatch(
      /metadata header/i,
    );
    const badVersion = await idp.http(
      imdsPath({ resource: DEMO.apiIdentifierUri, 'api-version': 'yesterday' }),
      { headers: { Metadata: 'true' } },
    );
    expect(badVersion.status).toBe(400);
  });
});

describe('token endpoint', () => {
  const clientCredentials = (extra: Record<string, string>) => ({
    grant_type: 'client_credentials',
    client_id: DEMO.ficAppId,
    scope: `${DEMO.apiIdentifierUri}/.default`,
    ...extra,
  });

  it('issues a token for a client secret (v1 resource: appid, appidacr 1, role of the app SP)', async () => {
    const { status, body } = await postToken(clientCredentials({ client_secret: fixture.secret }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const { payload } = await verifyWithPublishedKeys(body.access_token);
    expect(payload).toMatchObject({
      aud: DEMO.apiIdentifierUri,
      appid: DEMO.ficAppId,
      appidacr: '1',
      oid: DEMO.ficSpObjectId,
      roles: ['consumer'],
      ver: '1.0',
    });
  });

  it('accepts HTTP Basic client authentication and the v1 endpoint with resource=', async () => {
    const response = await idp.http(`/${DEMO.tenantId}/oauth2/token`, {
      ...form({ grant_type: 'client_credentials', resource: DEMO.apiAppId }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${DEMO.ficAppId}:${encodeURIComponent(fixture.secret)}`).toString('base64')}`,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body['resource']).toBe(DEMO.apiAppId);
    expect(decodeJwt(body['access_token']!).aud).toBe(DEMO.apiAppId);
  });

  it('exchanges a managed-identity token through the federated credential', async () => {
    const assertion = await miToken({
      resource: 'api://AzureADTokenExchange',
      client_id: DEMO.consumerClientId,
    });
    const { status, body } = await postToken(
      clientCredentials({
        client_assertion: assertion,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      }),
    );
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token)).toMatchObject({
      appid: DEMO.ficAppId,
      appidacr: '2',
      oid: DEMO.ficSpObjectId,
      roles: ['consumer'],
    });
    const [entry] = (await idp.journal('token')).slice(-1);
    expect(entry).toMatchObject({
      status: 200,
      clientAuthentication: 'federated_credential',
      clientId: DEMO.ficAppId,
    });
  });

  it('accepts a certificate assertion of the app itself', async () => {
    const assertion = await fixture.signCertificateAssertion({
      aud: `https://localhost:${idp.httpsPort}${tokenPath}`,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const { status } = await postToken(
      clientCredentials({
        client_assertion: assertion,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      }),
    );
    expect(status).toBe(200);
  });

  it('compares the app id of a certificate assertion case-insensitively', async () => {
    const assertion = await fixture.signCertificateAssertion({
      aud: `https://localhost:${idp.httpsPort}${tokenPath}`,
      exp: Math.floor(Date.now() / 1000) + 600,
      clientId: DEMO.ficAppId.toUpperCase(),
    });
    const { status, body } = await postToken(
      clientCredentials({
        client_assertion: assertion,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      }),
    );
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token)).toMatchObject({ appid: DEMO.ficAppId, appidacr: '2' });
  });

  const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  it.each<[string, () => Promise<Record<string, string>>, number, number, string, string]>([
    [
      'a wrong secret (AADSTS7000215)',
      async () => clientCredentials({ client_secret: 'wrong' }),
      401,
      7000215,
      'invalid_client',
      '',
    ],
    [
      'an expired secret (AADSTS7000222)',
      async () => clientCredentials({ client_secret: fixture.expiredSecret }),
      401,
      7000222,
      'invalid_client',
      '',
    ],
    [
      'no client credential (AADSTS7000218)',
      async () => clientCredentials({}),
      401,
      7000218,
      'invalid_client',
      '',
    ],
    [
      'an unknown client (AADSTS700016)',
      async () => ({
        ...clientCredentials({ client_secret: 'x' }),
        client_id: '00000000-0000-0000-0000-00000000000a',
      }),
      400,
      700016,
      'unauthorized_client',
      '',
    ],
    [
      'an unknown resource (AADSTS500011)',
      async () =>
        clientCredentials({
          client_secret: fixture.secret,
          scope: 'https://unknown.example/.default',
        }),
      400,
      500011,
      'invalid_resource',
      '',
    ],
    [
      'a required assignment missing (AADSTS501051)',
      async () =>
        clientCredentials({
          client_secret: fixture.secret,
          scope: `${LOCKED_API.identifierUri}/.default`,
        }),
      400,
      501051,
      'invalid_grant',
      // consumer-fic-app holds a disabled role and a User-only role of locked-api: neither counts
      `Application '${DEMO.ficAppId}' is not assigned to a role`,
    ],
    [
      'a scope without /.default (AADSTS1002012)',
      async () =>
        clientCredentials({
          client_secret: fixture.secret,
          scope: `${DEMO.apiIdentifierUri}/read`,
        }),
      400,
      1002012,
      'invalid_scope',
      '',
    ],
    [
      'two resources in scope (AADSTS70011)',
      async () =>
        clientCredentials({
          client_secret: fixture.secret,
          scope: `${DEMO.apiIdentifierUri}/.default api://AzureADTokenExchange/.default`,
        }),
      400,
      70011,
      'invalid_scope',
      '',
    ],
    [
      'another grant type (AADSTS70003)',
      async () => clientCredentials({ client_secret: fixture.secret, grant_type: 'password' }),
      400,
      70003,
      'unsupported_grant_type',
      '',
    ],
    [
      'no grant_type (AADSTS900144)',
      async () => {
        const values = clientCredentials({ client_secret: fixture.secret }) as Record<
          string,
          string
        >;
        delete values['grant_type'];
        return values;
      },
      400,
      900144,
      'invalid_request',
      '',
    ],
    [
      'no scope (AADSTS900144)',
      async () => {
        const values = clientCredentials({ client_secret: fixture.secret }) as Record<
          string,
          string
        >;
        delete values['scope'];
        return values;
      },
      400,
      900144,
      'invalid_request',
      '',
    ],
    [
      'a garbage assertion (AADSTS50027)',
      async () =>
        clientCredentials({ client_assertion: 'not-a-jwt', client_assertion_type: jwtBearer }),
      401,
      50027,
      'invalid_client',
      '',
    ],
    [
      'an assertion type other than jwt-bearer',
      async () => clientCredentials({ client_assertion: 'x.y.z', client_assertion_type: 'saml' }),
      400,
      900144,
      'invalid_request',
      '',
    ],
    [
      'an assertion no federated credential matches (AADSTS70021)',
      async () =>
        clientCredentials({
          client_assertion: await miToken({
            resource: 'api://AzureADTokenExchange',
            client_id: DEMO.noRoleClientId,
          }),
          client_assertion_type: jwtBearer,
        }),
      400,
      70021,
      'invalid_request',
      `Assertion Subject: '${DEMO.noRolePrincipalId}'`,
    ],
    [
      'an expired assertion (AADSTS700024)',
      async () =>
        clientCredentials({
          client_assertion: await fixture.signCertificateAssertion({
            aud: `https://localhost:${idp.httpsPort}${tokenPath}`,
            exp: Math.floor(Date.now() / 1000) - 3600,
          }),
          client_assertion_type: jwtBearer,
        }),
      401,
      700024,
      'invalid_client',
      '',
    ],
    [
      'a tampered assertion (AADSTS700027)',
      async () => {
        const [header, payload, signature] = (
          await miToken({
            resource: 'api://AzureADTokenExchange',
            client_id: DEMO.consumerClientId,
          })
        ).split('.') as [string, string, string];
        const forged = Buffer.from(
          JSON.stringify({ ...decodeJwt(`${header}.${payload}.${signature}`), exp: 4102444800 }),
        ).toString('base64url');
        return clientCredentials({
          client_assertion: `${header}.${forged}.${signature}`,
          client_assertion_type: jwtBearer,
        });
      },
      401,
      700027,
      'invalid_client',
      '',
    ],
  ])("refuses %s in Entra's error shape", async (_case, values, status, code, error, mentions) => {
    const response = await postToken(await values());
    await expectEntraError(response, status, code, error);
    expect(response.body.error_description).toContain(mentions);
    const [entry] = (await idp.journal('token')).slice(-1);
    expect(entry).toMatchObject({ status, error: `AADSTS${code}` });
  });

  it('refuses an unknown tenant and a multi-tenant alias', async () => {
    expect.hasAssertions();
    await expectEntraError(
      await postToken({ grant_type: 'client_credentials' }, '/not-a-tenant/oauth2/v2.0/token'),
      400,
      90002,
      'invalid_request',
    );
    await expectEntraError(
      await postToken({ grant_type: 'client_credentials' }, '/common/oauth2/v2.0/token'),
      400,
      50059,
      'invalid_request',
    );
  });

  it('refuses a Basic header whose parts are not URL-encoded with a 400 naming the header', async () => {
    const response = await idp.http(tokenPath, {
      ...form({ grant_type: 'client_credentials', scope: `${DEMO.apiIdentifierUri}/.default` }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('%zz:abc').toString('base64')}`,
      },
    });
    const result = { status: response.status, body: (await response.json()) as any };
    await expectEntraError(result, 400, 900144, 'invalid_request');
    expect(result.body.error_description).toContain("'Authorization'");
  });

  it("answers a path segment that does not decode in Entra's shape", async () => {
    expect.hasAssertions();
    const response = await postToken(
      { grant_type: 'client_credentials' },
      '/%ZZ/oauth2/v2.0/token',
    );
    await expectEntraError(response, 400, 900144, 'invalid_request');
  });

  it.each([
    ['a gzip body that does not inflate', 'gzip', Buffer.from('not gzip')],
    ['an unsupported content encoding', 'br-unknown', Buffer.from('grant_type=x')],
  ])("answers %s in Entra's shape, never 5xx", async (_case, encoding, body) => {
    const response = await idp.http(tokenPath, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': encoding,
      },
      body,
    });
    const result = { status: response.status, body: (await response.json()) as any };
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    await expectEntraError(result, result.status, 900144, 'invalid_request');
  });

  it('answers a bad content encoding on the managed-identity endpoint in its own shape', async () => {
    const response = await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), {
      method: 'POST',
      headers: {
        ...consumerHeader,
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': 'gzip',
      },
      body: Buffer.from('not gzip'),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body['error']).toBe('invalid_request');
    expect((await idp.journal('msi')).at(-1)).toMatchObject({
      method: 'POST',
      status: response.status,
      error: 'invalid_request',
    });
  });

  it('echoes client-request-id as correlation_id', async () => {
    const response = await idp.http(tokenPath, {
      ...form({}),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'client-request-id': 'abc-123',
      },
    });
    expect(((await response.json()) as { correlation_id: string }).correlation_id).toBe('abc-123');
  });

  it.each([
    ['a JSON body', 'application/json', '{"grant_type":"client_credentials"}'],
    ['a malformed JSON body', 'application/json', '{grant_type'],
    ['a text body', 'text/plain', 'hello'],
  ])('answers %s with 400, never 5xx', async (_case, contentType, body) => {
    const response = await idp.http(tokenPath, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([900144]);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await idp.http('/nowhere?x=1');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('not_found');
  });
});

describe('token responses', () => {
  it('are never cacheable: Cache-Control no-store, Pragma no-cache, no ETag (MI, IMDS, v2 and v1 token endpoints)', async () => {
    const basic = `Basic ${Buffer.from(`${DEMO.ficAppId}:${encodeURIComponent(fixture.secret)}`).toString('base64')}`;
    const responses = [
      await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), { headers: consumerHeader }),
      await idp.http(
        `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(DEMO.apiIdentifierUri)}`,
        { headers: { Metadata: 'true' } },
      ),
      await idp.http(
        tokenPath,
        form({
          grant_type: 'client_credentials',
          client_id: DEMO.ficAppId,
          client_secret: fixture.secret,
          scope: `${DEMO.apiIdentifierUri}/.default`,
        }),
      ),
      await idp.http(`/${DEMO.tenantId}/oauth2/token`, {
        ...form({ grant_type: 'client_credentials', resource: DEMO.apiAppId }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
      expect(response.headers.get('etag')).toBeNull();
    }
  });
});

describe('admin API', () => {
  it('journals who asked for which token, never the token', async () => {
    await miToken({ resource: DEMO.apiIdentifierUri, client_id: DEMO.consumerClientId });
    const journal = await idp.journal();
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      id: expect.any(Number),
      at: expect.any(String),
      endpoint: 'msi',
      status: 200,
      grant: 'managed_identity',
      clientId: DEMO.consumerClientId,
      principalId: DEMO.consumerPrincipalId,
      resource: DEMO.apiIdentifierUri,
      roles: ['consumer'],
      tokenVersion: '1.0',
      protocol: 'app-service-msi',
      token: {
        header: { alg: 'RS256', kid: expect.any(String) },
        claims: { roles: ['consumer'], oid: DEMO.consumerPrincipalId, aud: DEMO.apiIdentifierUri },
      },
    });
    expect(JSON.stringify(journal)).not.toMatch(/eyJ/);
    expect((await idp.admin('DELETE', '/journal')).status).toBe(204);
    expect(await idp.journal()).toEqual([]);
  });

  it('injects a status with Retry-After for N requests, then recovers', async () => {
    const created = await idp.admin('POST', '/faults', {
      endpoint: 'msi',
      status: 503,
      retryAfterSeconds: 7,
      forRequests: 2,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (let i = 0; i < 2; i++) {
      const response = await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), {
        headers: consumerHeader,
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(Object.keys((await response.json()) as object).sort()).toEqual([
        'error',
        'error_description',
      ]);
    }
    expect(
      (await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), { headers: consumerHeader }))
        .status,
    ).toBe(200);
    expect((await idp.journal()).map((entry) => [entry.status, entry.faultId])).toEqual([
      [503, id],
      [503, id],
      [200, undefined],
    ]);
  });

  it('adds latency and scopes faults to their endpoint', async () => {
    await idp.admin('POST', '/faults', { endpoint: 'jwks', latencyMs: 300 });
    await idp.admin('POST', '/faults', { endpoint: 'token', status: 500 });
    const started = Date.now();
    expect((await idp.https(`/${DEMO.tenantId}/discovery/keys`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await expectEntraError(await postToken({}), 500, 50196, 'server_error');
    expect(
      (await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), { headers: consumerHeader }))
        .status,
    ).toBe(200);
    expect((await idp.admin('DELETE', '/faults')).status).toBe(204);
    expect((await postToken({})).status).toBe(400);
  });

  it('ends a fault after forSeconds', async () => {
    await idp.admin('POST', '/faults', { endpoint: '*', status: 500, forSeconds: 1 });
    expect(
      (await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), { headers: consumerHeader }))
        .status,
    ).toBe(500);
    await new Promise((done) => setTimeout(done, 1100));
    expect(
      (await idp.http(msiPath({ resource: DEMO.apiIdentifierUri }), { headers: consumerHeader }))
        .status,
    ).toBe(200);
  });

  it.each([
    [{ endpoint: 'everything', status: 500 }, /'endpoint' must be one of/],
    [{ endpoint: 'msi' }, /'status' or latencyMs is required/],
    [{ endpoint: 'msi', status: 200 }, /'status' must be an integer between 400 and 599/],
    [{ endpoint: 'msi', status: 500, forRequests: -1 }, /'forRequests'/],
    [{ endpoint: 'msi', status: 500, colour: 'red' }, /'colour' is not a fault field/],
  ])('refuses the fault %j with a 400 naming the field', async (body, message) => {
    const response = await idp.admin('POST', '/faults', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(
      message,
    );
  });

  it('rotates the signing key and keeps the old one published for the grace period', async () => {
    const oldToken = await miToken({
      resource: DEMO.apiIdentifierUri,
      client_id: DEMO.consumerClientId,
    });
    const rotated = await idp.admin('POST', '/keys/rotate', {});
    expect(rotated.status).toBe(200);
    const { kid, previousKid } = (await rotated.json()) as { kid: string; previousKid: string };
    expect(decodeProtectedHeader(oldToken).kid).toBe(previousKid);
    const newToken = await miToken({
      resource: DEMO.apiIdentifierUri,
      client_id: DEMO.consumerClientId,
    });
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    await verifyWithPublishedKeys(oldToken);
    await verifyWithPublishedKeys(newToken);

    await idp.admin('POST', '/keys/rotate', { graceSeconds: 0 });
    const { body } = await idp.https(`/${DEMO.tenantId}/discovery/keys`);
    expect(body.keys.map((key: { kid: string }) => key.kid)).not.toContain(kid);
    await expect(verifyWithPublishedKeys(newToken)).rejects.toThrow(/no applicable key/);
  });
});

describe('admin API switched off', () => {
  it('is not served unless MOCK_IDP_ADMIN_ENABLED=true', async () => {
    const closed = await startTestIdp({ env: { MOCK_IDP_ADMIN_ENABLED: 'false' } });
    try {
      expect((await closed.http('/_admin/journal')).status).toBe(404);
      expect((await closed.http('/_admin/faults', { method: 'POST' })).status).toBe(404);
    } finally {
      await closed.stop();
    }
  });
});
