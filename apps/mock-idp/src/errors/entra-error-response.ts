// Renders an EntraError: Entra's token-endpoint JSON on the authority (error, error_description
// with the AADSTS code, error_codes, timestamp, trace_id, correlation_id, error_uri), or the
// {error, error_description} of IMDS and the App Service/Container Apps endpoint.
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { requestRecord, usesManagedIdentityErrorShape } from '../http/request-record.js';
import type { EntraError } from './entra-error.js';

function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function sendEntraError(req: Request, res: Response, error: EntraError): void {
  const record = requestRecord(req);
  record.details.error = error.aadsts === undefined ? error.error : `AADSTS${error.aadsts}`;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status);
  if (usesManagedIdentityErrorShape(record.endpoint)) {
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
