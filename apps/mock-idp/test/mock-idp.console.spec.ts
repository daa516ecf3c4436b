// The console's server side: the page and its assets under a strict CSP, the directory view, and
// the paste-box check of a token against the emulator's own keys and directory.
import { request as httpRequest } from 'node:http';
import { CONSOLE_CSP } from '../src/admin/console/console.controller.js';
import { DEMO, msiPath, startTestIdp, type TestIdp } from './test-idp.js';

let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp();
});

afterAll(() => idp.stop());

async function miToken(clientId: string = DEMO.consumerClientId): Promise<string> {
  const response = await idp.http(
    msiPath({ resource: DEMO.apiIdentifierUri, client_id: clientId }),
    { headers: { 'x-identity-header': DEMO.identityHeader } },
  );
  return ((await response.json()) as { access_token: string }).access_token;
}

const inspect = async (token: unknown) => idp.admin('POST', '/tokens/inspect', { token });

function forge(header: object, claims: object, signature = 'c2ln'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${signature}`;
}

describe('console assets', () => {
  it.each([
    ['/_admin/console/', 'text/html'],
    ['/_admin/console/console.js', 'text/javascript'],
    ['/_admin/console/console.css', 'text/css'],
  ])('serves %s as %s under a CSP that allows nothing inline or foreign', async (path, type) => {
    const response = await idp.http(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has no inline script or style and no external URL in the page', async () => {
    const html = await (await idp.http('/_admin/console/')).text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).not.toMatch(/https?:\/\//);
    const script = await (await idp.http('/_admin/console/console.js')).text();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('GET /_admin/directory', () => {
  it('lists apps, identities with their containers and named assignments, no secret', async () => {
    const body = (await (await idp.admin('GET', '/directory')).json()) as any;
    const tenant = body.tenants[0];
    expect(tenant.tenantId).toBe(DEMO.tenantId);
    const api = tenant.applications.find((app: any) => app.appId === DEMO.apiAppId);
    expect(api.identifierUris).toEqual([DEMO.apiIdentifierUri]);
    const consumer = tenant.managedIdentities.find(
      (mi: any) => mi.clientId === DEMO.consumerClientId,
    );
    expect(consumer.containers).toEqual([
      expect.objectContaining({ identityHeader: DEMO.identityHeader }),
    ]);
    expect(tenant.appRoleAssignments).toContainEqual(
      expect.objectContaining({
        principalId: DEMO.consumerPrincipalId,
        principalName: 'id-consumer-daemon',
        appRoleValue: 'consumer',
      }),
    );
    expect(JSON.stringify(body)).not.toMatch(/secretText|secretSha256|BEGIN CERTIFICATE/);
  });
});

describe('POST /_admin/tokens/inspect', () => {
  it('says a token it issued validates, with every check passed', async () => {
    const body = (await (await inspect(await miToken())).json()) as any;
    expect(body.valid).toBe(true);
    expect(body.claims.roles).toEqual(['consumer']);
    expect(body.checks.map((check: any) => [check.check, check.ok])).toEqual([
      ['signature', true],
      ['tenant', true],
      ['issuer', true],
      ['audience', true],
      ['lifetime', true],
      ['caller', true],
      ['roles', true],
    ]);
  });

  it('names what fails: a tampered claim breaks the signature', async () => {
    const [header, , signature] = (await miToken()).split('.') as [string, string, string];
    const claims = JSON.parse(
      Buffer.from((await miToken()).split('.')[1]!, 'base64url').toString(),
    );
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['writer'] })).toString('base64url')}.${signature}`;
    const body = (await (await inspect(tampered)).json()) as any;
    expect(body.valid).toBe(false);
    expect(body.checks.find((check: any) => check.check === 'signature')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not verify'),
    });
  });

  it('reports a foreign issuer, an unknown audience and an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = (await (
      await inspect(
        forge(
          { alg: 'RS256', kid: 'elsewhere' },
          {
            iss: 'https://evil.example/',
            aud: 'api://nobody',
            tid: DEMO.tenantId,
            exp: now - 3600,
            oid: '<script>alert(1)</script>',
          },
        ),
      )
    ).json()) as any;
    const failed = body.checks.filter((check: any) => !check.ok).map((check: any) => check.check);
    expect(failed).toEqual(['signature', 'issuer', 'audience', 'lifetime', 'caller']);
    expect(body.claims.oid).toBe('<script>alert(1)</script>');
  });

  it.each([
    ['no token', undefined],
    ['two parts', 'a.b'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
  ])('answers %s with a 400 naming the token', async (_case, token) => {
    const response = await inspect(token);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error_description).toContain("'token'");
  });
});

describe('console switched off', () => {
  it('is not served without the admin API', async () => {
    const off = await startTestIdp({ env: { MOCK_IDP_ADMIN_ENABLED: 'false' } });
    try {
      expect((await off.http('/_admin/console/')).status).toBe(404);
      expect((await off.http('/_admin/directory')).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

describe('admin API against cross-site browsers (CSRF, DNS rebinding)', () => {
  // node:http, because fetch will not send a Host header of the test's choosing.
  function adminRequest(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    const url = new URL(path, idp.httpBase);
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it.each([
    ['another Origin', { origin: 'https://attacker.example' }, /another origin/],
    ['an opaque Origin', { origin: 'null' }, /opaque origin/],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, /cross-site/],
    ['a foreign Host (DNS rebinding)', { host: 'attacker.example' }, /host 'attacker.example'/],
  ])('refuses a key rotation with %s (403, keys unchanged)', async (_, headers, message) => {
    const kidsBefore = (await (await idp.http('/_admin/keys')).json()) as unknown;
    const refused = await adminRequest('POST', '/_admin/keys/rotate', headers);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error_description).toMatch(message);
    expect(await (await idp.http('/_admin/keys')).json()).toEqual(kidsBefore);
  });

  it('answers the console page and same-origin requests', async () => {
    const host = new URL(idp.httpBase).host;
    const page = await adminRequest('GET', '/_admin/console/', { 'sec-fetch-site': 'none' });
    expect(page.status).toBe(200);
    const sameOrigin = await adminRequest('GET', '/_admin/journal', {
      origin: `http://${host}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(sameOrigin.status).toBe(200);
  });
});
