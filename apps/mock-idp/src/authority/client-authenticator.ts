// Authenticates the client of a token request: client secret (post or HTTP Basic) or client
// assertion. Returns the caller that goes into the token.
import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Application, PasswordCredential, Tenant } from '../directory/directory.types.js';
import { EntraErrors } from '../errors/entra-error.js';
import type { TokenCaller } from '../tokens/token-factory.js';
import {
  ClientAssertionVerifier,
  JWT_BEARER_ASSERTION_TYPE,
  type AssertionKind,
} from './client-assertion-verifier.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  clientAssertion?: string;
  clientAssertionType?: string;
}

export interface AuthenticatedClient {
  caller: TokenCaller;
  method: 'client_secret' | AssertionKind;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function secretMatches(credential: PasswordCredential, presented: string): boolean {
  const expected = credential.secretSha256
    ? Buffer.from(credential.secretSha256, 'hex')
    : sha256(credential.secretText ?? '');
  return timingSafeEqual(expected, sha256(presented));
}

@Injectable()
export class ClientAuthenticator {
  constructor(private readonly assertions: ClientAssertionVerifier) {}

  async authenticate(
    tenant: Tenant,
    app: Application,
    credentials: ClientCredentials,
  ): Promise<AuthenticatedClient> {
    const { clientSecret, clientAssertion, clientAssertionType } = credentials;
    // A registration without a service principal in the tenant cannot sign in there.
    const servicePrincipal = app.servicePrincipal;
    if (!servicePrincipal) throw EntraErrors.applicationNotFound(app.appId, tenant.tenantId);
    if (clientSecret !== undefined && clientAssertion !== undefined) {
      throw EntraErrors.invalidParameter(
        'client_assertion',
        "cannot be combined with 'client_secret'",
      );
    }
    const caller = (authenticationClass: '1' | '2'): TokenCaller => ({
      kind: 'application',
      displayName: app.displayName,
      appId: app.appId,
      principalId: servicePrincipal.objectId,
      authenticationClass,
    });
    if (clientSecret !== undefined) {
      this.checkSecret(app, clientSecret);
      return { caller: caller('1'), method: 'client_secret' };
    }
    if (clientAssertion !== undefined) {
      if (clientAssertionType === undefined)
        throw EntraErrors.missingParameter('client_assertion_type');
      if (clientAssertionType !== JWT_BEARER_ASSERTION_TYPE)
        throw EntraErrors.unsupportedAssertionType(clientAssertionType);
      const method = await this.assertions.verify(clientAssertion, tenant, app);
      return { caller: caller('2'), method };
    }
    throw EntraErrors.noClientCredential();
  }

  private checkSecret(app: Application, presented: string): void {
    const matching = app.passwordCredentials.filter((credential) =>
      secretMatches(credential, presented),
    );
    if (matching.length === 0) throw EntraErrors.invalidSecret(app.appId);
    const now = Date.now();
    if (
      matching.every(
        (credential) =>
          credential.endDateTime !== undefined && Date.parse(credential.endDateTime) <= now,
      )
    ) {
      throw EntraErrors.expiredSecret(app.appId);
    }
  }
}
