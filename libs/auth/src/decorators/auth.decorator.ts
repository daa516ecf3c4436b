// One decorator per protected route: the access requirement plus its OpenAPI description
// (bearer scheme, 401 and 403 answers), so that controllers stay one line per concern.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AllowAcl, AllRoles, Roles, Scopes, ScopesOrAppRoles } from './access.decorators.js';

/** Name of the bearer security scheme in the OpenAPI document (see DocumentBuilder.addBearerAuth). */
export const AUTH_SWAGGER_SCHEME = 'entra-bearer';

/** At least one name: `[]` does not type-check (an empty list would silently require nothing). */
export type NonEmptyNames = readonly [string, ...string[]];

interface NoRequirement {
  anyRole?: never;
  allRoles?: never;
  anyScope?: never;
  orAnyRole?: never;
  allowAcl?: never;
}

/**
 * What the route needs, one kind at a time; `{}` (the default) is any valid token that carries app
 * roles or delegated scopes.
 */
export type AuthRequirement =
  | NoRequirement
  /** One of these app roles (app-only tokens). */
  | (Omit<NoRequirement, 'anyRole'> & { anyRole: NonEmptyNames })
  /** All of these app roles (app-only tokens). */
  | (Omit<NoRequirement, 'allRoles'> & { allRoles: NonEmptyNames })
  /** One of these delegated scopes; with `orAnyRole`, or one of these app roles for app-only tokens. */
  | (Omit<NoRequirement, 'anyScope' | 'orAnyRole'> & {
      anyScope: NonEmptyNames;
      orAnyRole?: NonEmptyNames;
    })
  /** Any valid token, even without roles or scopes: the route keeps its own access control list. */
  | (Omit<NoRequirement, 'allowAcl'> & { allowAcl: true });

const KINDS = ['anyRole', 'allRoles', 'anyScope', 'allowAcl'] as const;

/** Throws when the controller is declared: the types refuse these too, plain JS callers do not. */
function checkAuthRequirement(requirement: AuthRequirement): void {
  const given = KINDS.filter((kind) => requirement[kind] !== undefined);
  if (given.length > 1) {
    throw new Error(`Auth() takes one of ${KINDS.join(', ')}; got ${given.join(' and ')}`);
  }
  if (requirement.orAnyRole !== undefined && requirement.anyScope === undefined) {
    throw new Error('Auth() takes orAnyRole only beside anyScope');
  }
  if (requirement.allowAcl !== undefined && requirement.allowAcl !== true) {
    throw new Error('Auth() takes allowAcl: true or no allowAcl');
  }
}

function describeRequirement(requirement: AuthRequirement): string {
  const { anyRole, allRoles, anyScope, orAnyRole } = requirement;
  if (anyRole) return `an application holding one of the app roles: ${anyRole.join(', ')}`;
  if (allRoles) return `an application holding all of the app roles: ${allRoles.join(', ')}`;
  if (anyScope && orAnyRole) {
    return `a caller with one of the delegated scopes ${anyScope.join(', ')}, or an application holding one of the app roles ${orAnyRole.join(', ')}`;
  }
  if (anyScope) return `a caller with one of the delegated scopes: ${anyScope.join(', ')}`;
  return 'a caller whose token carries app roles or delegated scopes';
}

export function Auth(requirement: AuthRequirement = {}) {
  checkAuthRequirement(requirement);
  const { anyRole, allRoles, anyScope, orAnyRole, allowAcl } = requirement;
  const decorators = [
    ApiBearerAuth(AUTH_SWAGGER_SCHEME),
    ApiUnauthorizedResponse({
      description:
        'No token, or a token that is not valid for this API (WWW-Authenticate says why)',
    }),
  ];
  if (allowAcl) {
    decorators.push(AllowAcl());
  } else {
    if (anyRole) decorators.push(Roles(...anyRole));
    if (allRoles) decorators.push(AllRoles(...allRoles));
    if (anyScope) {
      decorators.push(orAnyRole ? ScopesOrAppRoles(anyScope, orAnyRole) : Scopes(...anyScope));
    }
    decorators.push(
      ApiForbiddenResponse({
        description: `The caller is not ${describeRequirement(requirement)}`,
      }),
    );
  }
  return applyDecorators(...decorators);
}
