// protected-api's logging: one pino logger, one JSON line per request with its id and the caller
// (appId/objectId) or the code of the refusal. Headers are not logged at all (the Authorization
// header carries the token), token-like query parameters are masked in the logged URL, and any
// JWT-shaped text in any line is masked.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { authLogFields } from '@app/auth';
import { maskJwts } from '@app/logging';
import type { onRequestHookHandler } from 'fastify';
import type { Params } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import type { ProtectedApiConfig } from '../config/protected-api-config.js';
import { writtenPerTurn } from './stdout-per-turn.js';

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

/**
 * The request's id: the caller's `x-request-id` when it is a plausible id, else a new UUID
 * (Fastify's `genReqId`: the id is `request.id`).
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The one pino logger of the app: Nest's log lines (through nestjs-pino) and the request lines.
 * Every serialized line passes through maskJwts, at every level: no JWT-shaped text reaches the
 * log (URL path, message, ...). stdout is written once per event-loop turn (stdout-per-turn.ts).
 */
export function createAppLogger(config: ProtectedApiConfig): Logger {
  return pino(
    { level: config.logLevel, hooks: { streamWrite: maskJwts } },
    config.logDestination ?? writtenPerTurn(),
  );
}

/**
 * nestjs-pino for Nest's own log lines only (`forRoutes: []`): its per-request middleware
 * (pino-http) builds a child logger and an async-context store for every request, which cost a
 * third of a plain NestJS request (bench/README.md). The request lines come from
 * requestLogHook instead.
 */
export function loggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}

const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');

/**
 * One JSON line per request, when its response is done: request id (x-request-id, echoed), method,
 * masked URL, status, duration, and the caller (appId/objectId) or the code of the refusal.
 * Headers are not logged at all (the Authorization header carries the token). Probes are not
 * logged (they would drown the log). An `onRequest` hook: it sees every request, the ones refused
 * before a route (404, unreadable bodies) too.
 */
export function requestLogHook(logger: Logger): onRequestHookHandler {
  return (request, reply, done) => {
    const startedAt = Date.now();
    const { id, url } = request;
    const response = reply.raw;
    reply.header('x-request-id', id);
    if (!PROBES.has(url)) {
      response.once('close', () => {
        const status = response.statusCode;
        logger[levelOf(status)](
          {
            req: { id, method: request.method, url: maskUrl(url) },
            res: { statusCode: status },
            responseTime: Date.now() - startedAt,
            ...authLogFields(request),
          },
          response.writableFinished ? 'request completed' : 'request aborted',
        );
      });
    }
    done();
  };
}
