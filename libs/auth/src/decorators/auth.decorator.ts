// One decorator per protected route: the role requirement plus its OpenAPI description
// (bearer scheme, 401 and 403 answers), so that controllers stay one line per concern.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AllRoles, Roles } from './roles.decorator.js';

/** Name of the bearer security scheme in the OpenAPI document (see DocumentBuilder.addBearerAuth). */
export const AUTH_SWAGGER_SCHEME = 'entra-bearer';

export interface AuthRequirement {
  /** The caller needs one of these app roles. */
  anyRole?: string[];
  /** The caller needs all of these app roles. */
  allRoles?: string[];
}

export function Auth(requirement: AuthRequirement = {}) {
  const decorators = [
    ApiBearerAuth(AUTH_SWAGGER_SCHEME),
    ApiUnauthorizedResponse({
      description:
        'No token, or a token that is not valid for this API (WWW-Authenticate says why)',
    }),
  ];
  const { anyRole, allRoles } = requirement;
  if (anyRole?.length || allRoles?.length) {
    const needed = anyRole?.length
      ? `one of the app roles: ${anyRole.join(', ')}`
      : `all of the app roles: ${allRoles!.join(', ')}`;
    decorators.push(
      anyRole?.length ? Roles(...anyRole) : AllRoles(...allRoles!),
      ApiForbiddenResponse({ description: `The caller is not an application holding ${needed}` }),
    );
  }
  return applyDecorators(...decorators);
}
