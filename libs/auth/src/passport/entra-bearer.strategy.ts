import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ENTRA_BEARER_STRATEGY } from '../auth.constants.js';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import { AccessTokenValidator } from '../validation/access-token-validator.js';
import { BearerHeaderStrategy } from './bearer-header.strategy.js';

/** Registers the Entra access-token validator with passport under the name 'entra-bearer'. */
@Injectable()
export class EntraBearerStrategy extends PassportStrategy(
  BearerHeaderStrategy,
  ENTRA_BEARER_STRATEGY,
) {
  constructor(private readonly validator: AccessTokenValidator) {
    super();
  }

  validate(token: string): CallerPrincipal | Promise<CallerPrincipal> {
    return this.validator.validate(token);
  }
}
