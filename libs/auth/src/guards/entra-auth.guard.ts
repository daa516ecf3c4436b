// The global guard: every route needs a valid Entra access token unless marked @Public(), and
// the app roles of @Roles()/@AllRoles(). Whatever goes wrong ends in a refusal (fail closed).
import { Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ENTRA_BEARER_STRATEGY } from '../auth.constants.js';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { ROLES_KEY, type RoleRequirement } from '../decorators/roles.decorator.js';
import { TokenValidationError } from '../errors/token-validation-error.js';

export function checkRoles(principal: CallerPrincipal, requirement: RoleRequirement): void {
  if (requirement.roles.length === 0) return;
  if (!principal.isAppOnly) {
    throw new TokenValidationError('ERR_NOT_APP_ONLY', 'app roles authorize application (app-only) tokens only');
  }
  const held = (role: string) => principal.roles.includes(role);
  const ok = requirement.match === 'all' ? requirement.roles.every(held) : requirement.roles.some(held);
  if (!ok) {
    const which = requirement.match === 'all' ? 'all of the app roles' : 'the app role';
    const roles = requirement.match === 'all' ? requirement.roles.join(', ') : requirement.roles.join(' or ');
    throw new TokenValidationError('ERR_ROLE_MISSING', `the caller needs ${which} ${roles}`);
  }
}

@Injectable()
export class EntraAuthGuard extends AuthGuard(ENTRA_BEARER_STRATEGY) {
  private readonly logger = new Logger(EntraAuthGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const principal = context.switchToHttp().getRequest<{ user?: CallerPrincipal }>().user;
    if (!principal) throw new TokenValidationError('ERR_VALIDATION_FAILED', 'the token could not be validated');
    const requirement = this.reflector.getAllAndOverride<RoleRequirement | undefined>(ROLES_KEY, targets);
    if (requirement) checkRoles(principal, requirement);
    return true;
  }

  override handleRequest<TUser = CallerPrincipal>(error: unknown, user: unknown): TUser {
    if (error instanceof TokenValidationError) throw error;
    if (error || !user) {
      // A bug or an unexpected failure must still refuse the request, with a 401 rather than a 500.
      this.logger.error(`token validation failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`);
      throw new TokenValidationError('ERR_VALIDATION_FAILED', 'the token could not be validated', { cause: error });
    }
    return user as TUser;
  }
}
