// Stage 4 of validation: the claims say this token is for this API, now, from an allowed tenant and
// caller. Lifetime is also what a remembered token is rechecked against on every use.
import type { EntraAccessTokenClaims } from '../claims/entra-access-token-claims.js';
import {
  ANY_TENANT,
  isGuid,
  normalizeAudience,
  type ResolvedAuthOptions,
} from '../config/auth-options.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { IssuerTemplate } from '../metadata/issuer-template.js';
import { shown } from './shown.js';

export type ClaimPolicyOptions = Pick<
  ResolvedAuthOptions,
  'clockSkewSeconds' | 'allowedTenants' | 'audiences' | 'allowedClientIds' | 'tenantId'
>;

/** `exp` and `nbf`, with the clock skew. */
export function checkLifetime(
  { exp, nbf }: Pick<EntraAccessTokenClaims, 'exp' | 'nbf'>,
  clockSkewSeconds: number,
  nowSeconds = Date.now() / 1000,
): void {
  if (exp + clockSkewSeconds <= nowSeconds) {
    throw new TokenValidationError('ERR_TOKEN_EXPIRED', 'the token has expired', { claim: 'exp' });
  }
  if (nbf !== undefined && nbf - clockSkewSeconds > nowSeconds) {
    throw new TokenValidationError('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet (nbf)', {
      claim: 'nbf',
    });
  }
}

/**
 * `iss` has the shape of the token version's issuer, `tid` is the issuer's tenant (a GUID), and
 * that tenant is allowed. With ANY_TENANT this is what MIW's AadIssuerValidator does per token.
 */
export function checkIssuerAndTenant(
  { tid, iss, ver }: Pick<EntraAccessTokenClaims, 'tid' | 'iss' | 'ver'>,
  issuer: IssuerTemplate,
  allowedTenants: ResolvedAuthOptions['allowedTenants'],
): void {
  if (!isGuid(tid)) {
    throw new TokenValidationError(
      'ERR_TENANT_INVALID',
      `the "tid" claim ${shown(tid)} is not a GUID`,
      { claim: 'tid' },
    );
  }
  const issuerTenant = issuer.tenantOf(iss);
  if (issuerTenant === undefined) {
    throw new TokenValidationError(
      'ERR_ISSUER_INVALID',
      `issuer ${shown(iss)} is not a v${ver} issuer of this authority`,
      { claim: 'iss' },
    );
  }
  if (issuerTenant.toLowerCase() !== tid.toLowerCase()) {
    throw new TokenValidationError(
      'ERR_TENANT_MISMATCH',
      'the "tid" claim does not match the tenant of the issuer',
      { claim: 'tid' },
    );
  }
  if (allowedTenants !== ANY_TENANT && !allowedTenants.has(tid.toLowerCase())) {
    throw new TokenValidationError('ERR_TENANT_NOT_ALLOWED', `tenant ${tid} is not allowed`, {
      claim: 'tid',
    });
  }
}

/**
 * A key that names its issuer (Entra's v2 keys: `https://login.microsoftonline.com/{tenantid}/v2.0`)
 * signs only tokens of that issuer: a key of one cloud or tenant cannot vouch for another's tokens.
 * A tenant's own JWKS names that tenant where `common` has `{tenantid}`: the home tenant is read as
 * the placeholder (as for metadata issuers), so that multi-tenant APIs accept partner tenants' tokens.
 * v1 tokens are signed by the same keys, whose issuer has the v2 form: like Microsoft.Identity.Web,
 * compare the key's issuer with the v2 issuer of the token's tenant then.
 */
export function checkSigningKeyIssuer(
  { iss, tid, ver }: Pick<EntraAccessTokenClaims, 'iss' | 'tid' | 'ver'>,
  keyIssuer: string | undefined,
  homeTenantId: string,
  v2Metadata: IssuerTemplate | undefined,
): void {
  if (keyIssuer === undefined) return;
  const expected = new IssuerTemplate(keyIssuer, homeTenantId).issuerFor(tid);
  const tokenIssuer = ver === '1.0' && v2Metadata ? v2Metadata.issuerFor(tid) : iss;
  if (tokenIssuer.toLowerCase() !== expected.toLowerCase()) {
    throw new TokenValidationError(
      'ERR_ISSUER_INVALID',
      `issuer ${shown(iss)} is not the issuer of the signing key (${shown(expected)})`,
      { claim: 'iss' },
    );
  }
}

export function checkAudience(
  aud: string | string[],
  audiences: ResolvedAuthOptions['audiences'],
): void {
  const offered = typeof aud === 'string' ? [aud] : aud;
  if (!offered.some((entry) => audiences.has(normalizeAudience(entry)))) {
    throw new TokenValidationError(
      'ERR_AUDIENCE_INVALID',
      `audience ${shown(aud)} is not this API`,
      { claim: 'aud' },
    );
  }
}

/** The calling application (`appid` / `azp`) is in the allow-list, when there is one. */
export function checkCaller(
  claims: EntraAccessTokenClaims,
  allowedClientIds: ResolvedAuthOptions['allowedClientIds'],
): void {
  if (!allowedClientIds) return;
  const [claim, appId] = claims.ver === '1.0' ? ['appid', claims.appid] : ['azp', claims.azp];
  if (!allowedClientIds.has(appId.toLowerCase())) {
    throw new TokenValidationError(
      'ERR_CLIENT_NOT_ALLOWED',
      `the calling application ${shown(appId)} is not allowed to call this API`,
      { claim },
    );
  }
}

export interface IssuerSources {
  /** The issuer of the metadata document of the token's version. */
  metadata: IssuerTemplate;
  /** The `issuer` of the JWK that verified the signature, when it has one. */
  signingKey?: string;
  /** The v2 issuer, that a v1 token's signing key names (when v2 metadata is loaded). */
  v2Metadata?: IssuerTemplate;
}

export function checkClaimPolicy(
  claims: EntraAccessTokenClaims,
  issuers: IssuerSources,
  options: ClaimPolicyOptions,
): void {
  checkLifetime(claims, options.clockSkewSeconds);
  checkIssuerAndTenant(claims, issuers.metadata, options.allowedTenants);
  checkSigningKeyIssuer(claims, issuers.signingKey, options.tenantId, issuers.v2Metadata);
  checkAudience(claims.aud, options.audiences);
  checkCaller(claims, options.allowedClientIds);
}
