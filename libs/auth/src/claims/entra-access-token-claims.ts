// Claim shapes of Entra ID access tokens as the resource server receives them. v1 tokens carry the
// caller in `appid`/`appidacr`, v2 tokens in `azp`/`azpacr`; the rest is common.

export type EntraTokenVersion = '1.0' | '2.0';

export interface EntraCommonClaims {
  aud: string;
  iss: string;
  iat?: number;
  nbf?: number;
  exp: number;
  /** Object id of the caller: the service principal for app-only tokens. */
  oid: string;
  sub: string;
  tid: string;
  /** Assigned app roles; absent when the caller holds none. */
  roles?: string[];
  /** Delegated scopes (space separated); absent on app-only tokens. */
  scp?: string;
  /** Optional claim `idtyp`: 'app' for app-only tokens, 'user' for delegated ones. */
  idtyp?: 'app' | 'user' | string;
  uti?: string;
  rh?: string;
  [claim: string]: unknown;
}

export interface EntraV1AccessTokenClaims extends EntraCommonClaims {
  ver: '1.0';
  appid: string;
  /** 0 public client, 1 secret, 2 certificate or federated assertion. */
  appidacr?: '0' | '1' | '2' | string;
}

export interface EntraV2AccessTokenClaims extends EntraCommonClaims {
  ver: '2.0';
  azp: string;
  azpacr?: '0' | '1' | '2' | string;
}

export type EntraAccessTokenClaims = EntraV1AccessTokenClaims | EntraV2AccessTokenClaims;

/** Header parameters Entra puts on its access tokens. */
export interface EntraAccessTokenHeader {
  alg: 'RS256';
  kid: string;
  typ?: string;
  /** v1 tokens also carry the certificate thumbprint. */
  x5t?: string;
}
