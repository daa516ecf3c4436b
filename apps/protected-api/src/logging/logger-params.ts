// nestjs-pino settings: one JSON line per request with its id and the caller (appId/objectId) or
// the code of the refusal. Headers are not logged at all (the Authorization header carries the
// token), and token-like query parameters are masked in the logged URL.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authLogFields } from '@app/auth';
import type { Params } from 'nestjs-pino';
import type { ProtectedApiConfig } from '../config/protected-api-config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SECRET_QUERY_PARAMS =
  /([?&](?:access_token|id_token|refresh_token|token|code|client_secret|client_assertion)=)[^&#]*/gi;
const PROBES = new Set(['/healthz', '/readyz']);

export function maskUrl(url: string | undefined): string | undefined {
  return url?.includes('?') ? url.replace(SECRET_QUERY_PARAMS, '$1[REDACTED]') : url;
}

export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('x-request-id', id);
  return id;
}

export function loggerParams(config: ProtectedApiConfig): Params {
  const options = {
    level: config.logLevel,
    genReqId: requestId,
    // Probes would drown the request log.
    autoLogging: { ignore: (request: IncomingMessage) => PROBES.has(request.url ?? '') },
    // Added to the completion line itself: customProps would make pino-http create a child logger per request.
    customSuccessObject: (request: IncomingMessage, _response: ServerResponse, line: object) =>
      Object.assign(line, authLogFields(request)),
    customErrorObject: (
      request: IncomingMessage,
      _response: ServerResponse,
      _error: Error,
      line: object,
    ) => Object.assign(line, authLogFields(request)),
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: maskUrl(request.url),
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  } satisfies Params['pinoHttp'];
  return { pinoHttp: config.logDestination ? [options, config.logDestination] : options };
}
