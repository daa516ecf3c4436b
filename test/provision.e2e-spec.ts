// `npm run provision` as a real process against the built emulator's Microsoft Graph, then the real
// daemon and API on what it provisioned. The emulator's tenant starts with no app registration:
// only the deploying identity (holding Graph permissions), one without them, and the daemon's
// managed identity. The steps build on each other, in order:
// dry run -> provision -> 200 -> second run changes nothing -> prune the assignment -> 403 ->
// refusal without Graph permission -> emulator restart keeps the provisioned directory (state file).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO,
  REPO_ROOT,
  buildIfNeeded,
  freePort,
  freePorts,
  localWiring,
  sleep,
  startService,
  stopService,
  waitForHttp,
  type Env,
  type RunningService,
  type StackPorts,
} from '../scripts/stack.ts';
import { getJson } from './support/mock-idp-admin.ts';
import {
  DEPLOYER,
  NO_GRAPH,
  freshDaemonTokenClaims,
  runProcess,
  startEmulatorWithoutApps,
  type ProcessRun,
} from './support/provisioning-tenant.ts';
import type { DaemonStatus } from '../apps/consumer-daemon/src/status/daemon-status.service.js';

const DEMO_DECLARATION = join(REPO_ROOT, 'infra', 'entra', 'demo.entra.json');
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/;

let stateDir: string;
let ports: StackPorts;
let wiring: ReturnType<typeof localWiring>;
let idp: RunningService | undefined;
let api: RunningService | undefined;
const daemons: RunningService[] = [];
const idpUrl = () => `http://127.0.0.1:${ports.idpHttp}`;
const authority = () => `https://localhost:${ports.idpHttps}`;
const stateFile = () => join(stateDir, 'directory-state.json');

async function startIdp(): Promise<void> {
  idp = await startEmulatorWithoutApps(ports, stateDir, { MOCK_IDP_STATE_FILE: stateFile() });
}

/** `node infra/provision/cli.ts ...` as the deploying identity of the emulator's `deployer` container. */
function provision(args: string[], env: Env = {}): Promise<ProcessRun> {
  return runProcess(process.execPath, [join(REPO_ROOT, 'infra/provision/cli.ts'), ...args], {
    cwd: REPO_ROOT,
    env: {
      NODE_EXTRA_CA_CERTS: join(stateDir, 'ca.pem'),
      IDENTITY_ENDPOINT: `http://localhost:${ports.idpHttp}/msi/token`,
      IDENTITY_HEADER: DEPLOYER.identityHeader,
      AZURE_CLIENT_ID: DEPLOYER.clientId,
      PROVISION_GRAPH_URL: authority(),
      AZURE_AUTHORITY_HOST: authority(),
      ...env,
    },
  });
}

function expectSuccess(run: ProcessRun): string {
  if (run.code !== 0) throw new Error(`provision exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  expect(run.stdout + run.stderr).not.toMatch(JWT);
  return run.stdout;
}

function appIdOf(output: string, app: string): string {
  const match = new RegExp(`^${app}: appId ([0-9a-f-]{36})`, 'm').exec(output);
  if (!match) throw new Error(`no appId of ${app} in:\n${output}`);
  return match[1] as string;
}

async function startDaemon(env: Env): Promise<{ service: RunningService; port: number }> {
  const port = await freePort();
  const service = startService(
    'consumer-daemon',
    { ...wiring['consumer-daemon'], PORT: String(port), CALL_INTERVAL_MS: '200', ...env },
    () => undefined,
  );
  daemons.push(service);
  return { service, port };
}

async function daemonStatusAfterCalls(
  port: number,
  service: RunningService,
): Promise<DaemonStatus> {
  const deadline = Date.now() + 30_000;
  let last: DaemonStatus | undefined;
  while (Date.now() < deadline) {
    last = await getJson<DaemonStatus>(`http://127.0.0.1:${port}/status`).catch(() => undefined);
    if (last && last.calls >= 2) return last;
    await sleep(100);
  }
  throw new Error(
    `daemon made no calls: ${JSON.stringify(last)}\n${service.lines.slice(-10).join('\n')}`,
  );
}

