// Signs access tokens shaped like Entra's. The token version follows the *resource* app's
// requestedAccessTokenVersion: v1 (null/1) -> sts.windows.net issuer, appid/appidacr, kid + x5t;
// v2 -> {authority}/{tid}/v2.0 issuer, aud = resource appId, azp/azpacr, kid.
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { TokenIssuanceLog } from '../admin/token-issuance-log.js';
import { PublicEndpoints } from '../config/public-endpoints.js';
import type { ResolvedResource } from '../directory/identity-directory.js';
import type { Tenant } from '../directory/directory.types.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';

export interface TokenCaller {
  kind: 'managed-identity' | 'application';
  displayName: string;
  /** Client id of the caller (managed identity clientId or app registration appId). */
  appId: string;
  /** Object id of the caller's principal (managed identity principalId or service principal objectId). */
  principalId: string;
  /** appidacr/azpacr: "1" client secret, "2" certificate or assertion (managed identities use "2"). */
  authenticationClass: '1' | '2';
  /** ARM id of a managed identity (claim xms_mirid). */
  managedIdentityResourceId?: string;
}

export interface TokenRequest {
  tenant: Tenant;
  resource: ResolvedResource;
  caller: TokenCaller;
  roles: string[];
  lifetimeSeconds: number;
}

export interface IssuedToken {
  accessToken: string;
  version: '1.0' | '2.0';
  audience: string;
  issuedAt: number;
  expiresOn: number;
  kid: string;
}

export const ISSUED_AT_BACKDATE_SECONDS = 300;

@Injectable()
export class TokenFactory {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly endpoints: PublicEndpoints,
    private readonly issuances: TokenIssuanceLog,
  ) {}

  async issue(request: TokenRequest): Promise<IssuedToken> {
    const { tenant, resource, caller, roles } = request;
    const version = resource.app.requestedAccessTokenVersion === 2 ? '2.0' : '1.0';
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = now + request.lifetimeSeconds;
    // Entra backdates iat/nbf by about five minutes (tolerance for clients whose clocks run behind).
    const issuedAt = now - ISSUED_AT_BACKDATE_SECONDS;
    const audience = version === '2.0' ? resource.app.appId : resource.requestedAs;
    const key = this.keys.signingKey;

    const claims: Record<string, unknown> = {
      aud: audience,
      iss:
        version === '2.0'
          ? this.endpoints.v2Issuer(tenant.tenantId)
          : this.endpoints.v1Issuer(tenant.tenantId),
      iat: issuedAt,
      nbf: issuedAt,
      exp: expiresOn,
      ...(version === '2.0'
        ? { azp: caller.appId, azpacr: caller.authenticationClass }
        : {
            appid: caller.appId,
            appidacr: caller.authenticationClass,
            idp: this.endpoints.v1Issuer(tenant.tenantId),
          }),
      idtyp: 'app',
      oid: caller.principalId,
      ...(roles.length > 0 ? { roles } : {}),
      sub: caller.principalId,
      tid: tenant.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: version,
      ...(caller.managedIdentityResourceId ? { xms_mirid: caller.managedIdentityResourceId } : {}),
    };
    const header =
      version === '2.0'
        ? { alg: 'RS256', typ: 'JWT', kid: key.kid }
        : { alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.x5t };
    const accessToken = await new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);

    this.issuances.record({
      tenantId: tenant.tenantId,
      caller: caller.displayName,
      callerKind: caller.kind,
      clientId: caller.appId,
      principalId: caller.principalId,
      resource: resource.app.displayName,
      audience,
      roles,
      tokenVersion: version,
      kid: key.kid,
      expiresOn,
      header,
      claims,
    });
    return { accessToken, version, audience, issuedAt: now, expiresOn, kid: key.kid };
  }
}
