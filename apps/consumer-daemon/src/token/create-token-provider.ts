import type { DaemonConfig } from '../config/daemon-config.js';
import { FederatedTokenProvider } from './federated-token-provider.js';
import { ManagedIdentityTokenProvider } from './managed-identity-token-provider.js';
import type { CredentialTokenProvider, TokenProvider } from './token-provider.js';

export function createTokenProvider(config: DaemonConfig): TokenProvider {
  const provider = credentialTokenProvider(config);
  provider.reacquireMinIntervalMs = config.reacquireMinIntervalMs;
  return provider;
}

function credentialTokenProvider(config: DaemonConfig): CredentialTokenProvider {
  if (config.mode === 'federated') {
    if (!config.federated)
      throw new Error(
        'federated mode without FIC settings (parseDaemonConfig should have refused this)',
      );
    return new FederatedTokenProvider(
      config.apiScope,
      config.federated,
      config.managedIdentityClientId,
    );
  }
  return new ManagedIdentityTokenProvider(config.apiScope, config.managedIdentityClientId);
}
