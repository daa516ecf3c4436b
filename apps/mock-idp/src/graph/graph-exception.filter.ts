// Scoped to the Graph controllers (@UseFilters): every failure there answers in Graph's shape.
// GraphErrors as they are; other client errors (Nest's, body-parser's, the emulator's own
// EntraErrors such as an injected fault) keep their status with a Graph code; anything unexpected
// is a 500 without internals (logged, never sent).
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request as ExpressRequest, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { findRequestRecord } from '../http/request-record.js';
import { GraphError, GraphErrors, sendGraphError } from './graph-error.js';

function clientOrFaultStatus(exception: unknown): number | undefined {
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

export function toGraphError(exception: unknown): GraphError | undefined {
  if (exception instanceof GraphError) return exception;
  const status = clientOrFaultStatus(exception);
  if (status === undefined) return undefined;
  const error = GraphErrors.fromStatus(status, (exception as Error).message);
  const headers = (exception as { headers?: unknown }).headers;
  if (headers && typeof headers === 'object') Object.assign(error.headers, headers);
  return error;
}

@Catch()
export class GraphExceptionFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger('GraphExceptionFilter') private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<ExpressRequest>();
    const res = http.getResponse<Response>();
    let error = toGraphError(exception);
    if (!error) {
      this.logger.error({ err: exception, path: req.path }, 'unexpected error in a Graph request');
      error = GraphErrors.internal();
    }
    const record = findRequestRecord(req);
    if (record) record.details.error = error.code;
    if (res.headersSent) return;
    sendGraphError(req, res, error);
  }
}
