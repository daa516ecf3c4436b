// The reference documents' own Azure CLI commands (../shared/reference/*.md), run by the real
// Azure CLI from Debian's azure-cli package (2.45) against the built emulator, on loopback only:
//  - a custom cloud whose authority and Microsoft Graph are the emulator (`microsoftGraphResourceId`
//    is both the Graph base URL and the token resource for the CLI);
//  - `az login --identity` as the deploying identity: with MSI_ENDPOINT + MSI_SECRET and the App
//    Service marker APPSETTING_WEBSITE_SITE_NAME, the CLI (msrestazure) asks the emulator's
//    /msi/token with api-version 2017-09-01. No MSAL on this path, so no instance discovery at
//    login.microsoftonline.com (the CLI 2.45 offers no switch for it);
//  - REQUESTS_CA_BUNDLE = the emulator's CA; an isolated AZURE_CONFIG_DIR per run.
// `az login` also lists subscriptions from Azure Resource Manager, which the emulator does not
// emulate: a stand-in on the emulator's certificate answers that one call with no subscription,
// so `--allow-no-subscriptions` gives a tenant-level account, as for an identity without RBAC.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO,
  buildIfNeeded,
  freePort,
  stopService,
  REPO_ROOT,
  type Env,
  type RunningService,
  type StackPorts,
} from '../../scripts/stack.ts';
import {
  DEPLOYER,
  freshDaemonTokenClaims,
  runProcess,
  startEmulatorWithoutApps,
  type ProcessRun,
} from '../support/provisioning-tenant.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stateDir: string;
let ports: StackPorts & { arm: number };
let idp: RunningService | undefined;
let arm: Server | undefined;
const graph = () => `https://localhost:${ports.idpHttps}`;

/** What the Azure CLI needs here: its own config dir, the emulator's CA, the MSI endpoint. */
function azureCliEnvironment(): Env {
  return {
    AZURE_CONFIG_DIR: join(stateDir, 'azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    REQUESTS_CA_BUNDLE: join(stateDir, 'ca.pem'),
    MSI_ENDPOINT: `http://localhost:${ports.idpHttp}/msi/token`,
    MSI_SECRET: DEPLOYER.identityHeader,
    APPSETTING_WEBSITE_SITE_NAME: 'azcli-replay',
    NO_PROXY: 'localhost,127.0.0.1',
    no_proxy: 'localhost,127.0.0.1',
  };
}

function az(args: string[]): Promise<ProcessRun> {
  return runProcess('az', args, { cwd: stateDir, env: azureCliEnvironment() });
}

/** Runs az, fails with its output unless it exits 0, returns stdout trimmed. */
async function azOk(args: string[]): Promise<string> {
  const run = await az(args);
  if (run.code !== 0)
    throw new Error(`az ${args.join(' ')} exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run.stdout.trim();
}

/** Azure Resource Manager's subscription list, empty: the only ARM call `az login` makes. */
async function startArmStandIn(port: number): Promise<Server> {
  const server = createServer(
    {
      cert: readFileSync(join(stateDir, 'server.pem')),
      key: readFileSync(join(stateDir, 'server.key.pem')),
    },
    (request, response) => {
      const authorized = /^Bearer \S+$/.test(request.headers.authorization ?? '');
      const isList = request.method === 'GET' && request.url?.startsWith('/subscriptions?');
      response.writeHead(authorized && isList ? 200 : authorized ? 404 : 401, {
        'content-type': 'application/json',
      });
      response.end(
        JSON.stringify(
          authorized && isList ? { value: [] } : { error: { code: 'NotEmulated', message: '' } },
        ),
      );
    },
  );
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return server;
}

beforeAll(async () => {
  buildIfNeeded(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'azcli-replay-'));
  mkdirSync(join(stateDir, 'azure'));
  ports = {
    idpHttp: await freePort(),
    idpHttps: await freePort(),
    api: 0,
    daemon: 0,
    arm: await freePort(),
  };
  idp = await startEmulatorWithoutApps(ports, stateDir);
  arm = await startArmStandIn(ports.arm);
  writeFileSync(
    join(stateDir, 'cloud.json'),
    JSON.stringify({
      endpoints: {
        activeDirectory: graph(),
        activeDirectoryResourceId: 'https://management.core.windows.net/',
        activeDirectoryGraphResourceId: 'https://graph.windows.net/',
        resourceManager: `https://127.0.0.1:${ports.arm}/`,
        microsoftGraphResourceId: graph(),
      },
    }),
  );
  await azOk(['cloud', 'register', '--name', 'MockIdp', '--cloud-config', '@cloud.json']);
  await azOk(['cloud', 'set', '--name', 'MockIdp']);
}, 180_000);

