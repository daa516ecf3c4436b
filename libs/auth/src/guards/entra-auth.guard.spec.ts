// Route policies through a real Nest app: which routes are public, which need which role, and
// that the answer depends on the route (controller + method), not only on the method object.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '../auth.module.js';
import { EntraAuthority } from '../authority/entra-authority.js';
import { Public } from '../decorators/public.decorator.js';
import { AllRoles, Roles } from '../decorators/roles.decorator.js';
import { TestIdentityProvider } from '../testing/test-identity-provider.js';

const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';

// Common Nest CRUD pattern: one handler inherited by several controllers.
class ListingController {
  @Get()
  list() {
    return { ok: true };
  }
}

@Public()
@Controller('open')
class OpenListingController extends ListingController {}

@Roles('admin')
@Controller('secret')
class SecretListingController extends ListingController {}

@Public()
@Controller('mixed')
class MixedController {
  @Get('public')
  open() {
    return { ok: true };
  }

  @Get('admin')
  @Roles('admin')
  admin() {
    return { ok: true };
  }
}

@Controller('all')
class AllRolesController {
  @Get()
  @AllRoles('consumer', 'admin')
  both() {
    return { ok: true };
  }
}

describe('EntraAuthGuard route policies', () => {
  let idp: TestIdentityProvider;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    idp = await TestIdentityProvider.start({ tenantId: TENANT });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          authority: idp.authority,
          tenantId: TENANT,
          audiences: ['https://myapp.aztoso.com'],
        }),
      ],
      controllers: [
        OpenListingController,
        SecretListingController,
        MixedController,
        AllRolesController,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.get(EntraAuthority).whenReady();
  });

  afterAll(async () => {
    await app.close();
    await idp.close();
  });

  const status = async (path: string, token?: string) => {
    const call = http().get(path);
    return (await (token ? call.set('Authorization', `Bearer ${token}`) : call)).status;
  };

  it('an inherited handler is public on the @Public() controller only, whichever is called first', async () => {
    expect(await status('/open')).toBe(200);
    expect(await status('/secret')).toBe(401);
    expect(await status('/secret', await idp.mint())).toBe(403);
    expect(await status('/secret', await idp.mint({ claims: { roles: ['admin'] } }))).toBe(200);
  });

  it('@Roles() on a method wins over @Public() on its controller', async () => {
    expect(await status('/mixed/public')).toBe(200);
    expect(await status('/mixed/admin')).toBe(401);
    expect(await status('/mixed/admin', await idp.mint())).toBe(403);
  });

  it('@AllRoles() needs every role', async () => {
    expect(await status('/all', await idp.mint())).toBe(403);
    const both = await idp.mint({ claims: { roles: ['consumer', 'admin'] } });
    expect(await status('/all', both)).toBe(200);
  });

  it('refuses an empty role list when the controller is declared', () => {
    expect(() => Roles()).toThrow('Roles() needs at least one non-empty app role name');
    expect(() => AllRoles('consumer', '')).toThrow('AllRoles() needs at least one');
  });
});
