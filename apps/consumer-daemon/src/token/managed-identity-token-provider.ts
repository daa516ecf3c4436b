import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { CredentialTokenProvider } from './token-provider.js';

/**
 * The API token straight from the platform's managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER
 * on Container Apps and App Service, IMDS on VMs). AZURE_CLIENT_ID picks a user-assigned identity.
 *
 * Re-acquire caveat: msal-node keeps managed-identity tokens in one process-wide cache and
 * @azure/identity 4.14 passes neither forceRefresh nor claims to it, so a new credential instance
 * still returns the cached token until it is within 5 minutes of expiry. A 401 with a cached
 * managed-identity token therefore retries once with the same token; the SDK offers no honest way
 * to force a new one (see the daemon README section of the final report).
 */
export class ManagedIdentityTokenProvider extends CredentialTokenProvider {
  readonly mode = 'managed-identity' as const;
  readonly caller: Readonly<Record<string, string>>;

  constructor(
    scope: string,
    private readonly clientId: string | undefined,
  ) {
    super(scope);
    this.caller = { managedIdentity: clientId ?? 'system-assigned' };
  }

  protected createCredential(): TokenCredential {
    return this.clientId
      ? new ManagedIdentityCredential({ clientId: this.clientId })
      : new ManagedIdentityCredential();
  }
}