afterAll(async () => {
  arm?.close();
  if (idp) await stopService(idp, 5000);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

let appId: string;

describe('the reference documents, replayed by the Azure CLI against the emulator', () => {
  it('az login --identity signs in the deploying identity (MSI_ENDPOINT, api-version 2017-09-01)', async () => {
    await azOk([
      'login',
      '--identity',
      '--username',
      DEPLOYER.clientId,
      '--allow-no-subscriptions',
    ]);
    const account = JSON.parse(await azOk(['account', 'show']));
    expect(account).toMatchObject({
      tenantId: DEMO.tenantId,
      user: { type: 'servicePrincipal', assignedIdentityInfo: `MSIClient-${DEPLOYER.clientId}` },
    });
  });

  it('oauth2-managed-identities.md: app with roles from manifest.json, its service principal, the role assigned to the managed identity', async () => {
    // manifest.json exactly as the document writes it (isEnabled as the string "true", no id).
    writeFileSync(
      join(stateDir, 'manifest.json'),
      `[{
    "allowedMemberTypes": [
    "Application"
    ],
    "description": "Consumers can use the service",
    "displayName": "Consumer",
    "isEnabled": "true",
    "value": "consumer"
}]`,
    );
    // The document's commands; `-o tsv` where it assigns a plain value to a shell variable.
    appId = await azOk([
      'ad', 'app', 'create', '--display-name', 'aztoso-com-app',
      '--identifier-uris', 'https://myapp.aztoso.com', '--app-roles', '@manifest.json',
      '--query', 'appId', '-o', 'tsv',
    ]); // prettier-ignore
    expect(appId).toMatch(GUID);
    const sp = JSON.parse(await azOk(['ad', 'sp', 'create', '--id', appId]));
    expect(sp).toMatchObject({ appId, displayName: 'aztoso-com-app' });

    // The document's queries are written for the older CLI (`appRoles[?appRoles.value==$role]`,
    // `objectId`); with 2.45 and Graph they are `appRoles[?value=='consumer']` and `id`.
    const appRoleId = await azOk([
      'ad', 'app', 'show', '--id', appId,
      '--query', "appRoles[?value=='consumer'].id", '-o', 'tsv',
    ]); // prettier-ignore
    expect(appRoleId).toMatch(GUID);
    const spObjectId = await azOk([
      'ad',
      'sp',
      'show',
      '--id',
      appId,
      '--query',
      'id',
      '-o',
      'tsv',
    ]);
    expect(spObjectId).toBe(sp.id);

    writeFileSync(
      join(stateDir, 'body.json'),
      JSON.stringify({
        principalId: DEMO.consumerIdentityPrincipalId,
        resourceId: spObjectId,
        appRoleId,
      }),
    );
    expect(
      (await freshDaemonTokenClaims(`http://127.0.0.1:${ports.idpHttp}`))['roles'],
    ).toBeUndefined();
    // The document puts the managed identity's id in the path; Graph documents the resource's
    // service principal there (`POST /servicePrincipals/{resource-id}/appRoleAssignedTo`).
    const assignment = JSON.parse(
      await azOk([
        'rest', '--method', 'POST',
        '--uri', `${graph()}/v1.0/servicePrincipals/${spObjectId}/appRoleAssignedTo`,
        '--headers', 'Content-Type=application/json', '--body', '@body.json',
      ]), // prettier-ignore
    );
    expect(assignment).toMatchObject({
      principalId: DEMO.consumerIdentityPrincipalId,
      resourceId: spObjectId,
      appRoleId,
    });
    // The client's next token carries the role (the document's IMDS curl, on the emulator).
    expect(await freshDaemonTokenClaims(`http://127.0.0.1:${ports.idpHttp}`)).toMatchObject({
      roles: ['consumer'],
      aud: DEMO.apiIdentifierUri,
    });
  });

  it('a second az ad app create patches the existing app, and a duplicate assignment is a readable Graph error', async () => {
    const run = await az([
      'ad', 'app', 'create', '--display-name', 'aztoso-com-app',
      '--identifier-uris', 'https://myapp.aztoso.com', '--query', 'appId', '-o', 'tsv',
    ]); // prettier-ignore
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(appId);
    expect(run.stderr).toContain('Found an existing application instance');

    const duplicate = await az([
      'rest', '--method', 'POST',
      '--uri', `${graph()}/v1.0/servicePrincipals/${JSON.parse(readFileSync(join(stateDir, 'body.json'), 'utf8')).resourceId}/appRoleAssignedTo`,
      '--headers', 'Content-Type=application/json', '--body', '@body.json',
    ]); // prettier-ignore
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/Conflict|already exists/);
    expect(duplicate.stderr).not.toContain('Traceback');
  });

  it('federated-identity-credentials.md: an app trusting the managed identity (POST .../beta/.../federatedIdentityCredentials)', async () => {
    const objectId = await azOk([
      'ad', 'app', 'create', '--display-name', 'consumer-fic-app', '--query', 'id', '-o', 'tsv',
    ]); // prettier-ignore
    expect(objectId).toMatch(GUID);
    // The document's body, single quotes and all; its issuer names Microsoft's tenant on
    // login.microsoftonline.com: here it is the emulator's tenant issuer.
    const issuer = `${graph()}/${DEMO.tenantId}/v2.0`;
    const created = JSON.parse(
      await azOk([
        'rest', '--method', 'POST',
        '--uri', `${graph()}/beta/applications/${objectId}/federatedIdentityCredentials`,
        '--body', `{'name': 'ManagedIdentityFederation', 'issuer': '${issuer}', 'subject': '${DEMO.consumerIdentityPrincipalId}', 'audiences': [ 'api://AzureADTokenExchange' ]}`,
      ]), // prettier-ignore
    );
    expect(created).toMatchObject({
      name: 'ManagedIdentityFederation',
      issuer,
      subject: DEMO.consumerIdentityPrincipalId,
      audiences: ['api://AzureADTokenExchange'],
    });
    const listed = JSON.parse(
      await azOk(['ad', 'app', 'federated-credential', 'list', '--id', objectId]),
    );
    expect(listed).toEqual([expect.objectContaining({ id: created.id, issuer })]);
  });

  it('npm run provision signs in as a person would, through the Azure CLI (DefaultAzureCredential), and refuses to renumber the role az created', async () => {
    const run = await runProcess(
      process.execPath,
      [join(REPO_ROOT, 'infra/provision/cli.ts'), join(REPO_ROOT, 'infra/entra/demo.entra.json')],
      {
        cwd: REPO_ROOT,
        env: {
          ...azureCliEnvironment(),
          // DefaultAzureCredential restricted to its Azure CLI step (`az account get-access-token`).
          AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
          NODE_EXTRA_CA_CERTS: join(stateDir, 'ca.pem'),
          PROVISION_GRAPH_URL: graph(),
          AZURE_AUTHORITY_HOST: graph(),
        },
      },
    );
    // It read the tenant with the CLI's Graph token, then stopped before any change: az gave the
    // role `consumer` a random id, the declaration pins another one.
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /app role 'consumer' of 'aztoso-com-app' has id [0-9a-f-]{36} in the tenant but b1122c6b-d771-4887-9acd-af5d6fc1856b in the declaration/,
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
