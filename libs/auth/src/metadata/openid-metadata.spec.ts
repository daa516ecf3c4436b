import { describe, expect, it } from '@jest/globals';
import { fetchOpenIdMetadata, metadataUrl } from './openid-metadata.js';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';

/** Metadata of `authority` naming `jwksUri`, read through a fetchJson that serves only it. */
function metadataNaming(authority: string, jwksUri: unknown) {
  const url = metadataUrl(authority, TENANT, '1.0');
  const issuer = `https://sts.windows.net/${TENANT}/`;
  return fetchOpenIdMetadata(
    url,
    async (requested) => {
      expect(requested).toBe(url);
      return { issuer, jwks_uri: jwksUri };
    },
    1000,
  );
}

describe('fetchOpenIdMetadata', () => {
  it('accepts an https jwks_uri from an https authority (on another host too)', async () => {
    await expect(
      metadataNaming('https://login.example', 'https://keys.example/common/discovery/keys'),
    ).resolves.toMatchObject({ jwksUri: 'https://keys.example/common/discovery/keys' });
  });

  it('refuses an http jwks_uri from an https authority (downgrade)', async () => {
    await expect(
      metadataNaming('https://login.example', 'http://login.example/common/discovery/keys'),
    ).rejects.toThrow(/an https jwks_uri is required/);
  });

  it('accepts http or https jwks_uri from an http authority (local emulator)', async () => {
    for (const jwksUri of ['http://127.0.0.1:1/keys', 'https://localhost:8443/keys']) {
      await expect(metadataNaming('http://127.0.0.1:1', jwksUri)).resolves.toMatchObject({
        jwksUri,
      });
    }
  });

  it('refuses a jwks_uri that is missing, not a URL or not http(s)', async () => {
    for (const jwksUri of [undefined, 42, 'not a url', 'file:///etc/keys.json']) {
      await expect(metadataNaming('http://127.0.0.1:1', jwksUri)).rejects.toThrow(/jwks_uri/);
    }
  });
});
