// Turns a TokenValidationError into its RFC 6750 response and notes the refusal on the request,
// so that the request log line says why (never the token). Written through Nest's HTTP adapter:
// the same filter serves an app on Express or on Fastify.
import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/auth-options.js';
import { toBearerErrorResponse } from '../errors/bearer-challenge.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { AUTH_FAILURE } from '../logging/auth-log-fields.js';

@Catch(TokenValidationError)
export class TokenValidationErrorFilter implements ExceptionFilter<TokenValidationError> {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(error: TokenValidationError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ method: string; [AUTH_FAILURE]?: string }>();
    const response = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    const { status, challenge, retryAfterSeconds, body } = toBearerErrorResponse(
      error,
      this.options.realm,
    );
    request[AUTH_FAILURE] = error.code;
    // The path only: a query string may carry the very token being refused.
    const path = String(adapter.getRequestUrl(request)).split('?', 1)[0];
    this.logger.warn(`${request.method} ${path} refused: ${error.code}: ${error.message}`);
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    if (challenge !== undefined) adapter.setHeader(response, 'WWW-Authenticate', challenge);
    if (retryAfterSeconds !== undefined)
      adapter.setHeader(response, 'Retry-After', String(retryAfterSeconds));
    adapter.reply(response, body, status);
  }
}
