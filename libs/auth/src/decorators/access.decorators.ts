import { Reflector } from '@nestjs/core';
import { nonEmptyNames, type AccessRequirement } from '../authorization/access-requirement.js';

/** Route metadata read by the guard; apps use the named decorators below. */
export const RequiredAccess = Reflector.createDecorator<AccessRequirement>();

/** App roles of which the caller needs at least one. App roles authorize app-only tokens only. */
export const Roles = (...roles: string[]) =>
  RequiredAccess({
    kind: 'appRoles',
    roles: nonEmptyNames('Roles()', 'app role name', roles),
    match: 'any',
  });

/** App roles the caller needs all of. */
export const AllRoles = (...roles: string[]) =>
  RequiredAccess({
    kind: 'appRoles',
    roles: nonEmptyNames('AllRoles()', 'app role name', roles),
    match: 'all',
  });

/** Delegated scopes (`scp`) of which the caller needs at least one (MIW's RequiredScope). */
export const Scopes = (...scopes: string[]) =>
  RequiredAccess({ kind: 'scopes', scopes: nonEmptyNames('Scopes()', 'scope name', scopes) });

/**
 * One of the delegated scopes, or (for an app-only token) one of the app roles: an API called both
 * on behalf of users and by daemons (MIW's RequiredScopeOrAppPermission).
 */
export const ScopesOrAppRoles = (scopes: readonly string[], roles: readonly string[]) =>
  RequiredAccess({
    kind: 'scopesOrAppRoles',
    scopes: nonEmptyNames('ScopesOrAppRoles()', 'scope name', scopes),
    roles: nonEmptyNames('ScopesOrAppRoles()', 'app role name', roles),
  });

/**
 * Any valid token, including one with neither `roles` nor `scp`: the route authorizes callers by
 * its own access control list (MIW's AllowWebApiToBeAuthorizedByACL, for one route).
 */
export const AllowAcl = () => RequiredAccess({ kind: 'acl' });
