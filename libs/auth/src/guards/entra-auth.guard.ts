// The global guard: every route needs a valid Entra access token unless marked @Public(), and
// the app roles of @Roles()/@AllRoles(). Whatever goes wrong ends in a refusal (fail closed).
// One straight path per request: extract the token once, validate it (remembered tokens answer
// synchronously), authorize the route. Apps that compose passport strategies can use
// AuthGuard('entra-bearer') from @nestjs/passport instead: same validator, same errors.
import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { ROLES_KEY, type RoleRequirement } from '../decorators/roles.decorator.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { AccessTokenValidator } from '../validation/access-token-validator.js';
import { extractBearerToken, type BearerRequest } from '../validation/bearer-header.js';

export function checkRoles(principal: CallerPrincipal, requirement: RoleRequirement): void {
  if (requirement.roles.length === 0) return;
  if (!principal.isAppOnly) {
    throw new TokenValidationError(
      'ERR_NOT_APP_ONLY',
      'app roles authorize application (app-only) tokens only',
    );
  }
  const held = (role: string) => principal.roles.includes(role);
  const ok =
    requirement.match === 'all' ? requirement.roles.every(held) : requirement.roles.some(held);
  if (!ok) {
    const which = requirement.match === 'all' ? 'all of the app roles' : 'the app role';
    const roles =
      requirement.match === 'all' ? requirement.roles.join(', ') : requirement.roles.join(' or ');
    throw new TokenValidationError('ERR_ROLE_MISSING', `the caller needs ${which} ${roles}`);
  }
}

interface RoutePolicy {
  isPublic: boolean;
  requirement?: RoleRequirement;
}

// A role requirement always wins over @Public(): `@Public()` on a controller must not silently
// open a method of it that asks for a role.
function readRoutePolicy(
  reflector: Reflector,
  targets: [handler: Function, controller: Function],
): RoutePolicy {
  const requirement = reflector.getAllAndOverride<RoleRequirement | undefined>(ROLES_KEY, targets);
  const markedPublic =
    reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
  return { isPublic: markedPublic && !requirement, requirement };
}

@Injectable()
export class EntraAuthGuard implements CanActivate {
  private readonly logger = new Logger(EntraAuthGuard.name);
  // Route metadata does not change at run time: read it once per route. Keyed by controller class
  // and then handler: controllers that inherit one method from a base class are different routes.
  private readonly policies = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly validator: AccessTokenValidator,
  ) {}

  // Synchronous when the token was validated before (Nest then skips a promise per request).
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.isPublic) return true;
    const request = context.switchToHttp().getRequest<{ user?: CallerPrincipal } & BearerRequest>();
    let validated: CallerPrincipal | Promise<CallerPrincipal>;
    try {
      validated = this.validator.validate(extractBearerToken(request));
    } catch (error) {
      throw this.refusal(error);
    }
    if (!(validated instanceof Promise)) return this.authorize(request, validated, policy);
    return validated.then(
      (principal) => this.authorize(request, principal, policy),
      (error: unknown) => {
        throw this.refusal(error);
      },
    );
  }

  private authorize(
    request: { user?: CallerPrincipal },
    principal: CallerPrincipal,
    policy: RoutePolicy,
  ): boolean {
    request.user = principal;
    if (policy.requirement) checkRoles(principal, policy.requirement);
    return true;
  }

  /** A bug or an unexpected failure must still refuse the request, with a 401 rather than a 500. */
  private refusal(error: unknown): TokenValidationError {
    if (error instanceof TokenValidationError) return error;
    this.logger.error(
      `token validation failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`,
    );
    return new TokenValidationError('ERR_VALIDATION_FAILED', 'the token could not be validated', {
      cause: error,
    });
  }

  private policyOf(context: ExecutionContext): RoutePolicy {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.policies.get(controller);
    if (!byHandler) this.policies.set(controller, (byHandler = new WeakMap()));
    let policy = byHandler.get(handler);
    if (!policy) {
      policy = readRoutePolicy(this.reflector, [handler, controller]);
      byHandler.set(handler, policy);
    }
    return policy;
  }
}
