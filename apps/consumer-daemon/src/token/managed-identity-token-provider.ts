import { ManagedIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { ManagedIdentityRefresh } from './managed-identity-refresh.js';
import { CredentialTokenProvider } from './token-provider.js';

/**
 * The API token straight from the platform's managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER
 * on Container Apps and App Service, IMDS on VMs). AZURE_CLIENT_ID picks a user-assigned identity.
 * Tokens come from the SDK's credential (and its cache); after a 401 from msal-node directly, with
 * forceRefresh (see ManagedIdentityRefresh: a new credential instance would share the cached token).
 */
export class ManagedIdentityTokenProvider extends CredentialTokenProvider {
  readonly mode = 'managed-identity' as const;
  readonly caller: Readonly<Record<string, string>>;
  private readonly refresher: ManagedIdentityRefresh;

  constructor(
    scope: string,
    private readonly clientId: string | undefined,
  ) {
    super(scope);
    this.caller = { managedIdentity: clientId ?? 'system-assigned' };
    this.refresher = new ManagedIdentityRefresh(clientId);
  }

  protected createCredential(): TokenCredential {
    return this.clientId
      ? new ManagedIdentityCredential({ clientId: this.clientId })
      : new ManagedIdentityCredential();
  }

  protected override freshToken(): Promise<AccessToken> {
    return this.refresher.refresh(this.scope);
  }
}
