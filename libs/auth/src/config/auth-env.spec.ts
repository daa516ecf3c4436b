import { describe, expect, it } from '@jest/globals';
import { authOptionsFromEnv } from './auth-env.js';
import { resolveAuthOptions } from './auth-options.js';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
const BASE = {
  AUTH_TENANT_ID: TENANT,
  AUTH_AUDIENCES: 'https://myapp.aztoso.com,042e4743-2c83-42e0-8ea9-82cbe6642686',
};

describe('authOptionsFromEnv', () => {
  it('reads the local wiring with the documented defaults', () => {
    const resolved = resolveAuthOptions(
      authOptionsFromEnv({ ...BASE, AUTH_AUTHORITY_HOST: 'https://localhost:8443/' }),
    );
    expect(resolved).toMatchObject({
      authority: 'https://localhost:8443',
      tenantId: TENANT,
      clockSkewSeconds: 300,
    });
    expect([...resolved.allowedTenants]).toEqual([TENANT]);
    expect([...resolved.audiences]).toEqual([
      'https://myapp.aztoso.com',
      '042e4743-2c83-42e0-8ea9-82cbe6642686',
    ]);
    expect(resolved.allowedClientIds).toBeUndefined();
  });

  it("AUTH_ALLOWED_TENANTS='*' accepts any tenant (multi-tenant)", () => {
    expect(
      resolveAuthOptions(authOptionsFromEnv({ ...BASE, AUTH_ALLOWED_TENANTS: '*' })),
    ).toMatchObject({
      allowedTenants: '*',
    });
  });

  it('defaults the authority to Entra', () => {
    expect(resolveAuthOptions(authOptionsFromEnv(BASE)).authority).toBe(
      'https://login.microsoftonline.com',
    );
  });

  it.each([
    [{ AUTH_TENANT_ID: undefined }, /^AUTH_TENANT_ID is required/],
    [{ AUTH_TENANT_ID: 'contoso' }, /^AUTH_TENANT_ID must be a GUID/],
    [{ AUTH_AUDIENCES: '' }, /^AUTH_AUDIENCES is required/],
    [
      { AUTH_AUDIENCES: 'myapp' },
      /^AUTH_AUDIENCES entries must be an App ID URI or a client id GUID/,
    ],
    [
      { AUTH_AUDIENCES: 'https://a.example,,b' },
      /^AUTH_AUDIENCES must be a comma-separated list without empty entries/,
    ],
    [{ AUTH_ALLOWED_TENANTS: 'common' }, /^AUTH_ALLOWED_TENANTS must be a GUID/],
    [{ AUTH_ALLOWED_CLIENT_IDS: 'x' }, /^AUTH_ALLOWED_CLIENT_IDS must be a GUID/],
    [{ AUTH_CLOCK_SKEW_SECONDS: '5m' }, /^AUTH_CLOCK_SKEW_SECONDS must be a whole number/],
    [
      { AUTH_CLOCK_SKEW_SECONDS: '99999' },
      /^AUTH_CLOCK_SKEW_SECONDS must be an integer from 0 to 3600/,
    ],
    [{ AUTH_AUTHORITY_HOST: 'ftp://idp' }, /^AUTH_AUTHORITY_HOST must be an http\(s\) URL/],
    [{ AUTH_AUTHORITY_HOST: 'https://idp/?x=1' }, /^AUTH_AUTHORITY_HOST must be an http\(s\) URL/],
  ])('refuses %j, naming the variable', (change, message) => {
    expect(() => authOptionsFromEnv({ ...BASE, ...change })).toThrow(message);
  });
});
