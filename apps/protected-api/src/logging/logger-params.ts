// nestjs-pino settings: one JSON line per request with its id and the caller (appId/objectId) or
// the code of the refusal. Headers are not logged at all (the Authorization header carries the
// token), and token-like query parameters are masked in the logged URL.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authLogFields } from '@app/auth';
import { maskJwts } from '@app/logging';
import type { Params } from 'nestjs-pino';
import type { ProtectedApiConfig } from '../config/protected-api-config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SECRET_QUERY_PARAMS = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'code',
  'client_secret',
  'client_assertion',
]);
const JWT_LIKE = /eyJ[\w-]*\.[\w-]*/;
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * The URL with secret-looking query values replaced. Names are compared after decoding, as the
 * server itself reads them (`?access%5Ftoken=` is `access_token`), and any JWT-shaped value is
 * masked whatever its name.
 */
export function maskUrl(url: string | undefined): string | undefined {
  const queryStart = url?.indexOf('?') ?? -1;
  if (!url || queryStart < 0) return url;
  const query = [...new URLSearchParams(url.slice(queryStart + 1))];
  const isSecret = ([name, value]: [string, string]) =>
    SECRET_QUERY_PARAMS.has(name.toLowerCase()) || JWT_LIKE.test(value);
  if (!query.some(isSecret)) return url;
  const shown = query.map(
    (pair) =>
      `${encodeURIComponent(pair[0])}=${isSecret(pair) ? '[REDACTED]' : encodeURIComponent(pair[1])}`,
  );
  return `${url.slice(0, queryStart)}?${shown.join('&')}`;
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
    // Every serialized line, at every level: no JWT-shaped text reaches the log (URL path, message...).
    hooks: { streamWrite: maskJwts },
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
