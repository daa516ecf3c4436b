// protected-api end to end: the real Nest application (createProtectedApi, as main.ts runs it),
// driven with supertest, validating tokens minted here against a local IdP over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { forgeTokens, withAnotherSignature, type ForgedToken } from './forged-tokens.js';
import {
  API_URI,
  PARTNER_TENANT,
  TENANT,
  startHarness,
  type Harness,
} from './protected-api-harness.js';

const CHALLENGE = /^Bearer realm="protected-api", error="(\w+)", error_description="[^"]+"$/;

describe('protected-api', () => {
  let harness: Harness;
  let forged: ForgedToken[];
  const http = () => request(harness.app.getHttpServer());

  beforeAll(async () => {
    harness = await startHarness();
    forged = await forgeTokens(harness.idp);
  });

  afterAll(() => harness.close());

  describe('public routes', () => {
    it('GET /healthz is 200 without a token', async () => {
      const response = await http().get('/healthz');
      expect([response.status, response.body]).toEqual([200, { status: 'ok' }]);
    });

    it('GET /readyz is 200 once metadata and keys are loaded', async () => {
      const response = await http().get('/readyz');
      expect([response.status, response.body]).toEqual([200, { status: 'ready' }]);
    });

    it('serves Swagger UI at /docs and the bearer scheme in the document', async () => {
      const docs = await http().get('/docs').expect(200).expect('content-type', /html/);
      // Security headers: not frameable, nosniff, no X-Powered-By; and the page needs nothing the
      // policy forbids (no inline script, every script a file of this origin).
      expect(docs.headers['x-powered-by']).toBeUndefined();
      expect(docs.headers['x-content-type-options']).toBe('nosniff');
      expect(docs.headers['x-frame-options']).toBe('DENY');
      const csp = String(docs.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      const scripts = [...docs.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(inline.trim()).toBe('');
        const src = /src="([^"]+)"/.exec(attributes ?? '')?.[1] ?? '';
        expect(src).toMatch(/^(?:\.\/|\/docs\/)/);
        await http().get(new URL(src, 'http://api/docs').pathname).expect(200);
      }
      const { body } = await http().get('/docs-json').expect(200);
      expect(body.components.securitySchemes['entra-bearer']).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(body.paths['/api/items'].get.security).toEqual([{ 'entra-bearer': [] }]);
      expect(body.paths['/healthz'].get.security).toBeUndefined();
    });
  });

  describe('valid tokens', () => {
    it('accepts a v1 token: /api/whoami returns the caller', async () => {
      const token = await harness.idp.mint({ version: '1.0' });
      const { body } = await http()
        .get('/api/whoami')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(body).toEqual({
        appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
        objectId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
        tenantId: TENANT,
        roles: ['consumer'],
        tokenVersion: '1.0',
        isAppOnly: true,
      });
    });

    it('accepts a v2 token (azp, client id audience)', async () => {
      const token = await harness.idp.mint({ version: '2.0' });
      const { body } = await http()
        .get('/api/whoami')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(body).toMatchObject({
        appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
        tokenVersion: '2.0',
      });
    });

    it('takes the scheme case-insensitively', async () => {
      const token = await harness.idp.mint();
      const response = await http().get('/api/items').set('Authorization', `bEaReR ${token}`);
      expect(response.status).toBe(200);
    });

    it('accepts a token of an allowed partner tenant', async () => {
      const token = await harness.idp.mint({
        claims: { tid: PARTNER_TENANT, iss: harness.idp.v1Issuer(PARTNER_TENANT) },
      });
      await http()
        .get('/api/whoami')
        .set('Authorization', `Bearer ${token}`)
        .expect(200)
        .expect((response) => {
          expect(response.body.tenantId).toBe(PARTNER_TENANT);
        });
    });

    it('accepts a trailing-slash variant of the App ID URI, and a token expired within the clock skew', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await harness.idp.mint({ claims: { aud: `${API_URI}/`, exp: now - 100 } });
      const response = await http().get('/api/items').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
    });

    it('routes as Express did: any case, with or without a trailing slash', async () => {
      const token = await harness.idp.mint();
      const statuses = [];
      for (const path of ['/API/Items', '/api/items/'])
        statuses.push((await http().get(path).set('Authorization', `Bearer ${token}`)).status);
      expect(statuses).toEqual([200, 200]);
    });

    it('GET /api/items with the consumer role lists the items', async () => {
      const token = await harness.idp.mint();
      const { body } = await http()
        .get('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'widget' })]));
    });

    it('POST /api/items with the writer role creates an item', async () => {
      const token = await harness.idp.mint({ claims: { roles: ['writer'] } });
      const { body } = await http()
        .post('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'sprocket', quantity: 5 })
        .expect(201);
      expect(body).toMatchObject({
        name: 'sprocket',
        quantity: 5,
        createdBy: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      });
    });

    it('POST /api/items with a bad body is 400 with a message per field', async () => {
      const token = await harness.idp.mint({ claims: { roles: ['writer'] } });
      const { body } = await http()
        .post('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: '', quantity: -1, extra: true })
        .expect(400);
      expect(body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^name must be longer than or equal to 1/),
          expect.stringMatching(/^quantity must not be less than 0/),
          expect.stringMatching(/^property extra should not exist/),
        ]),
      );
    });

    it.each([
      [
        'nested 2,500 arrays deep (4 KB)',
        'application/json',
        `${'['.repeat(2500)}${']'.repeat(2500)}`,
        400,
        /nested more than 32 levels/,
      ],
      [
        'with a deep field',
        'application/json',
        `{"name":${'['.repeat(2500)}${']'.repeat(2500)},"quantity":1}`,
        400,
        /nested more than 32 levels/,
      ],
      [
        'larger than 16 KB',
        'application/json',
        JSON.stringify({ name: 'x'.repeat(20_000), quantity: 1 }),
        413,
        /too large/,
      ],
      [
        'as text/plain',
        'text/plain',
        'name=a',
        415,
        /must be application\/json \(or a form; got "text\/plain"\)/,
      ],
      [
        'form-encoded',
        'application/x-www-form-urlencoded',
        'name=a&quantity=1',
        400,
        /quantity must be an integer/,
      ],
      ['truncated', 'application/json', '{"name":', 400, /JSON/],
      [
        'with 101 form fields',
        'application/x-www-form-urlencoded',
        Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&'),
        413,
        /at most 100 fields/,
      ],
      [
        'in UTF-16',
        'application/json; charset=utf-16',
        '{"name":"a","quantity":1}',
        415,
        /unsupported charset "UTF-16"/,
      ],
      ['with a __proto__ key', 'application/json', '{"__proto__":{"x":1}}', 400, /not valid JSON/],
    ])(
      'POST /api/items with a body %s: the right 4xx with a message, never a 5xx',
      async (_what, type, payload, status, message) => {
        const token = await harness.idp.mint({ claims: { roles: ['writer'] } });
        const response = await http()
          .post('/api/items')
          .set('Authorization', `Bearer ${token}`)
          .set('content-type', type)
          .send(payload);
        expect(response.status).toBe(status);
        expect(String(response.body.message)).toMatch(message);
        expect(response.text).not.toMatch(/\bat .+\.(?:js|ts):\d+/);
      },
    );

    it('POST /api/items with a gzip body is 415 naming the encoding', async () => {
      const token = await harness.idp.mint({ claims: { roles: ['writer'] } });
      const response = await http()
        .post('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .set('content-encoding', 'gzip')
        .send(gzipSync('{"name":"a","quantity":1}'));
      expect([response.status, response.body.message]).toEqual([
        415,
        'content encoding unsupported',
      ]);
    });
  });

  describe('refused tokens: 401 invalid_token with a stable code, never a 5xx', () => {
    it('has at least 25 distinct forged tokens', () => {
      expect(new Set(forged.map((entry) => entry.token)).size).toBe(forged.length);
      expect(forged.length).toBeGreaterThanOrEqual(25);
    });

    it('refuses each forged token with its own code and an RFC 6750 challenge', async () => {
      const outcomes = [];
      for (const { name, token } of forged) {
        const response = await http().get('/api/whoami').set('Authorization', `Bearer ${token}`);
        const challenge = CHALLENGE.exec(response.headers['www-authenticate'] ?? '');
        outcomes.push({
          name,
          status: response.status,
          code: response.body.code,
          error: challenge?.[1],
        });
      }
      expect(outcomes).toEqual(
        forged.map(({ name, code }) => ({ name, status: 401, code, error: 'invalid_token' })),
      );
    });
  });

  describe('refused requests: headers and transport', () => {
    const challengeOf = (response: request.Response) =>
      response.headers['www-authenticate'] as string;

    it('no Authorization header: 401 with a bare challenge (no error code)', async () => {
      const response = await http().get('/api/items').expect(401);
      expect(challengeOf(response)).toBe('Bearer realm="protected-api"');
      expect(response.body.code).toBe('ERR_TOKEN_MISSING');
    });

    it('another scheme (Basic): 401 with a bare challenge', async () => {
      const response = await http()
        .get('/api/items')
        .set('Authorization', 'Basic dXNlcjpwYXNz')
        .expect(401);
      expect(challengeOf(response)).toBe('Bearer realm="protected-api"');
      expect(response.body.code).toBe('ERR_AUTH_SCHEME_UNSUPPORTED');
    });

    it.each([
      ['Bearer', 'no token'],
      ['Bearer ', 'empty token'],
      ['Bearer a.b.c d.e.f', 'two tokens'],
      ['Bearer a.b.c,d.e.f', 'a list of tokens'],
    ])('malformed header %j (%s): 400 invalid_request', async (header) => {
      const response = await http().get('/api/items').set('Authorization', header).expect(400);
      expect(challengeOf(response)).toMatch(/error="invalid_request"/);
      expect(response.body.code).toBe('ERR_AUTH_HEADER_MALFORMED');
    });

    it('characters outside base64url in the token: 401 invalid_token', async () => {
      const response = await http()
        .get('/api/items')
        .set('Authorization', 'Bearer ey"J}.x.y')
        .expect(401);
      expect(response.body.code).toBe('ERR_TOKEN_MALFORMED');
    });

    it('a token in the query string is refused (400), even next to a valid header', async () => {
      const token = await harness.idp.mint();
      const alone = await http().get(`/api/items?access_token=${token}`).expect(400);
      expect(alone.body.code).toBe('ERR_TOKEN_NOT_IN_HEADER');
      await http()
        .get(`/api/items?access_token=${token}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(400);
    });

    it('a token in a form body is refused (400)', async () => {
      const token = await harness.idp.mint({ claims: { roles: ['writer'] } });
      const response = await http()
        .post('/api/items')
        .type('form')
        .send({ access_token: token, name: 'x', quantity: 1 })
        .expect(400);
      expect(response.body.code).toBe('ERR_TOKEN_NOT_IN_HEADER');
    });

    it('two Authorization headers: 400', async () => {
      const token = await harness.idp.mint();
      const status = await rawGet(harness, '/api/items', [
        ['Authorization', `Bearer ${token}`],
        ['Authorization', `Bearer ${token}`],
      ]);
      expect(status).toBe(400);
    });

    it('a header larger than the server accepts: 431, not a 5xx', async () => {
      const status = await rawGet(harness, '/api/items', [
        ['Authorization', `Bearer ${'A'.repeat(20_000)}`],
      ]);
      expect(status).toBe(431);
    });
  });

  describe('authorization: 403 insufficient_scope', () => {
    it('a valid token without the consumer role cannot list items', async () => {
      const token = await harness.idp.mint({ claims: { roles: undefined } });
      const response = await http()
        .get('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="protected-api", error="insufficient_scope"/,
      );
      expect(response.body).toMatchObject({
        code: 'ERR_ROLE_MISSING',
        message: 'the caller needs the app role consumer',
      });
      // ... but may still ask who it is.
      await http().get('/api/whoami').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('the consumer role does not allow POST /api/items (writer)', async () => {
      const token = await harness.idp.mint();
      const response = await http()
        .post('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'x', quantity: 1 })
        .expect(403);
      expect(response.body.code).toBe('ERR_ROLE_MISSING');
    });

    it('app roles do not authorize a delegated (user) token', async () => {
      const byIdtyp = await harness.idp.mint({ claims: { idtyp: 'user' } });
      const bySubject = await harness.idp.mint({
        claims: { idtyp: undefined, sub: 'a-user-subject' },
      });
      for (const token of [byIdtyp, bySubject]) {
        const response = await http()
          .get('/api/items')
          .set('Authorization', `Bearer ${token}`)
          .expect(403);
        expect(response.body.code).toBe('ERR_NOT_APP_ONLY');
      }
    });
  });

  describe('logs', () => {
    it('one JSON line per request with the request id and the caller; refusals say why; never the token', async () => {
      const token = await harness.idp.mint();
      await http()
        .get('/api/items')
        .set('Authorization', `Bearer ${token}`)
        .set('x-request-id', 'req-ok-1')
        .expect(200);
      await http()
        .get(`/api/items?access_token=${token}`)
        .set('x-request-id', 'req-query-1')
        .expect(400);
      await http()
        .get('/api/items')
        .set('Authorization', `Bearer ${withAnotherSignature(token)}`)
        .set('x-request-id', 'req-bad-1')
        .expect(401);
      const records = harness.logs.map((line) => JSON.parse(line) as LogRecord);
      const ok = records.find((record) => record.req?.id === 'req-ok-1' && record.res);
      expect(ok).toMatchObject({
        appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
        objectId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
      });
      expect(records.find((record) => record.req?.id === 'req-bad-1' && record.res)).toMatchObject({
        authError: 'ERR_SIGNATURE_INVALID',
      });
      expect(
        records.find((record) => record.req?.id === 'req-query-1' && record.res)?.req?.url,
      ).toBe('/api/items?access_token=[REDACTED]');
      const signature = token.split('.')[2];
      for (const line of harness.logs) expect(line).not.toContain(signature);
    });

    it('masks a JWT anywhere in the URL: path segment, bare query key, matrix parameter, encoded dots', async () => {
      const token = await harness.idp.mint();
      for (const path of [
        `/api/items/${token}`,
        `/api/items?${token}`,
        `/api/items;t=${token}`,
        `/api/${token.replaceAll('.', '%2E')}`,
      ]) {
        harness.logs.length = 0;
        const response = await http().get(path);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(harness.logs.length).toBeGreaterThan(0);
        for (const line of harness.logs) expect(line).not.toContain('eyJ');
      }
    });
  });
});

interface LogRecord {
  req?: { id?: string; url?: string };
  res?: { statusCode: number };
  appId?: string;
  objectId?: string;
  authError?: string;
}

/** A GET with exactly the given header lines (supertest merges repeated headers). */
function rawGet(harness: Harness, path: string, headers: [string, string][]): Promise<number> {
  const { port } = (harness.app.getHttpServer().address() ?? {}) as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'GET', headers: headers.flat() },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
