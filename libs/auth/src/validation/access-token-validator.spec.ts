import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuthModule } from '../auth.module.js';
import { EntraAuthority } from '../authority/entra-authority.js';
import { startAuthTestApp } from '../spec-support/auth-test-app.js';
import { TestIdentityProvider } from '../testing/test-identity-provider.js';
import { AccessTokenValidator } from './access-token-validator.js';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';

describe('AccessTokenValidator', () => {
  let idp: TestIdentityProvider;
  let moduleRef: TestingModule;
  let validator: AccessTokenValidator;
  // validate() answers tokens it has seen synchronously; the tests want one shape.
  const validate = async (token: string) => validator.validate(token);

  beforeAll(async () => {
    idp = await TestIdentityProvider.start({ tenantId: TENANT });
    moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          authority: idp.authority,
          tenantId: TENANT,
          allowedTenants: [TENANT, OTHER_TENANT],
          audiences: ['https://myapp.aztoso.com/', '042e4743-2c83-42e0-8ea9-82cbe6642686'],
        }),
      ],
    }).compile();
    await moduleRef.init();
    await moduleRef.get(EntraAuthority).whenReady();
    validator = moduleRef.get(AccessTokenValidator);
  });

  afterAll(async () => {
    await moduleRef.close();
    await idp.close();
  });

  it('accepts a v1 token and describes its caller', async () => {
    const principal = await validate(await idp.mint({ version: '1.0' }));
    expect(principal).toMatchObject({
      appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      objectId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
      tenantId: TENANT,
      roles: ['consumer'],
      tokenVersion: '1.0',
      isAppOnly: true,
    });
  });

  it('accepts a v2 token (azp, client id audience, authority issuer)', async () => {
    const principal = await validate(await idp.mint({ version: '2.0' }));
    expect(principal).toMatchObject({
      appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      tokenVersion: '2.0',
    });
  });

  it('accepts another allowed tenant through the issuer template', async () => {
    const token = await idp.mint({
      claims: { tid: OTHER_TENANT, iss: idp.v1Issuer(OTHER_TENANT) },
    });
    await expect(validate(token)).resolves.toMatchObject({ tenantId: OTHER_TENANT });
  });

  it('treats an audience without the configured trailing slash as the same audience', async () => {
    await expect(
      validate(await idp.mint({ claims: { aud: 'https://myapp.aztoso.com' } })),
    ).resolves.toBeDefined();
  });

  it('is not app-only when idtyp is user, or when oid differs from sub without idtyp', async () => {
    expect((await validate(await idp.mint({ claims: { idtyp: 'user' } }))).isAppOnly).toBe(false);
    const token = await idp.mint({ claims: { idtyp: undefined, sub: 'someone-else' } });
    expect((await validate(token)).isAppOnly).toBe(false);
  });

  it('refuses a v1 token whose issuer is the v2 issuer', async () => {
    await expect(
      validate(await idp.mint({ version: '1.0', claims: { iss: idp.v2Issuer() } })),
    ).rejects.toMatchObject({
      code: 'ERR_ISSUER_INVALID',
    });
  });

  it('names the claim at fault beside the code', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ aud: 'https://other.example' }, 'ERR_AUDIENCE_INVALID', 'aud'],
      [{ tid: OTHER_TENANT }, 'ERR_TENANT_MISMATCH', 'tid'],
      [{ exp: 1 }, 'ERR_TOKEN_EXPIRED', 'exp'],
      [{ roles: 'consumer' }, 'ERR_CLAIM_INVALID', 'roles'],
      [{ oid: undefined }, 'ERR_CLAIM_MISSING', 'oid'],
    ];
    for (const [claims, code, claim] of cases) {
      await expect(validate(await idp.mint({ claims }))).rejects.toMatchObject({ code, claim });
    }
    const jku = await idp.mint({ header: { jku: 'https://attacker.example/keys' } });
    await expect(validate(jku)).rejects.toMatchObject({
      code: 'ERR_HEADER_PARAM_NOT_ALLOWED',
      claim: 'jku',
    });
  });

  it('refuses a token whose issuer is not the one its signing key names (v2 key issuer)', async () => {
    const homeIssuer = idp.v2KeyIssuer;
    idp.v2KeyIssuer = idp.v2Issuer(OTHER_TENANT);
    const previousKey = idp.signingKey;
    await idp.rotateKey(); // a new kid makes the validator read the key set again
    try {
      await expect(validate(await idp.mint({ version: '2.0' }))).rejects.toMatchObject({
        code: 'ERR_ISSUER_INVALID',
        claim: 'iss',
        message: expect.stringContaining('is not the issuer of the signing key'),
      });
      // The key's own tenant is accepted with it.
      const partner = await idp.mint({
        version: '2.0',
        claims: { tid: OTHER_TENANT, iss: idp.v2Issuer(OTHER_TENANT) },
      });
      await expect(validate(partner)).resolves.toMatchObject({ tenantId: OTHER_TENANT });
    } finally {
      idp.v2KeyIssuer = homeIssuer;
      idp.signingKey = previousKey;
    }
  });

  it('answers a token it validated before without verifying it again, synchronously', async () => {
    const token = await idp.mint();
    const first = await validate(token);
    expect(validator.validate(token)).toBe(first);
  });

  it('refuses a signature that is not canonical base64url (one token, one spelling)', async () => {
    const token = await idp.mint();
    // 256 signature bytes -> 342 characters: the last one carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    const respelled = Array.from({ length: 15 }, (_, bits) => {
      return token.slice(0, -1) + alphabet[last ^ (bits + 1)];
    });
    for (const variant of respelled) {
      expect(Buffer.from(variant.split('.')[2], 'base64url')).toEqual(
        Buffer.from(token.split('.')[2], 'base64url'),
      );
      await expect(validate(variant)).rejects.toMatchObject({
        code: 'ERR_TOKEN_MALFORMED',
        message: 'the JWT signature is not canonical base64url',
      });
    }
    await expect(validate(token)).resolves.toBeDefined();
  });

  it('still refuses a remembered token once it expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const exp = now - 297; // within the 300 s skew for about 3 s (a loaded machine is slow)
    const token = await idp.mint({ claims: { exp } });
    await expect(validate(token)).resolves.toBeDefined();
    const expiresAt = (exp + 300) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    await expect(validate(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });

  it("allowedTenants '*': any tenant, each token's tid still the tenant of its issuer", async () => {
    const anyTenant = await startAuthTestApp(idp, { allowedTenants: '*' });
    try {
      const multi = anyTenant.get(AccessTokenValidator);
      const stranger = '0b0e3a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c';
      const token = await idp.mint({ claims: { tid: stranger, iss: idp.v1Issuer(stranger) } });
      await expect(Promise.resolve().then(() => multi.validate(token))).resolves.toMatchObject({
        tenantId: stranger,
      });
      const mismatched = await idp.mint({ claims: { tid: stranger, iss: idp.v1Issuer(TENANT) } });
      await expect(Promise.resolve().then(() => multi.validate(mismatched))).rejects.toMatchObject({
        code: 'ERR_TENANT_MISMATCH',
      });
    } finally {
      await anyTenant.close();
    }
  });

  it("allowedTenants '*': a partner tenant's v2 token, when the home tenant's JWKS names the home tenant", async () => {
    // A tenant's own v2 JWKS names that tenant in the keys' issuer (not `{tenantid}`): the same keys
    // still sign every tenant's tokens.
    const homeIssuer = idp.v2KeyIssuer;
    idp.v2KeyIssuer = idp.v2Issuer(TENANT);
    const previousKey = idp.signingKey;
    await idp.rotateKey();
    const anyTenant = await startAuthTestApp(idp, {
      allowedTenants: '*',
      audiences: ['042e4743-2c83-42e0-8ea9-82cbe6642686'],
    });
    try {
      const multi = anyTenant.get(AccessTokenValidator);
      const partnerTenant = '0b0e3a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c';
      const partner = await idp.mint({
        version: '2.0',
        claims: { tid: partnerTenant, iss: idp.v2Issuer(partnerTenant) },
      });
      await expect(Promise.resolve().then(() => multi.validate(partner))).resolves.toMatchObject({
        tenantId: partnerTenant,
      });
      const home = await idp.mint({ version: '2.0' });
      await expect(Promise.resolve().then(() => multi.validate(home))).resolves.toMatchObject({
        tenantId: TENANT,
      });
    } finally {
      await anyTenant.close();
      idp.v2KeyIssuer = homeIssuer;
      idp.signingKey = previousKey;
    }
  });

  it('refuses callers outside allowedClientIds with 403 ERR_CLIENT_NOT_ALLOWED', async () => {
    const restricted = await startAuthTestApp(idp, {
      allowedClientIds: ['6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7'],
    });
    try {
      const restrictedValidator = restricted.get(AccessTokenValidator);
      const other = await idp.mint();
      await expect(
        Promise.resolve().then(() => restrictedValidator.validate(other)),
      ).rejects.toMatchObject({ code: 'ERR_CLIENT_NOT_ALLOWED' });
      const allowed = await idp.mint({ claims: { appid: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7' } });
      await expect(
        Promise.resolve().then(() => restrictedValidator.validate(allowed)),
      ).resolves.toMatchObject({
        appId: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7',
      });
    } finally {
      await restricted.close();
    }
  });
});
