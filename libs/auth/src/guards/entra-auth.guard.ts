// The global guard: every route needs a valid Entra access token unless marked @Public(), and what
// its decorators ask (app roles, scopes: authorization/access-requirement.ts). Whatever goes wrong
// ends in a refusal (fail closed).
// One straight path per request: extract the token once, validate it (remembered tokens answer
// synchronously), authorize the route. Apps that compose passport strategies can use
// AuthGuard('entra-bearer') from @nestjs/passport instead: same validator, same errors.
import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { RequiredAccess } from '../decorators/access.decorators.js';
import { checkAccess, type AccessRequirement } from '../authorization/access-requirement.js';
import { AUTH_OPTIONS } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/auth-options.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { AccessTokenValidator } from '../validation/access-token-validator.js';
import { extractBearerToken, type BearerRequest } from '../validation/bearer-header.js';

interface RoutePolicy {
  isPublic: boolean;
  requirement?: AccessRequirement;
}

// A requirement always wins over @Public(): `@Public()` on a controller must not silently open a
// method of it that asks for a role or a scope.
function readRoutePolicy(
  reflector: Reflector,
  targets: [handler: Function, controller: Function],
): RoutePolicy {
  const requirement = reflector.getAllAndOverride(RequiredAccess, targets);
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
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
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
    checkAccess(principal, policy.requirement, this.options.allowAclAuthorization);
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
