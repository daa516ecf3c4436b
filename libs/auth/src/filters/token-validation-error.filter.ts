// Turns a TokenValidationError into its RFC 6750 response and notes the refusal on the request,
// so that the request log line says why (never the token).
import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AUTH_OPTIONS } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/auth-options.js';
import { toBearerErrorResponse } from '../errors/bearer-challenge.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { AUTH_FAILURE } from '../logging/auth-log-fields.js';

@Catch(TokenValidationError)
export class TokenValidationErrorFilter implements ExceptionFilter<TokenValidationError> {
  private readonly logger = new Logger('Auth');

  constructor(@Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions) {}

  catch(error: TokenValidationError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { [AUTH_FAILURE]?: string }>();
    const response = http.getResponse<Response>();
    const { status, challenge, retryAfterSeconds, body } = toBearerErrorResponse(
      error,
      this.options.realm,
    );
    request[AUTH_FAILURE] = error.code;
    this.logger.warn(`${request.method} ${request.path} refused: ${error.code}: ${error.message}`);
    response.status(status).setHeader('Cache-Control', 'no-store');
    if (challenge !== undefined) response.setHeader('WWW-Authenticate', challenge);
    if (retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(retryAfterSeconds));
    response.json(body);
  }
}
