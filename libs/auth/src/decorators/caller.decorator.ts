import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CallerPrincipal } from '../claims/caller-principal.js';

/** The authenticated caller; undefined only on @Public() routes. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CallerPrincipal | undefined =>
    context.switchToHttp().getRequest<{ user?: CallerPrincipal }>().user,
);
