// Takes the access token from the Authorization header, and only from there (RFC 6750 section 2.1).
// A token offered in the query string or a form body is refused, not ignored, so that the caller
// learns why; it must not end up in URLs, logs or caches.
import { TokenValidationError } from '../errors/token-validation-error.js';

export interface BearerRequest {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  query?: unknown;
  body?: unknown;
}

const BEARER = /^bearer$/i;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

function carriesAccessToken(container: unknown): boolean {
  return typeof container === 'object' && container !== null && 'access_token' in container;
}

function countAuthorizationHeaders(rawHeaders: string[] | undefined): number {
  if (!rawHeaders) return 1;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 13 && rawHeaders[i].toLowerCase() === 'authorization') count++;
  }
  return count;
}

export function extractBearerToken(request: BearerRequest): string {
  if (carriesAccessToken(request.query) || carriesAccessToken(request.body)) {
    throw new TokenValidationError(
      'ERR_TOKEN_NOT_IN_HEADER',
      'access tokens are accepted only in the Authorization header, never in the query string or body',
    );
  }
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new TokenValidationError('ERR_TOKEN_MISSING', 'no Authorization header; send "Authorization: Bearer <access token>"');
  }
  if (typeof header !== 'string' || countAuthorizationHeaders(request.rawHeaders) > 1) {
    throw new TokenValidationError('ERR_AUTH_HEADER_MALFORMED', 'more than one Authorization header');
  }
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (!BEARER.test(scheme)) {
    throw new TokenValidationError('ERR_AUTH_SCHEME_UNSUPPORTED', 'the Authorization header must use the Bearer scheme');
  }
  const token = space < 0 ? '' : header.slice(space + 1).trim();
  if (!TOKEN68.test(token)) {
    throw new TokenValidationError('ERR_AUTH_HEADER_MALFORMED', 'the Authorization header must be "Bearer " followed by one token');
  }
  return token;
}
