// What a route asks of a validated token, and the check of it. Follows Microsoft.Identity.Web:
// - app roles (`roles`) authorize application (app-only) tokens;
// - delegated scopes (`scp`) authorize tokens issued for a user (RequiredScope);
// - "scope or app permission" accepts either (RequiredScopeOrAppPermission);
// - a token with neither `roles` nor `scp` is refused unless the API (or the route) authorizes by
//   access control lists instead (AllowWebApiToBeAuthorizedByACL).
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { TokenValidationError } from '../errors/token-validation-error.js';

export type AccessRequirement =
  | { kind: 'appRoles'; roles: readonly string[]; match: 'any' | 'all' }
  | { kind: 'scopes'; scopes: readonly string[] }
  | { kind: 'scopesOrAppRoles'; scopes: readonly string[]; roles: readonly string[] }
  /** Any valid token, even one carrying neither roles nor scopes: the API keeps its own ACL. */
  | { kind: 'acl' };

const ACL_HINT =
  'this API does not authorize by access control list (allowAclAuthorization, or @AllowAcl() on the route)';

/** Refuses an empty or non-string list when the controller is declared, not at request time. */
export function nonEmptyNames(
  decorator: string,
  what: string,
  names: readonly unknown[],
): readonly string[] {
  if (
    !Array.isArray(names) ||
    names.length === 0 ||
    names.some((name) => typeof name !== 'string' || name.length === 0)
  ) {
    throw new Error(`${decorator} needs at least one non-empty ${what}`);
  }
  return Object.freeze([...(names as string[])]);
}

function holdsAny(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((name) => held.includes(name));
}

function requireAppRoles(
  principal: CallerPrincipal,
  roles: readonly string[],
  match: 'any' | 'all',
): void {
  if (!principal.isAppOnly) {
    throw new TokenValidationError(
      'ERR_NOT_APP_ONLY',
      'app roles authorize application (app-only) tokens only',
      { claim: 'idtyp' },
    );
  }
  const ok =
    match === 'all'
      ? roles.every((role) => principal.roles.includes(role))
      : holdsAny(principal.roles, roles);
  if (!ok) {
    const needed =
      match === 'all'
        ? `all of the app roles ${roles.join(', ')}`
        : `the app role ${roles.join(' or ')}`;
    throw new TokenValidationError('ERR_ROLE_MISSING', `the caller needs ${needed}`, {
      claim: 'roles',
    });
  }
}

/**
 * Throws the 403 TokenValidationError that says what is missing. `requirement` undefined: any
 * valid token carrying roles or scopes (or any valid token at all when `aclAllowed`).
 */
export function checkAccess(
  principal: CallerPrincipal,
  requirement: AccessRequirement | undefined,
  aclAllowed: boolean,
): void {
  switch (requirement?.kind) {
    case 'appRoles':
      return requireAppRoles(principal, requirement.roles, requirement.match);
    case 'scopes':
      if (holdsAny(principal.scopes, requirement.scopes)) return;
      throw new TokenValidationError(
        'ERR_SCOPE_MISSING',
        `the caller needs the delegated scope ${requirement.scopes.join(' or ')}`,
        { claim: 'scp' },
      );
    case 'scopesOrAppRoles':
      if (holdsAny(principal.scopes, requirement.scopes)) return;
      if (principal.isAppOnly && holdsAny(principal.roles, requirement.roles)) return;
      throw new TokenValidationError(
        'ERR_SCOPE_OR_ROLE_MISSING',
        `the caller needs the delegated scope ${requirement.scopes.join(' or ')}, ` +
          `or (as an application) the app role ${requirement.roles.join(' or ')}`,
        { claim: principal.isAppOnly ? 'roles' : 'scp' },
      );
    case 'acl':
      return;
    case undefined:
      if (aclAllowed || principal.roles.length > 0 || principal.scopes.length > 0) return;
      throw new TokenValidationError(
        'ERR_NO_ROLES_OR_SCOPES',
        `the token carries neither app roles (roles) nor delegated scopes (scp), and ${ACL_HINT}`,
        { claim: 'roles' },
      );
  }
}
