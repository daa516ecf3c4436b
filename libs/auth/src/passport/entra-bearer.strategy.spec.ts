// Apps that compose passport strategies use AuthGuard('entra-bearer') from @nestjs/passport instead
// of the global guard: the registered strategy runs the same validator, with the same errors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { getWithToken, startAuthTestApp } from '../spec-support/auth-test-app.js';
import { TestIdentityProvider } from '../testing/test-identity-provider.js';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';

@Controller('passport')
class PassportGuardedController {
  @Get()
  @UseGuards(AuthGuard('entra-bearer'))
  caller(@Req() req: { user: CallerPrincipal }) {
    return { appId: req.user.appId, roles: req.user.roles };
  }
}

describe("AuthGuard('entra-bearer')", () => {
  let idp: TestIdentityProvider;
  let app: INestApplication;
  const get = (token?: string) => getWithToken(app, '/passport', token);

  beforeAll(async () => {
    idp = await TestIdentityProvider.start({ tenantId: TENANT });
    app = await startAuthTestApp(idp, { globalGuard: false }, [PassportGuardedController]);
  });

  afterAll(async () => {
    await app.close();
    await idp.close();
  });

  it('puts the caller principal on request.user for a valid token (first and remembered)', async () => {
    const token = await idp.mint();
    for (let i = 0; i < 2; i++) {
      const response = await get(token).expect(200);
      expect(response.body).toEqual({
        appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
        roles: ['consumer'],
      });
    }
  });

  it('refuses with the same RFC 6750 answers as the global guard', async () => {
    const missing = await get().expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(missing.body.code).toBe('ERR_TOKEN_MISSING');

    const wrongAudience = await get(
      await idp.mint({ claims: { aud: 'https://other.example' } }),
    ).expect(401);
    expect(wrongAudience.body).toMatchObject({ code: 'ERR_AUDIENCE_INVALID', claim: 'aud' });
    expect(wrongAudience.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});
