// Renders an EntraError in one of two shapes: Entra's token-endpoint JSON on the authority
// (error, error_description with the AADSTS code, error_codes, timestamp, trace_id,
// correlation_id, error_uri), or the {error, error_description} of IMDS and the App
// Service/Container Apps endpoint. The caller says which (the route's metadata).
import { HttpException } from '@nestjs/common';
import type { Request as ExpressRequest, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { EntraError, EntraErrors } from './entra-error.js';

export type ErrorShape = 'entra' | 'managed-identity';

function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** The 4xx status a non-Entra failure carries: Nest's HttpException, or http-errors' `status`
 * (body-parser: malformed/oversized/undecodable bodies; the router: undecodable path segments). */
function clientErrorStatus(exception: unknown): number | undefined {
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** An EntraError for a client error; undefined for anything unexpected (a 500). */
export function toEntraError(
  exception: unknown,
  path: string,
  shape: ErrorShape,
): EntraError | undefined {
  if (exception instanceof EntraError) return exception;
  const status = clientErrorStatus(exception);
  if (status === undefined) return undefined;
  if (status === 404 && exception instanceof HttpException) return EntraErrors.notFound(path);
  const message = (exception as Error).message;
  const fromBodyParser = typeof (exception as { type?: unknown }).type === 'string';
  // The managed-identity endpoints are not Entra: their own errors carry no AADSTS code.
  const aadsts = shape === 'managed-identity' ? undefined : 900144;
  return new EntraError(
    status,
    'invalid_request',
    aadsts,
    fromBodyParser
      ? `The request body could not be parsed: ${message}.`
      : `The request could not be read: ${message}.`,
  );
}

export function sendEntraError(
  req: ExpressRequest,
  res: Response,
  error: EntraError,
  shape: ErrorShape,
): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status);
  if (shape === 'managed-identity') {
    res.json({ error: error.error, error_description: error.message });
    return;
  }
  const now = new Date();
  const traceId = randomUUID();
  const requested = req.headers['client-request-id'];
  const correlationId =
    typeof requested === 'string' && requested.length <= 64 ? requested : randomUUID();
  const timestamp = entraTimestamp(now);
  res.json({
    error: error.error,
    error_description: `${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    ...(error.aadsts === undefined ? {} : { error_codes: [error.aadsts] }),
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...(error.aadsts === undefined
      ? {}
      : { error_uri: `https://login.microsoftonline.com/error?code=${error.aadsts}` }),
  });
}
