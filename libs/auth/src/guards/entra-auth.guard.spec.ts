// Route policies through a real Nest app: which routes are public, which need which role, and
// that the answer depends on the route (controller + method), not only on the method object.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Public } from '../decorators/public.decorator.js';
import {
  AllowAcl,
  AllRoles,
  Roles,
  Scopes,
  ScopesOrAppRoles,
} from '../decorators/access.decorators.js';
import { Auth, type AuthRequirement } from '../decorators/auth.decorator.js';
import { getWithToken, startAuthTestApp } from '../spec-support/auth-test-app.js';
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

@Controller('delegated')
class DelegatedController {
  @Get('scope')
  @Scopes('Items.Read', 'Items.ReadWrite')
  scope() {
    return { ok: true };
  }

  @Get('scope-or-role')
  @ScopesOrAppRoles(['Items.Read'], ['consumer'])
  scopeOrRole() {
    return { ok: true };
  }
}

@Controller('any')
class AnyTokenController {
  @Get()
  anyToken() {
    return { ok: true };
  }

  @Get('acl')
  @AllowAcl()
  acl() {
    return { ok: true };
  }

  @Get('auth-acl')
  @Auth({ allowAcl: true })
  authAcl() {
    return { ok: true };
  }
}

// A delegated (user) token as Entra issues it: scp, idtyp user, oid != sub, no roles.
const USER_CLAIMS = { idtyp: 'user', sub: 'a-user-subject', roles: undefined };

describe('EntraAuthGuard route policies', () => {
  let idp: TestIdentityProvider;
  let app: INestApplication;

  beforeAll(async () => {
    idp = await TestIdentityProvider.start({ tenantId: TENANT });
    app = await startAuthTestApp(idp, {}, [
      OpenListingController,
      SecretListingController,
      MixedController,
      AllRolesController,
      DelegatedController,
      AnyTokenController,
    ]);
  });

  afterAll(async () => {
    await app.close();
    await idp.close();
  });

  const get = (path: string, token?: string) => getWithToken(app, path, token);
  const status = async (path: string, token?: string) => (await get(path, token)).status;

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
    expect(() => AllRoles('consumer', '')).toThrow(
      'AllRoles() needs at least one non-empty app role name',
    );
  });

  it('@Scopes() needs one of the delegated scopes in scp', async () => {
    const reader = await idp.mint({ claims: { ...USER_CLAIMS, scp: 'User.Read Items.Read' } });
    expect(await status('/delegated/scope', reader)).toBe(200);
    const other = await get(
      '/delegated/scope',
      await idp.mint({ claims: { ...USER_CLAIMS, scp: 'User.Read' } }),
    );
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'ERR_SCOPE_MISSING', claim: 'scp' });
    // An app-only token has no scopes: its roles do not stand in for them.
    expect(await status('/delegated/scope', await idp.mint())).toBe(403);
  });

  it('@ScopesOrAppRoles() takes a scope of a user token or an app role of an app-only token', async () => {
    const reader = await idp.mint({ claims: { ...USER_CLAIMS, scp: 'Items.Read' } });
    expect(await status('/delegated/scope-or-role', reader)).toBe(200);
    expect(await status('/delegated/scope-or-role', await idp.mint())).toBe(200);
    // A user token holding the role (user assignment) but not the scope: roles are for app-only tokens.
    const userWithRole = await idp.mint({
      claims: { ...USER_CLAIMS, scp: 'User.Read', roles: ['consumer'] },
    });
    const refused = await get('/delegated/scope-or-role', userWithRole);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ERR_SCOPE_OR_ROLE_MISSING');
    expect(
      await status('/delegated/scope-or-role', await idp.mint({ claims: { roles: ['x'] } })),
    ).toBe(403);
  });

  it('refuses a token with neither roles nor scp unless the route authorizes by ACL, and says so', async () => {
    const bare = await idp.mint({ claims: { roles: undefined } });
    const refused = await get('/any', bare);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'ERR_NO_ROLES_OR_SCOPES' });
    expect(refused.body.message).toContain('neither app roles (roles) nor delegated scopes (scp)');
    expect(refused.body.message).toContain('access control list');
    expect(await status('/any', await idp.mint())).toBe(200);
    expect(await status('/any', await idp.mint({ claims: { ...USER_CLAIMS, scp: 'x' } }))).toBe(
      200,
    );
    expect(await status('/any/acl', bare)).toBe(200);
    expect(await status('/any/auth-acl', bare)).toBe(200);
  });

  it('allowAclAuthorization opts the whole API in to tokens without roles or scp', async () => {
    const aclApp = await startAuthTestApp(idp, { allowAclAuthorization: true }, [
      AnyTokenController,
      SecretListingController,
    ]);
    try {
      const bare = await idp.mint({ claims: { roles: undefined } });
      expect((await getWithToken(aclApp, '/any', bare)).status).toBe(200);
      // A role requirement still needs its role.
      expect((await getWithToken(aclApp, '/secret', bare)).status).toBe(403);
    } finally {
      await aclApp.close();
    }
  });
});

describe('Auth() requirements', () => {
  it('refuses an empty list and two kinds at once, in the types and at run time', () => {
    // @ts-expect-error an empty role list would silently require nothing
    expect(() => Auth({ anyRole: [] })).toThrow(
      'Roles() needs at least one non-empty app role name',
    );
    // @ts-expect-error one kind of requirement per route
    expect(() => Auth({ anyRole: ['a'], allRoles: ['b'] })).toThrow(
      'Auth() takes one of anyRole, allRoles, anyScope, allowAcl; got anyRole and allRoles',
    );
    // @ts-expect-error orAnyRole completes anyScope
    expect(() => Auth({ orAnyRole: ['a'] })).toThrow('Auth() takes orAnyRole only beside anyScope');
    const fromJs = { anyScope: [] } as unknown as AuthRequirement;
    expect(() => Auth(fromJs)).toThrow('Scopes() needs at least one non-empty scope name');
  });

  it('accepts each kind alone', () => {
    const requirements: AuthRequirement[] = [
      {},
      { anyRole: ['consumer'] },
      { allRoles: ['consumer', 'admin'] },
      { anyScope: ['Items.Read'] },
      { anyScope: ['Items.Read'], orAnyRole: ['consumer'] },
      { allowAcl: true },
    ];
    for (const requirement of requirements) expect(() => Auth(requirement)).not.toThrow();
  });
});
