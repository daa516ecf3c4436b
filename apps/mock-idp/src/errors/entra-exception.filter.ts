// The one place a failure becomes an HTTP answer: EntraErrors as they are, other client errors
// (Nest's HttpExceptions, body-parser and router errors) as the matching 4xx in the endpoint's
// shape, anything unexpected as a 500 in Entra's shape without internals (logged, never sent).
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EntraError, EntraErrors } from './entra-error.js';
import { sendEntraError } from './entra-error-response.js';
import { requestRecord, usesManagedIdentityErrorShape } from '../http/request-record.js';

/** The 4xx status a non-Entra failure carries: Nest's HttpException, or http-errors' `status`
 * (body-parser: malformed/oversized/undecodable bodies; the router: undecodable path segments). */
function clientErrorStatus(exception: unknown): number | undefined {
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function toEntraError(exception: unknown, req: Request): EntraError | undefined {
  if (exception instanceof EntraError) return exception;
  const status = clientErrorStatus(exception);
  if (status === undefined) return undefined;
  if (status === 404 && exception instanceof HttpException) return EntraErrors.notFound(req.path);
  const message = (exception as Error).message;
  const fromBodyParser = typeof (exception as { type?: unknown }).type === 'string';
  // The managed-identity endpoints are not Entra: their own errors carry no AADSTS code.
  const aadsts = usesManagedIdentityErrorShape(requestRecord(req).endpoint) ? undefined : 900144;
  return new EntraError(
    status,
    'invalid_request',
    aadsts,
    fromBodyParser
      ? `The request body could not be parsed: ${message}.`
      : `The request could not be read: ${message}.`,
  );
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
