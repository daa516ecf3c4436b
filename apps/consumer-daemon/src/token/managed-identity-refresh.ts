// A managed-identity token that bypasses the cache, for when the API refused the cached one
// (emergency signing-key rollover: the cached token is signed with a key that is gone).
//
// @azure/identity 4.14 passes no `forceRefresh` to msal-node, and a new ManagedIdentityCredential
// does not help: msal keeps managed-identity tokens in one process-wide static cache
// (ManagedIdentityApplication.nodeStorage). msal-node's own ManagedIdentityApplication accepts
// `forceRefresh`: it asks the platform's endpoint (same source detection as the SDK's: the
// IDENTITY_ENDPOINT/IDENTITY_HEADER or IMDS variables) and writes the answer into that shared cache,
// so the SDK's credential hands out the new token from then on. One HTTP request, no internal
// retries: the daemon's own backoff decides when to try again.
import type { AccessToken } from '@azure/identity';
import { ManagedIdentityApplication } from '@azure/msal-node';

export class ManagedIdentityRefresh {
  private readonly msal: ManagedIdentityApplication;

  constructor(clientId: string | undefined) {
    this.msal = new ManagedIdentityApplication({
      managedIdentityIdParams: clientId ? { userAssignedClientId: clientId } : undefined,
      system: { disableInternalRetries: true },
    });
  }

  /** A token for `scope` fresh from the endpoint; also replaces the one in the shared cache. */
  async refresh(scope: string): Promise<AccessToken> {
    const result = await this.msal.acquireToken({ resource: scope, forceRefresh: true });
    if (!result.accessToken || !result.expiresOn)
      throw new Error('the managed-identity endpoint answered without a token or its expiry');
    return {
      token: result.accessToken,
      expiresOnTimestamp: result.expiresOn.getTime(),
      refreshAfterTimestamp: result.refreshOn?.getTime(),
      tokenType: 'Bearer',
    };
  }
}
