// The one place a failure becomes an HTTP answer: EntraErrors as they are, other client errors
// (Nest's HttpExceptions, body-parser and router errors) as the matching 4xx, anything unexpected
// as a 500 without internals (logged, never sent). The shape is the route's (@Endpoint); requests
// no route matched get Entra's.
import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request as ExpressRequest, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EntraErrors } from '../errors/entra-error.js';
import { sendEntraError, toEntraError } from '../errors/entra-error-response.js';
import { findRequestRecord } from './request-record.js';

@Catch()
export class EntraExceptionFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger('EntraExceptionFilter') private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<ExpressRequest>();
    const res = http.getResponse<Response>();
    const record = findRequestRecord(req);
    const shape = record?.endpoint?.errorShape ?? 'entra';
    let error = toEntraError(exception, req.path, shape);
    if (!error) {
      this.logger.error(
        { err: exception, path: req.path },
        'unexpected error while handling a request',
      );
      error = EntraErrors.internal();
    }
    if (record) {
      record.details.error = error.aadsts === undefined ? error.error : `AADSTS${error.aadsts}`;
      record.details.errorDescription = error.message;
    }
    if (res.headersSent) return;
    sendEntraError(req, res, error, shape);
  }
}
