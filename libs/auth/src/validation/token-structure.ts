// Stage 1 of validation: the compact JWS itself, before any key or claim is looked at. Cheap checks
// only, so that garbage never costs a key lookup or a signature verification.
import type { EntraTokenVersion } from '../claims/entra-access-token-claims.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { shown } from './shown.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALLOWED_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
// Header parameters that would let the token choose its own key, or change how it is processed.
const FORBIDDEN_HEADER_PARAMS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'enc', 'zip'] as const;

/** A token whose shape and header are acceptable; its signature and claims are not checked yet. */
export interface TokenStructure {
  /** The three base64url segments, as the signature check takes them. */
  protectedHeader: string;
  payload: string;
  signature: string;
  kid: string;
  version: EntraTokenVersion;
  /** The decoded payload: a JSON object, nothing more is known yet. */
  claims: Record<string, unknown>;
}

function malformed(message: string): never {
  throw new TokenValidationError('ERR_TOKEN_MALFORMED', message);
}

function decodeJsonSegment(segment: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) malformed(`the JWT ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    malformed(`the JWT ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    malformed(`the JWT ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The kid of an acceptable header: RS256, no key-choosing parameters, an access token `typ`. */
function checkHeader(header: Record<string, unknown>): string {
  if (header.alg !== 'RS256') {
    throw new TokenValidationError(
      'ERR_ALG_NOT_ALLOWED',
      `alg ${shown(header.alg)} is not accepted; tokens must be signed with RS256`,
      { claim: 'alg' },
    );
  }
  for (const param of FORBIDDEN_HEADER_PARAMS) {
    if (param in header) {
      throw new TokenValidationError(
        'ERR_HEADER_PARAM_NOT_ALLOWED',
        `the JWT header parameter "${param}" is not accepted`,
        { claim: param },
      );
    }
  }
  const { typ, kid } = header;
  if (typ !== undefined && (typeof typ !== 'string' || !ALLOWED_TYPES.has(typ.toLowerCase()))) {
    throw new TokenValidationError(
      'ERR_TOKEN_TYPE_INVALID',
      `typ ${shown(typ)} is not an access token type`,
      { claim: 'typ' },
    );
  }
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) {
    throw new TokenValidationError('ERR_KID_MISSING', 'the JWT header has no usable kid', {
      claim: 'kid',
    });
  }
  return kid;
}

export function parseTokenStructure(token: string): TokenStructure {
  const parts = token.split('.');
  if (parts.length === 5) malformed('encrypted tokens (JWE) are not accepted');
  if (parts.length !== 3) malformed('a JWT has three dot-separated parts');
  const [protectedHeader, payload, signature] = parts;

  const kid = checkHeader(decodeJsonSegment(protectedHeader, 'header'));
  const claims = decodeJsonSegment(payload, 'payload');
  if (!BASE64URL.test(signature)) {
    throw new TokenValidationError(
      'ERR_SIGNATURE_INVALID',
      'the JWT signature is missing or not base64url',
    );
  }
  // The decoder ignores the unused low bits of the last character, so one signature has several
  // spellings; each would verify and take its own verified-token cache entry. Only the canonical
  // one is accepted (cache hits need no such check: they match a token that passed it).
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature)
    malformed('the JWT signature is not canonical base64url');
  const version = claims.ver;
  if (version !== '1.0' && version !== '2.0') {
    throw new TokenValidationError(
      'ERR_VERSION_UNSUPPORTED',
      `token version (ver) ${shown(version)} is not 1.0 or 2.0`,
      { claim: 'ver' },
    );
  }
  return { protectedHeader, payload, signature, kid, version, claims };
}
