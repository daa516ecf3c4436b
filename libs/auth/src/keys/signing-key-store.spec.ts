import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createTestSigningKey } from '../testing/test-identity-provider.js';
import { SigningKeyStore } from './signing-key-store.js';

async function setUp() {
  const key = await createTestSigningKey('k1');
  const state = { now: 0, fetches: 0, up: true, keys: [key.publicJwk] as unknown[] };
  const store = new SigningKeyStore({
    jwksUri: 'http://idp/keys',
    timeoutMs: 1000,
    cooldownMs: 30_000,
    now: () => state.now,
    fetchJson: async () => {
      state.fetches++;
      if (!state.up) throw new Error('connection refused');
      return { keys: state.keys };
    },
  });
  return { store, state };
}

describe('SigningKeyStore', () => {
  it('refuses an RSA key under 2048 bits, even when leading zero bytes pad its modulus', async () => {
    const { store, state } = await setUp();
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });
    const padded = Buffer.concat([Buffer.alloc(130), Buffer.from(small.n!, 'base64url')]);
    state.keys = [{ ...small, n: padded.toString('base64url'), kid: 'small' }];
    await expect(store.refresh()).rejects.toThrow(/no usable RS256 signing key/);
  });

  it('refetches for an unknown kid at most once per cooldown, fetches in flight shared', async () => {
    const { store, state } = await setUp();
    await store.refresh();
    state.now = 31_000;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => store.getKey('nope')),
    );
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(state.fetches).toBe(2);
    await expect(store.getKey('nope')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    expect(state.fetches).toBe(2);
    state.now += 30_000;
    await expect(store.getKey('nope')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    expect(state.fetches).toBe(3);
  });

  it('a forced refresh that found its kid (a real rollover) does not start the cooldown', async () => {
    const { store, state } = await setUp();
    await store.refresh();
    for (const kid of ['k2', 'k3']) {
      state.keys = [...state.keys, (await createTestSigningKey(kid)).publicJwk];
      await expect(store.getKey(kid)).resolves.toBeDefined();
    }
    expect(state.fetches).toBe(3);
  });

  it('keeps the issuer a JWK names (Entra v2 keys), for the claim policy', async () => {
    const { store, state } = await setUp();
    const [published] = state.keys as Record<string, unknown>[];
    state.keys = [{ ...published, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }];
    await store.refresh();
    expect((await store.getKey('k1')).issuer).toBe(
      'https://login.microsoftonline.com/{tenantid}/v2.0',
    );
  });

  it('keeps serving cached keys, however old, while the IdP is down; failures also start the cooldown', async () => {
    const { store, state } = await setUp();
    await store.refresh();
    state.up = false;
    state.now = 10 * 3_600_000;
    await expect(store.getKey('k1')).resolves.toBeDefined();
    await expect(store.getKey('k1')).resolves.toBeDefined();
    await expect(store.getKey('other')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    await expect(store.getKey('another')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    expect(state.fetches).toBe(2); // the initial load and one forced (failed) refresh
  });

  it('says the keys are unavailable (not that the kid is unknown) before the first load', async () => {
    const { store, state } = await setUp();
    state.up = false;
    await expect(store.getKey('k1')).rejects.toMatchObject({ code: 'ERR_KEYS_UNAVAILABLE' });
  });

  it('keeps the imported key object of a kid whose JWK is unchanged across refreshes', async () => {
    const { store, state } = await setUp();
    await store.refresh();
    const { key } = await store.getKey('k1');
    state.now = 31_000;
    await expect(store.getKey('random-kid')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
    expect(state.fetches).toBe(2);
    expect((await store.getKey('k1')).key).toBe(key);
    expect(store.holds('k1', key)).toBe(true);
  });

  it('vouches for nothing once retired (the metadata moved to another jwks_uri)', async () => {
    const { store } = await setUp();
    await store.refresh();
    const { key } = await store.getKey('k1');
    store.retire();
    expect(store.holds('k1', key)).toBe(false);
  });

  it('replaces the key of a kid whose JWK changed (modulus or certificate chain)', async () => {
    const { store, state } = await setUp();
    const [published] = state.keys as Record<string, unknown>[];
    await store.refresh();
    const { key } = await store.getKey('k1');
    state.keys = [{ ...published, x5c: ['MIIBcertificate'] }];
    await store.refresh();
    const { key: withCertificate } = await store.getKey('k1');
    expect(withCertificate).not.toBe(key);
    expect(store.holds('k1', key)).toBe(false);

    const replacement = await createTestSigningKey('k1');
    state.keys = [replacement.publicJwk];
    await store.refresh();
    expect(store.holds('k1', withCertificate)).toBe(false);
    expect((await store.getKey('k1')).key).not.toBe(withCertificate);
  });

  it('keeps the previous keys when a refresh returns no usable RS256 key', async () => {
    const { store, state } = await setUp();
    await store.refresh();
    state.keys = [
      { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'x', y: 'y' },
      { kty: 'RSA', kid: 'short', n: 'AQAB', e: 'AQAB' },
    ];
    await expect(store.refresh()).rejects.toThrow(/no usable RS256 signing key/);
    expect(store.kids).toEqual(['k1']);
  });
});
