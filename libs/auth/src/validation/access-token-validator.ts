// Validates an Entra access token the way Microsoft.Identity.Web does: RS256 signature by a key of
// the authority's JWKS (by kid), issuer of the token's version, tenant, audience, lifetime, caller.
// Cheap structural checks come first so that garbage never costs a key lookup or a signature check.
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, flattenedVerify, type CryptoKey } from 'jose';
import { AUTH_OPTIONS } from '../auth.constants.js';
import { EntraAuthority } from '../authority/entra-authority.js';
import { toCallerPrincipal, type CallerPrincipal } from '../claims/caller-principal.js';
import type {
  EntraAccessTokenClaims,
  EntraTokenVersion,
} from '../claims/entra-access-token-claims.js';
import { isGuid, normalizeAudience, type ResolvedAuthOptions } from '../config/auth-options.js';
import {
  TokenValidationError,
  type TokenValidationErrorCode,
} from '../errors/token-validation-error.js';
import type { IssuerTemplate } from '../metadata/issuer-template.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALLOWED_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
// Header parameters that would let the token choose its own key, or change how it is processed.
const FORBIDDEN_HEADER_PARAMS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'enc', 'zip'] as const;

function fail(code: TokenValidationErrorCode, message: string): never {
  throw new TokenValidationError(code, message);
}

