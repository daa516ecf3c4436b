// The specs' Nest app around AuthModule, against a TestIdentityProvider (not part of the package).
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '../auth.module.js';
import { EntraAuthority } from '../authority/entra-authority.js';
import type { AuthModuleOptions } from '../config/auth-options.js';
import type { TestIdentityProvider } from '../testing/test-identity-provider.js';

export const TEST_AUDIENCE = 'https://myapp.aztoso.com';

/** AuthModule with `options` over the defaults, serving `controllers`; metadata and keys loaded. */
export async function startAuthTestApp(
  idp: TestIdentityProvider,
  options: Partial<AuthModuleOptions> = {},
  controllers: Type[] = [],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({
        authority: idp.authority,
        tenantId: idp.tenantId,
        audiences: [TEST_AUDIENCE],
        ...options,
      }),
    ],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  await app.get(EntraAuthority).whenReady();
  return app;
}

/** GET `path`, with `token` as the bearer token when there is one. */
export function getWithToken(app: INestApplication, path: string, token?: string) {
  const call = request(app.getHttpServer()).get(path);
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
}
