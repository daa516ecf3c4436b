import type { EntraAccessTokenClaims, EntraTokenVersion } from './entra-access-token-claims.js';

/** The authenticated caller of a request, derived from a validated access token. */
export interface CallerPrincipal {
  /** Client id of the calling application (`appid` in v1, `azp` in v2). */
  readonly appId: string;
  /** Object id of the caller (the service principal for app-only tokens). */
  readonly objectId: string;
  readonly tenantId: string;
  /** App roles (`roles`); they authorize app-only tokens. */
  readonly roles: readonly string[];
  /** Delegated scopes (`scp`, space separated in the token); empty on app-only tokens. */
  readonly scopes: readonly string[];
  readonly tokenVersion: EntraTokenVersion;
  /** True when no user is involved: `idtyp === 'app'`, or `oid === sub` when `idtyp` is absent. */
  readonly isAppOnly: boolean;
  /** Every claim of the validated token, for the rare handler that needs more. */
  readonly claims: Readonly<EntraAccessTokenClaims>;
}

export function isAppOnlyToken(
  claims: Pick<EntraAccessTokenClaims, 'idtyp' | 'oid' | 'sub'>,
): boolean {
  if (claims.idtyp !== undefined) return claims.idtyp === 'app';
  return claims.oid === claims.sub;
}

export function toCallerPrincipal(claims: EntraAccessTokenClaims): CallerPrincipal {
  // Frozen: one principal may serve many requests (see VerifiedTokenCache).
  return Object.freeze({
    appId: claims.ver === '1.0' ? claims.appid : claims.azp,
    objectId: claims.oid,
    tenantId: claims.tid,
    roles: Object.freeze([...(claims.roles ?? [])]),
    scopes: Object.freeze(claims.scp ? claims.scp.split(' ').filter(Boolean) : []),
    tokenVersion: claims.ver,
    isAppOnly: isAppOnlyToken(claims),
    claims: Object.freeze(claims),
  });
}