async function stopDaemons(): Promise<void> {
  await Promise.all(daemons.splice(0).map((daemon) => stopService(daemon, 5000)));
}

let apiAppId: string;
let ficAppId: string;

beforeAll(async () => {
  buildIfNeeded(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'provision-it-'));
  ports = { ...(await freePorts()), daemon: 0 };
  wiring = localWiring(ports, stateDir);
  await startIdp();
}, 120_000);

afterEach(() => stopDaemons(), 30_000);

afterAll(async () => {
  await stopDaemons();
  if (api) await stopService(api, 5000);
  if (idp) await stopService(idp, 5000);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe('npm run provision against the emulator', () => {
  it('--dry-run prints the plan and changes nothing', async () => {
    const output = expectSuccess(await provision([DEMO_DECLARATION, '--dry-run']));
    expect(output).toContain(`tenant ${DEMO.tenantId}`);
    expect(output).toContain(
      "+ application 'aztoso-com-app' (identifier URIs: https://myapp.aztoso.com; roles: consumer, writer; access token version: 1)",
    );
    expect(output).toContain('Dry run: 7 changes planned, nothing changed.');
    expect(output).toContain('aztoso-com-app: not created yet');
    // Nothing was created: the same plan again.
    const again = expectSuccess(await provision([DEMO_DECLARATION, '--dry-run']));
    expect(again).toContain('Dry run: 7 changes planned, nothing changed.');
  });

  it('provisions the demo declaration; the real daemon then gets `consumer` and the API answers 200', async () => {
    const output = expectSuccess(await provision([DEMO_DECLARATION]));
    expect(output).toContain("+ application 'aztoso-com-app'");
    expect(output).toContain("+ service principal of 'consumer-fic-app'");
    expect(output).toMatch(
      new RegExp(
        `\\+ federated credential 'ManagedIdentityFederation' of 'consumer-fic-app' \\(issuer ${authority()}/${DEMO.tenantId}/v2.0, subject 'id-consumer-daemon' \\(${DEMO.consumerIdentityPrincipalId}\\)\\)`,
      ),
    );
    expect(output).toMatch(/\+ role consumer of 'aztoso-com-app' to 'id-consumer-daemon'/);
    expect(output).toContain('Done: 7 changes applied.');
    apiAppId = appIdOf(output, 'aztoso-com-app');
    ficAppId = appIdOf(output, 'consumer-fic-app');

    api = startService(
      'protected-api',
      { ...wiring['protected-api'], AUTH_AUDIENCES: `${DEMO.apiIdentifierUri},${apiAppId}` },
      () => undefined,
    );
    await waitForHttp(`http://127.0.0.1:${ports.api}/readyz`, 30_000, api.process);

    expect(await freshDaemonTokenClaims(idpUrl())).toMatchObject({
      roles: ['consumer'],
      aud: DEMO.apiIdentifierUri,
    });
    const managed = await startDaemon({ AUTH_MODE: 'managed-identity' });
    const status = await daemonStatusAfterCalls(managed.port, managed.service);
    expect(status).toMatchObject({ lastStatus: 200, failed: 0 });
    // The federated credential provisioned above: MI token -> consumer-fic-app's token.
    const federated = await startDaemon({ AUTH_MODE: 'federated', FIC_CLIENT_ID: ficAppId });
    const federatedStatus = await daemonStatusAfterCalls(federated.port, federated.service);
    expect(federatedStatus).toMatchObject({ lastStatus: 200, failed: 0 });
  });

  it('a second run changes nothing and says so', async () => {
    const output = expectSuccess(await provision([DEMO_DECLARATION]));
    expect(output).toContain('No changes: the tenant already matches the declaration.');
    expect(output).not.toContain('Applying:');
    expect(appIdOf(output, 'aztoso-com-app')).toBe(apiAppId);
  });

  it('--prune removes the assignment taken out of the declaration: a new token has no role, the API answers 403', async () => {
    const declaration = JSON.parse(readFileSync(DEMO_DECLARATION, 'utf8'));
    declaration.appRoleAssignments = declaration.appRoleAssignments.filter(
      (a: { principal: Record<string, string> }) =>
        a.principal['displayName'] !== 'id-consumer-daemon',
    );
    const trimmed = join(stateDir, 'without-daemon-assignment.entra.json');
    writeFileSync(trimmed, JSON.stringify(declaration));

    const kept = expectSuccess(await provision([trimmed]));
    expect(kept).toContain('No changes: the tenant already matches the declaration.');
    expect(kept).toMatch(/= role consumer of 'aztoso-com-app' held by 'id-consumer-daemon'/);

    const pruned = expectSuccess(await provision([trimmed, '--prune']));
    expect(pruned).toMatch(
      new RegExp(
        `- role consumer of 'aztoso-com-app' held by 'id-consumer-daemon' \\(${DEMO.consumerIdentityPrincipalId}\\)`,
      ),
    );
    expect(pruned).toContain('Done: 1 change applied.');

    expect((await freshDaemonTokenClaims(idpUrl()))['roles']).toBeUndefined();
    const daemon = await startDaemon({ AUTH_MODE: 'managed-identity' });
    const status = await daemonStatusAfterCalls(daemon.port, daemon.service);
    expect(status).toMatchObject({ lastStatus: 403, succeeded: 0 });

    const again = expectSuccess(await provision([trimmed, '--prune']));
    expect(again).toContain('No changes: the tenant already matches the declaration.');
  });

  it('--prune removes an app role taken out of the declaration (disabled first, as Graph requires); declaring it again restores it', async () => {
    // From the declaration of the previous step: the daemon's assignment stays pruned.
    const trimmed = join(stateDir, 'without-daemon-assignment.entra.json');
    const declaration = JSON.parse(readFileSync(trimmed, 'utf8'));
    declaration.applications[0].appRoles = declaration.applications[0].appRoles.filter(
      (role: { value: string }) => role.value !== 'writer',
    );
    const withoutWriter = join(stateDir, 'without-writer.entra.json');
    writeFileSync(withoutWriter, JSON.stringify(declaration));
    const pruned = expectSuccess(await provision([withoutWriter, '--prune']));
    expect(pruned).toContain(
      "~ application 'aztoso-com-app': disable role writer (removed at the end)",
    );
    expect(pruned).toContain("- roles writer of 'aztoso-com-app'");
    expect(expectSuccess(await provision([withoutWriter, '--prune']))).toContain(
      'No changes: the tenant already matches the declaration.',
    );
    expect(pruned).toContain('Done: 2 changes applied.');
    // Declared again (same id), writer comes back.
    const restored = expectSuccess(await provision([trimmed]));
    expect(restored).toContain("~ application 'aztoso-com-app': add role writer");
    expect(restored).toContain('Done: 1 change applied.');
  });

  it('appRoleAssignmentRequired on the service principal: a caller without an assignment then gets no token at all', async () => {
    const trimmed = join(stateDir, 'without-daemon-assignment.entra.json');
    const declaration = JSON.parse(readFileSync(trimmed, 'utf8'));
    declaration.applications[0].servicePrincipal = { appRoleAssignmentRequired: true };
    const required = join(stateDir, 'assignment-required.entra.json');
    writeFileSync(required, JSON.stringify(declaration));
    expect(expectSuccess(await provision([required]))).toContain(
      "~ service principal of 'aztoso-com-app': appRoleAssignmentRequired -> true",
    );
    // The daemon's identity lost its assignment above: Entra refuses the token (AADSTS501051).
    await expect(freshDaemonTokenClaims(idpUrl())).rejects.toThrow(/AADSTS501051/);
    expect(expectSuccess(await provision([trimmed]))).toContain(
      "~ service principal of 'aztoso-com-app': appRoleAssignmentRequired -> false",
    );
    expect((await freshDaemonTokenClaims(idpUrl()))['roles']).toBeUndefined();
  });

  it('a deploying identity without Graph permission gets a 403 that names the permission', async () => {
    const run = await provision([DEMO_DECLARATION], { AZURE_CLIENT_ID: NO_GRAPH.clientId });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Microsoft Graph refused GET \/v1\.0\/applications: 403 Authorization_RequestDenied/,
    );
    expect(run.stderr).toContain(
      'needs the Microsoft Graph application permission Application.Read.All',
    );
    expect(run.stderr).toContain('its token holds: no Graph permission');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(JWT);
  });

  it('a bad declaration fails before Graph is called, naming the field', async () => {
    const broken = join(stateDir, 'broken.entra.json');
    const declaration = JSON.parse(readFileSync(DEMO_DECLARATION, 'utf8'));
    declaration.applications[0].appRoles[0].id = 'consumer-role';
    writeFileSync(broken, JSON.stringify(declaration));
    // A Graph URL nobody listens on: the run must stop before any call.
    const run = await provision([broken], { PROVISION_GRAPH_URL: 'https://127.0.0.1:9' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('applications[0].appRoles[0].id: must be a GUID');
    expect(run.stderr).not.toContain('cannot reach');
  });

  it('an emulator restart with MOCK_IDP_STATE_FILE keeps the provisioned directory', async () => {
    await stopService(idp as RunningService, 5000);
    await startIdp();
    const output = expectSuccess(await provision([DEMO_DECLARATION, '--dry-run']));
    expect(output).toContain('Dry run: 1 change planned, nothing changed.');
    expect(output).toMatch(/\+ role consumer of 'aztoso-com-app' to 'id-consumer-daemon'/);
    expect(appIdOf(output, 'aztoso-com-app')).toBe(apiAppId);
    expect(appIdOf(output, 'consumer-fic-app')).toBe(ficAppId);
  });
});

describe("the demo declaration and the emulator's demo directory", () => {
  it('say the same: provisioning the declaration into the demo directory changes nothing', async () => {
    const demoState = mkdtempSync(join(tmpdir(), 'provision-demo-'));
    const demoPorts: StackPorts = {
      idpHttp: await freePort(),
      idpHttps: await freePort(),
      api: 0,
      daemon: 0,
    };
    const demoIdp = startService(
      'mock-idp',
      { ...localWiring(demoPorts, demoState)['mock-idp'], MOCK_IDP_ADMIN_ENABLED: 'false' },
      () => undefined,
    );
    try {
      await waitForHttp(`http://127.0.0.1:${demoPorts.idpHttp}/healthz`, 30_000, demoIdp.process);
      const demoAuthority = `https://localhost:${demoPorts.idpHttps}`;
      const output = expectSuccess(
        await provision([DEMO_DECLARATION, '--dry-run', '--prune'], {
          NODE_EXTRA_CA_CERTS: join(demoState, 'ca.pem'),
          IDENTITY_ENDPOINT: `http://localhost:${demoPorts.idpHttp}/msi/token`,
          PROVISION_GRAPH_URL: demoAuthority,
          AZURE_AUTHORITY_HOST: demoAuthority,
        }),
      );
      expect(output).toContain('No changes: the tenant already matches the declaration.');
      expect(appIdOf(output, 'aztoso-com-app')).toBe(DEMO.apiAppId);
      expect(appIdOf(output, 'consumer-fic-app')).toBe(DEMO.ficAppId);
    } finally {
      await stopService(demoIdp, 5000);
      rmSync(demoState, { recursive: true, force: true });
    }
  });
});
