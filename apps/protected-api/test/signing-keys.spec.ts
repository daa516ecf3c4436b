// Signing keys over time, against the real app: rotation without restart, an IdP that stops
// answering after warm-up, and a flood of unknown kids (JWKS requests counted at the test IdP).
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AccessTokenValidator, AuthReadiness } from '@app/auth';
import { b64url } from './forged-tokens.js';
import { startHarness, type Harness } from './protected-api-harness.js';

const COOLDOWN_MS = 1000;
const V1_JWKS = '/common/discovery/keys';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('signing keys', () => {
  let harness: Harness;

  const start = async () => {
    harness = await startHarness({
      keyRefreshCooldownSeconds: COOLDOWN_MS / 1000,
      httpTimeoutMs: 500,
    });
    return harness;
  };
  const get = (path: string, token: string) =>
    request(harness.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const v1JwksRequests = () => harness.idp.jwksRequests.filter((path) => path === V1_JWKS).length;
  /** A token naming a kid the IdP never published (its signature does not matter: the kid is looked up first). */
  const withRandomKid = (token: string) => {
    const [, payload, signature] = token.split('.');
    return `${b64url({ alg: 'RS256', typ: 'JWT', kid: randomUUID() })}.${payload}.${signature}`;
  };

  afterEach(() => harness.close());

  it('a valid token before the keys could be loaded: 503 with Retry-After (transient), then 200', async () => {
    harness = await startHarness(
      { keyRefreshCooldownSeconds: COOLDOWN_MS / 1000, httpTimeoutMs: 500 },
      { prepareIdp: (idp) => (idp.jwksBehaviour = 'fail'), waitReady: false },
    );
    const { idp, app } = harness;
    const token = await idp.mint();
    const refused = await get('/api/items', token);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      error: 'temporarily_unavailable',
      code: 'ERR_KEYS_UNAVAILABLE',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(30);
    // Not an invalid token: no challenge that would make the caller fetch a new one.
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expect((await request(app.getHttpServer()).get('/readyz')).status).toBe(503);
    // Garbage is still refused as such while the keys are missing.
    expect((await get('/api/items', 'not-a-jwt')).status).toBe(401);

    idp.jwksBehaviour = 'serve';
    await app.get(AuthReadiness).whenReady();
    expect((await get('/api/items', token)).status).toBe(200);
  });

  it('the periodic refresh drops a key the IdP removed, even for a remembered token', async () => {
    harness = await startHarness({ refreshIntervalSeconds: 1, httpTimeoutMs: 500 });
    const { idp } = harness;
    const token = await idp.mint();
    expect((await get('/api/items', token)).status).toBe(200);
    expect((await get('/api/items', token)).status).toBe(200); // remembered now
    const jwksBefore = v1JwksRequests();
    await idp.rotateKey(true);
    for (let waited = 0; v1JwksRequests() === jwksBefore && waited < 5000; waited += 100)
      await sleep(100);
    await sleep(100); // the refresh's response is being imported
    const refused = await get('/api/items', token);
    expect([refused.status, refused.body.code]).toEqual([401, 'ERR_KEY_NOT_FOUND']);
    expect((await get('/api/items', await idp.mint())).status).toBe(200);
  });

  it('picks up a rotated key without a restart, and drops tokens of a key that left the set', async () => {
    const { idp } = await start();
    const oldToken = await idp.mint();
    expect((await get('/api/items', oldToken)).status).toBe(200);
    const before = v1JwksRequests();

    await idp.rotateKey(true);
    await sleep(COOLDOWN_MS + 100);
    const newToken = await idp.mint();
    expect((await get('/api/items', newToken)).status).toBe(200);
    expect(v1JwksRequests()).toBe(before + 1);

    const stale = await get('/api/items', oldToken);
    expect([stale.status, stale.body.code]).toEqual([401, 'ERR_KEY_NOT_FOUND']);
  });

  it.each(['drop', 'fail'] as const)(
    'keeps accepting valid tokens when the JWKS endpoint stops answering (%s)',
    async (behaviour) => {
      const { idp } = await start();
      expect((await get('/api/items', await idp.mint())).status).toBe(200);

      idp.jwksBehaviour = behaviour;
      await sleep(COOLDOWN_MS + 100); // the cached set is now stale and may be refetched
      const attemptsBefore = v1JwksRequests();
      for (const version of ['1.0', '2.0', '1.0'] as const) {
        expect((await get('/api/items', await idp.mint({ version }))).status).toBe(200);
      }
      const unknown = await get('/api/items', withRandomKid(await idp.mint()));
      expect([unknown.status, unknown.body.code]).toEqual([401, 'ERR_KEY_NOT_FOUND']);
      expect(v1JwksRequests() - attemptsBefore).toBeLessThanOrEqual(1);
      expect((await request(harness.app.getHttpServer()).get('/readyz')).status).toBe(200);
    },
  );

  it.each(['serve', 'drop'] as const)(
    'a flood of random kids costs at most one JWKS request per cooldown (IdP: %s)',
    async (behaviour) => {
      const { idp } = await start();
      const valid = await idp.mint();
      expect((await get('/api/items', valid)).status).toBe(200);
      await sleep(COOLDOWN_MS + 100);
      idp.jwksBehaviour = behaviour;
      const before = v1JwksRequests();

      const started = performance.now();
      const statuses: number[] = [];
      for (let batch = 0; batch < 15; batch++) {
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => get('/api/items', withRandomKid(valid))),
        );
        statuses.push(...responses.map((response) => response.status));
      }
      const elapsedMs = performance.now() - started;

      expect(new Set(statuses)).toEqual(new Set([401]));
      const fetches = v1JwksRequests() - before;
      expect(fetches).toBeGreaterThanOrEqual(1);
      expect(fetches).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / COOLDOWN_MS));
      // The valid caller is unaffected, and its token is still remembered (answered synchronously):
      // the refreshes the flood caused kept the unchanged key, so they did not empty the cache.
      expect(harness.app.get(AccessTokenValidator).validate(valid)).not.toBeInstanceOf(Promise);
      expect((await get('/api/items', await idp.mint())).status).toBe(200);
    },
  );
});
