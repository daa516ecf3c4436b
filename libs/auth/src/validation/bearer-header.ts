// Takes the access token from the Authorization header, and only from there (RFC 6750 section 2.1).
// A token offered in the query string or a form body is refused, not ignored, so that the caller
// learns why; it must not end up in URLs, logs or caches.
import { TokenValidationError } from '../errors/token-validation-error.js';

export interface BearerRequest {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  /** Fastify's request: Node's message (with its rawHeaders) is `raw`. */
  raw?: { rawHeaders?: string[] };
  query?: unknown;
  body?: unknown;
}

const BEARER = /^bearer$/i;

function carriesAccessToken(container: unknown): boolean {
  return typeof container === 'object' && container !== null && 'access_token' in container;
}

/**
 * The Authorization header line(s). Read from rawHeaders when available: Node builds the
 * `headers` object lazily, on first read, and nothing else on the hot path needs it.
 */
function authorizationHeaders(request: BearerRequest): (string | undefined)[] {
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders;
  if (!rawHeaders) {
    const header = request.headers.authorization;
    return Array.isArray(header) ? header : [header];
  }
  const found: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization') found.push(rawHeaders[i + 1]);
  }
  return found.length === 0 ? [undefined] : found;
}

export function extractBearerToken(request: BearerRequest): string {
  // Express parses the query string on every read of `query`: only read it when there is one.
  const hasQuery = request.url === undefined || request.url.includes('?');
  if ((hasQuery && carriesAccessToken(request.query)) || carriesAccessToken(request.body)) {
    throw new TokenValidationError(
      'ERR_TOKEN_NOT_IN_HEADER',
      'access tokens are accepted only in the Authorization header, never in the query string or body',
    );
  }
  const headers = authorizationHeaders(request);
  if (headers.length > 1)
    throw new TokenValidationError(
      'ERR_AUTH_HEADER_MALFORMED',
      'more than one Authorization header',
    );
  const header = headers[0]?.trim();
  if (!header) {
    throw new TokenValidationError(
      'ERR_TOKEN_MISSING',
      'no Authorization header; send "Authorization: Bearer <access token>"',
    );
  }
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (!BEARER.test(scheme)) {
    throw new TokenValidationError(
      'ERR_AUTH_SCHEME_UNSUPPORTED',
      'the Authorization header must use the Bearer scheme',
    );
  }
  const token = space < 0 ? '' : header.slice(space + 1).trim();
  // The characters of the token are checked by the validator (on a cache miss only: this is the hot path).
  if (token.length === 0 || token.includes(' ') || token.includes(',')) {
    throw new TokenValidationError(
      'ERR_AUTH_HEADER_MALFORMED',
      'the Authorization header must be "Bearer " followed by one token',
    );
  }
  return token;
}
