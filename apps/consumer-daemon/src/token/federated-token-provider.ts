import {
  ClientAssertionCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import type { FederatedConfig } from '../config/daemon-config.js';
import { ManagedIdentityRefresh } from './managed-identity-refresh.js';
import { CredentialTokenProvider } from './token-provider.js';

/** The audience Entra expects in a managed-identity token used as a federated credential. */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

/**
 * Managed identity as a federated identity credential of an app registration: the MI token for
 * api://AzureADTokenExchange is the client_assertion of a client-credentials request, and the API
 * sees the app registration (FIC_CLIENT_ID) as the caller. No secret exists anywhere.
 *
 * Each ClientAssertionCredential has its own MSAL confidential-client cache, so the credential
 * built by reacquire() really asks the token endpoint again; the assertion comes from the
 * managed-identity cache (process-wide, valid for hours). When the token endpoint refuses that
 * assertion too (after an emergency key rollover it is signed with a dropped key), it is replaced
 * once by a managed-identity token fresh from the endpoint.
 */
export class FederatedTokenProvider extends CredentialTokenProvider {
  readonly mode = 'federated' as const;
  readonly caller: Readonly<Record<string, string>>;
  private readonly assertionSource: ManagedIdentityCredential;
  private readonly assertionRefresh: ManagedIdentityRefresh;

  constructor(
    scope: string,
    private readonly federated: FederatedConfig,
    managedIdentityClientId: string | undefined,
  ) {
    super(scope);
    this.caller = {
      managedIdentity: managedIdentityClientId ?? 'system-assigned',
      appRegistration: federated.clientId,
      tenant: federated.tenantId,
    };
    this.assertionSource = managedIdentityClientId
      ? new ManagedIdentityCredential({ clientId: managedIdentityClientId })
      : new ManagedIdentityCredential();
    this.assertionRefresh = new ManagedIdentityRefresh(managedIdentityClientId);
  }

  protected override async freshToken(): Promise<AccessToken> {
    try {
      return await super.freshToken();
    } catch {
      // Fills the shared managed-identity cache, which assertion() reads.
      await this.assertionRefresh.refresh(TOKEN_EXCHANGE_SCOPE);
      return super.freshToken();
    }
  }

  protected createCredential(): TokenCredential {
    return new ClientAssertionCredential(
      this.federated.tenantId,
      this.federated.clientId,
      () => this.assertion(),
      {
        authorityHost: this.federated.authorityHost,
        // Without this msal asks login.microsoftonline.com to validate any other authority host.
        disableInstanceDiscovery: true,
      },
    );
  }

  private async assertion(): Promise<string> {
    return (await this.assertionSource.getToken(TOKEN_EXCHANGE_SCOPE)).token;
  }
}
