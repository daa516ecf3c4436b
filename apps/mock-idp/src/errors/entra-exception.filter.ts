// The one place a failure becomes an HTTP answer: EntraErrors as they are, Nest's HttpExceptions
// (unknown route, ...) as the matching 4xx, anything unexpected as a 500 in Entra's shape without
// internals (logged here, never sent).
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EntraError, EntraErrors } from './entra-error.js';
import { sendEntraError } from './entra-error-response.js';

export function toEntraError(exception: unknown, req: Request): EntraError | undefined {
  if (exception instanceof EntraError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return EntraErrors.notFound(req.path);
    if (status < 500)
      return new EntraError(status, 'invalid_request', undefined, exception.message);
  }
  // body-parser errors carry their own 4xx status (malformed JSON/form, entity too large, bad charset).
  const parserStatus = (exception as { status?: unknown; type?: unknown } | null)?.status;
  if (
    typeof parserStatus === 'number' &&
    parserStatus >= 400 &&
    parserStatus < 500 &&
    typeof (exception as { type?: unknown }).type === 'string'
  ) {
    return new EntraError(
      parserStatus,
      'invalid_request',
      900144,
      `The request body could not be parsed: ${(exception as Error).message}.`,
    );
  }
  return undefined;
}

@Catch()
export class EntraExceptionFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger('EntraExceptionFilter') private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let error = toEntraError(exception, req);
    if (!error) {
      this.logger.error(
        { err: exception, path: req.path },
        'unexpected error while handling a request',
      );
      error = EntraErrors.internal();
    }
    if (res.headersSent) return;
    sendEntraError(req, res, error);
  }
}
