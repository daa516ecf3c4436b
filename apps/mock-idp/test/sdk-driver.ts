// Runs the real @azure/identity against a running mock-idp, in its own process: msal-node picks
// the managed-identity source once per process from IDENTITY_ENDPOINT / IDENTITY_HEADER /
// AZURE_POD_IDENTITY_AUTHORITY_HOST, and NODE_EXTRA_CA_CERTS is read only at process start, so
// every scenario gets a fresh process with its own environment (see sdk-process.ts).
//
// Usage: node sdk-driver.ts '<json scenario>'; prints one JSON line with the outcome.
// Runs on Node 24 type stripping: erasable TypeScript only.
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';

export type Scenario =
  | {
      kind: 'managed-identity';
      clientId?: string;
      scope: string;
      calls?: number;
      callTimeoutMs?: number;
    }
  | {
      kind: 'federated';
      tenantId: string;
      clientId: string;
      managedIdentityClientId?: string;
      scope: string;
      authorityHost: string;
      calls?: number;
    }
  | {
      kind: 'client-secret';
      tenantId: string;
      clientId: string;
      secret: string;
      scope: string;
      authorityHost: string;
    }
  | {
      kind: 'client-certificate';
      tenantId: string;
      clientId: string;
      certificatePath: string;
      scope: string;
      authorityHost: string;
    };

export interface DriverOutcome {
  ok: boolean;
  tokens: string[];
  expiresOnTimestamp?: number;
  error?: { name: string; message: string };
  elapsedMs: number;
}

function credentialFor(scenario: Scenario): TokenCredential {
  switch (scenario.kind) {
    case 'managed-identity':
      return scenario.clientId
        ? new ManagedIdentityCredential({ clientId: scenario.clientId })
        : new ManagedIdentityCredential();
    case 'federated': {
      const managedIdentity = scenario.managedIdentityClientId
        ? new ManagedIdentityCredential({ clientId: scenario.managedIdentityClientId })
        : new ManagedIdentityCredential();
      return new ClientAssertionCredential(
        scenario.tenantId,
        scenario.clientId,
        async () => (await managedIdentity.getToken('api://AzureADTokenExchange/.default')).token,
        { authorityHost: scenario.authorityHost, disableInstanceDiscovery: true },
      );
    }
    case 'client-secret':
      return new ClientSecretCredential(scenario.tenantId, scenario.clientId, scenario.secret, {
        authorityHost: scenario.authorityHost,
        disableInstanceDiscovery: true,
      });
    case 'client-certificate':
      return new ClientCertificateCredential(
        scenario.tenantId,
        scenario.clientId,
        scenario.certificatePath,
        {
          authorityHost: scenario.authorityHost,
          disableInstanceDiscovery: true,
        },
      );
  }
}

async function run(scenario: Scenario): Promise<DriverOutcome> {
  const started = Date.now();
  const credential = credentialFor(scenario);
  const calls = 'calls' in scenario && scenario.calls ? scenario.calls : 1;
  const options: GetTokenOptions = {};
  const tokens = new Set<string>();
  let expiresOnTimestamp: number | undefined;
  try {
    for (let i = 0; i < calls; i++) {
      const token = await credential.getToken(scenario.scope, options);
      if (!token) throw new Error('getToken returned null');
      tokens.add(token.token);
      expiresOnTimestamp = token.expiresOnTimestamp;
    }
    return { ok: true, tokens: [...tokens], expiresOnTimestamp, elapsedMs: Date.now() - started };
  } catch (error) {
    const { name, message } = error as Error;
    return {
      ok: false,
      tokens: [...tokens],
      error: { name, message },
      elapsedMs: Date.now() - started,
    };
  }
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as Scenario;
process.stdout.write(JSON.stringify(await run(scenario)) + '\n');