/** A value echoed in a message: short, printable. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function decodeJsonSegment(segment: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) fail('ERR_TOKEN_MALFORMED', `the JWT ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    fail('ERR_TOKEN_MALFORMED', `the JWT ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('ERR_TOKEN_MALFORMED', `the JWT ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkHeader(header: Record<string, unknown>): string {
  if (header.alg !== 'RS256')
    fail(
      'ERR_ALG_NOT_ALLOWED',
      `alg ${shown(header.alg)} is not accepted; tokens must be signed with RS256`,
    );
  for (const param of FORBIDDEN_HEADER_PARAMS) {
    if (param in header)
      fail('ERR_HEADER_PARAM_NOT_ALLOWED', `the JWT header parameter "${param}" is not accepted`);
  }
  if (
    header.typ !== undefined &&
    (typeof header.typ !== 'string' || !ALLOWED_TYPES.has(header.typ.toLowerCase()))
  ) {
    fail('ERR_TOKEN_TYPE_INVALID', `typ ${shown(header.typ)} is not an access token type`);
  }
  const { kid } = header;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)
    fail('ERR_KID_MISSING', 'the JWT header has no usable kid');
  return kid;
}

function requireString(claims: Record<string, unknown>, name: string): void {
  const value = claims[name];
  if (value === undefined) fail('ERR_CLAIM_MISSING', `the token has no "${name}" claim`);
  if (typeof value !== 'string' || value.length === 0)
    fail('ERR_CLAIM_INVALID', `the "${name}" claim must be a non-empty string`);
}

function optionalNumber(claims: Record<string, unknown>, name: string): void {
  const value = claims[name];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    fail('ERR_CLAIM_INVALID', `the "${name}" claim must be a NumericDate`);
  }
}

function checkClaimTypes(
  claims: Record<string, unknown>,
  version: EntraTokenVersion,
): EntraAccessTokenClaims {
  if (claims.exp === undefined) fail('ERR_CLAIM_MISSING', 'the token has no "exp" claim');
  for (const name of ['exp', 'nbf', 'iat']) optionalNumber(claims, name);
  for (const name of ['iss', 'tid', 'oid', 'sub', version === '1.0' ? 'appid' : 'azp'])
    requireString(claims, name);
  const { aud, roles, idtyp } = claims;
  if (aud === undefined) fail('ERR_CLAIM_MISSING', 'the token has no "aud" claim');
  if (
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.length > 0 && aud.every((entry) => typeof entry === 'string'))
  ) {
    fail('ERR_CLAIM_INVALID', 'the "aud" claim must be a string');
  }
  if (
    roles !== undefined &&
    !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))
  ) {
    fail('ERR_CLAIM_INVALID', 'the "roles" claim must be an array of strings');
  }
  if (idtyp !== undefined && typeof idtyp !== 'string')
    fail('ERR_CLAIM_INVALID', 'the "idtyp" claim must be a string');
  return claims as EntraAccessTokenClaims;
}

@Injectable()
export class AccessTokenValidator {
  private readonly verified: VerifiedTokenCache;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly authority: EntraAuthority,
  ) {
    this.verified = new VerifiedTokenCache(options.verifiedTokenCacheSize);
  }

  /**
   * The caller of a valid token; throws (or rejects with) a TokenValidationError otherwise.
   * A token validated before is answered synchronously: no promise on the hot path.
   */
  validate(token: string): CallerPrincipal | Promise<CallerPrincipal> {
    if (token.length > this.options.maxTokenLength) {
      fail(
        'ERR_TOKEN_TOO_LARGE',
        `the token is longer than ${this.options.maxTokenLength} characters`,
      );
    }
    const cached = this.verified.get(token);
    if (!cached) return this.validateUncached(token);
    try {
      this.checkLifetime(cached.principal.claims);
    } catch (error) {
      this.verified.delete(token);
      throw error;
    }
    return cached.principal;
  }

  /**
   * The caller of a token this validator accepted before and that is still valid; undefined when
   * the token has to go through validate() (or the passport strategy, which calls it).
   */
  remembered(token: string): CallerPrincipal | undefined {
    if (token.length > this.options.maxTokenLength) return undefined;
    const cached = this.verified.get(token);
    if (!cached) return undefined;
    const { exp, nbf } = cached.principal.claims;
    const now = Date.now() / 1000;
    const skew = this.options.clockSkewSeconds;
    return exp + skew > now && (nbf === undefined || nbf - skew <= now)
      ? cached.principal
      : undefined;
  }

  private async validateUncached(token: string): Promise<CallerPrincipal> {
    const parts = token.split('.');
    if (parts.length === 5) fail('ERR_TOKEN_MALFORMED', 'encrypted tokens (JWE) are not accepted');
    if (parts.length !== 3) fail('ERR_TOKEN_MALFORMED', 'a JWT has three dot-separated parts');
    const [protectedHeader, payload, signature] = parts;

    const kid = checkHeader(decodeJsonSegment(protectedHeader, 'header'));
    const claims = decodeJsonSegment(payload, 'payload');
    if (!BASE64URL.test(signature))
      fail('ERR_SIGNATURE_INVALID', 'the JWT signature is missing or not base64url');
    // The decoder ignores the unused low bits of the last character, so one signature has several
    // spellings; each would verify and take its own verified-token cache entry. Only the canonical
    // one is accepted (cache hits need no such check: they match a token that passed it).
    if (Buffer.from(signature, 'base64url').toString('base64url') !== signature)
      fail('ERR_TOKEN_MALFORMED', 'the JWT signature is not canonical base64url');
    const version = claims.ver;
    if (version !== '1.0' && version !== '2.0') {
      fail('ERR_VERSION_UNSUPPORTED', `token version (ver) ${shown(version)} is not 1.0 or 2.0`);
    }

    const authority = this.authority.forVersion(version);
    const { keys } = authority;
    const key = await keys.getKey(kid);
    await this.verifySignature(protectedHeader, payload, signature, key);

    const checked = checkClaimTypes(claims, version);
    this.checkLifetime(checked);
    this.checkIssuerAndTenant(checked, authority.issuer);
    this.checkAudience(checked.aud);
    const principal = toCallerPrincipal(checked);
    if (
      this.options.allowedClientIds &&
      !this.options.allowedClientIds.has(principal.appId.toLowerCase())
    ) {
      fail(
        'ERR_CLIENT_NOT_ALLOWED',
        `the calling application ${shown(principal.appId)} is not allowed to call this API`,
      );
    }
    this.verified.set({ token, principal, kid, key, keys });
    return principal;
  }

  private async verifySignature(
    protectedHeader: string,
    payload: string,
    signature: string,
    key: CryptoKey,
  ): Promise<void> {
    try {
      await flattenedVerify({ protected: protectedHeader, payload, signature }, key, {
        algorithms: ['RS256'],
      });
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        fail('ERR_SIGNATURE_INVALID', 'the token signature is invalid');
      throw error;
    }
  }

  private checkLifetime(claims: EntraAccessTokenClaims): void {
    const now = Date.now() / 1000;
    const skew = this.options.clockSkewSeconds;
    if (claims.exp + skew <= now) fail('ERR_TOKEN_EXPIRED', 'the token has expired');
    if (claims.nbf !== undefined && claims.nbf - skew > now)
      fail('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet (nbf)');
  }

  private checkIssuerAndTenant(claims: EntraAccessTokenClaims, issuer: IssuerTemplate): void {
    const { tid, iss } = claims;
    if (!isGuid(tid)) fail('ERR_TENANT_INVALID', `the "tid" claim ${shown(tid)} is not a GUID`);
    const issuerTenant = issuer.tenantOf(iss);
    if (issuerTenant === undefined)
      fail(
        'ERR_ISSUER_INVALID',
        `issuer ${shown(iss)} is not a v${claims.ver} issuer of this authority`,
      );
    if (issuerTenant.toLowerCase() !== tid.toLowerCase())
      fail('ERR_TENANT_MISMATCH', 'the "tid" claim does not match the tenant of the issuer');
    if (!this.options.allowedTenants.has(tid.toLowerCase()))
      fail('ERR_TENANT_NOT_ALLOWED', `tenant ${tid} is not allowed`);
  }

  private checkAudience(aud: string | string[]): void {
    const audiences = typeof aud === 'string' ? [aud] : aud;
    if (!audiences.some((entry) => this.options.audiences.has(normalizeAudience(entry)))) {
      fail('ERR_AUDIENCE_INVALID', `audience ${shown(aud)} is not this API`);
    }
  }
}
