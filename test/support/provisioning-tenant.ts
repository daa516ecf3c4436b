// The tenant the provisioning suites start from: identities only, no app registration of the
// customer. `id-deployer` (in container `deployer`) holds the Microsoft Graph permissions that
// `npm run provision` and the Azure CLI need; `id-no-graph` (same container) holds none;
// `id-consumer-daemon` is the daemon's identity. Everything else comes from provisioning.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO,
  baseEnvironment,
  localWiring,
  startService,
  waitForHttp,
  type Env,
  type RunningService,
  type StackPorts,
} from '../../scripts/stack.ts';

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const DEPLOYER = {
  clientId: '5d2e8a41-7c3b-4f96-9e1a-2b8c4d6f0a13',
  principalId: 'a7f3c9e2-1d4b-4a8e-b6c5-3e9f0d2a7b84',
  identityHeader: 'local-deployer',
};
export const NO_GRAPH = {
  clientId: '1c0d7e3a-5b9f-4e21-8a6d-9f2b4c8e1d07',
  principalId: '6e4b2a9d-3c1f-4d87-b5e0-7a9c2f1e8b36',
};

function userAssigned(name: string, clientId: string, principalId: string) {
  return {
    name,
    type: 'UserAssigned',
    clientId,
    principalId,
    resourceId: `/subscriptions/58824a01-433a-423c-bcef-c0e2601ef7ba/resourceGroups/rg-entra-s2s/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

export const TENANT_WITHOUT_APPS = {
  tenants: [
    {
      tenantId: DEMO.tenantId,
      displayName: 'aztoso (no app registrations)',
      applications: [
        // Microsoft's token exchange audience (api://AzureADTokenExchange), for the FIC assertion.
        {
          displayName: 'AAD Token Exchange Endpoint',
          appId: 'fb60f99c-7a34-4190-8149-302f77469936',
          objectId: '5e0d7f8a-3c4b-4a4e-9d5f-6a7b8c9d0e1f',
          identifierUris: ['api://AzureADTokenExchange'],
          requestedAccessTokenVersion: 2,
          appRoles: [],
          servicePrincipal: {
            objectId: '0c2f3e4d-5b6a-4c7d-8e9f-a0b1c2d3e4f5',
            appRoleAssignmentRequired: false,
          },
        },
      ],
      managedIdentities: [
        userAssigned(
          'id-consumer-daemon',
          DEMO.consumerIdentityClientId,
          DEMO.consumerIdentityPrincipalId,
        ),
        userAssigned('id-deployer', DEPLOYER.clientId, DEPLOYER.principalId),
        userAssigned('id-no-graph', NO_GRAPH.clientId, NO_GRAPH.principalId),
      ],
      appRoleAssignments: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'].map(
        (appRole) => ({ principalId: DEPLOYER.principalId, resourceAppId: GRAPH_APP_ID, appRole }),
      ),
    },
  ],
  containers: [
    {
      name: 'consumer-daemon',
      identityHeader: DEMO.identityHeader,
      servesImds: false,
      managedIdentities: [DEMO.consumerIdentityPrincipalId],
    },
    {
      name: 'deployer',
      identityHeader: DEPLOYER.identityHeader,
      servesImds: false,
      managedIdentities: [DEPLOYER.principalId, NO_GRAPH.principalId],
    },
  ],
};

/** Decoded claims of a JWT (test reading only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

/** A fresh managed-identity token of the daemon's identity for the API, from the emulator at idpHttpUrl. */
export async function freshDaemonTokenClaims(idpHttpUrl: string): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${idpHttpUrl}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(DEMO.apiIdentifierUri)}&client_id=${DEMO.consumerIdentityClientId}`,
    { headers: { 'x-identity-header': DEMO.identityHeader } },
  );
  if (response.status !== 200)
    throw new Error(`daemon token: ${response.status} ${await response.text()}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  return claimsOf(token);
}

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with the local stack's clean environment plus `env`. */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Env },
): Promise<ProcessRun> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...baseEnvironment(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The built emulator on `ports`, its CA and keys in `stateDir`, with the tenant above (written to
 * `stateDir/directory.json`) and Graph authorization only (no admin API).
 */
export async function startEmulatorWithoutApps(
  ports: StackPorts,
  stateDir: string,
  env: Env = {},
): Promise<RunningService> {
  const directory = join(stateDir, 'directory.json');
  writeFileSync(directory, JSON.stringify(TENANT_WITHOUT_APPS));
  const idp = startService(
    'mock-idp',
    {
      ...localWiring(ports, stateDir)['mock-idp'],
      MOCK_IDP_DIRECTORY: directory,
      MOCK_IDP_ADMIN_ENABLED: 'false',
      ...env,
    },
    () => undefined,
  );
  await waitForHttp(`http://127.0.0.1:${ports.idpHttp}/healthz`, 30_000, idp.process);
  return idp;
}
