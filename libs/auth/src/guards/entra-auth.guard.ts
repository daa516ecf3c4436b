// The global guard: every route needs a valid Entra access token unless marked @Public(), and
// the app roles of @Roles()/@AllRoles(). Whatever goes wrong ends in a refusal (fail closed).
// It runs the 'entra-bearer' passport strategy; AuthGuard('entra-bearer') from @nestjs/passport
// works as well (same strategy, same errors) for apps that compose passport strategies.
import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { ROLES_KEY, type RoleRequirement } from '../decorators/roles.decorator.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { EntraBearerStrategy } from '../passport/entra-bearer.strategy.js';
import { runPassportStrategy } from '../passport/run-strategy.js';
import { AccessTokenValidator } from '../validation/access-token-validator.js';
import { extractBearerToken } from '../validation/bearer-header.js';

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
    private readonly strategy: EntraBearerStrategy,
    private readonly validator: AccessTokenValidator,
  ) {}

  // Synchronous when the token was validated before (Nest then skips a promise per request).
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: CallerPrincipal }>();
    const remembered = this.validator.remembered(extractBearerToken(request));
    if (remembered) return this.authorize(request, remembered, policy);
    return this.authenticate(request).then((principal) =>
      this.authorize(request, principal, policy),
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

  private async authenticate(request: Request): Promise<CallerPrincipal> {
    let outcome;
    try {
      outcome = await runPassportStrategy(this.strategy, request);
    } catch (error) {
      if (error instanceof TokenValidationError) throw error;
      // A bug or an unexpected failure must still refuse the request, with a 401 rather than a 500.
      this.logger.error(
        `token validation failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`,
      );
      throw new TokenValidationError('ERR_VALIDATION_FAILED', 'the token could not be validated', {
        cause: error,
      });
    }
    if ('user' in outcome && outcome.user) return outcome.user as CallerPrincipal;
    throw new TokenValidationError('ERR_VALIDATION_FAILED', 'the token could not be validated');
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
