// `npm run test:containers`: the Dockerfile and docker-compose.yml as a user runs them. Builds the
// three images through compose, brings the stack up under a project name of its own on free
// loopback ports, and checks from outside what a user would check; then removes all it created.
// Ends with "N passed, N failed". Runs on Node 24 directly (type stripping).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, REPO_ROOT, freePort, sleep } from '../../scripts/stack.ts';
import { managedIdentityToken } from '../support/mock-idp-admin.ts';
import { containerEngine, type ContainerEngine } from './container-engine.ts';

const SERVICES = ['mock-idp', 'protected-api', 'consumer-daemon'] as const;
type Service = (typeof SERVICES)[number];

interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  StartedAt: string;
  Health?: { Status: string };
}
interface DaemonStatus {
  mode: string;
  succeeded: number;
  failed: number;
  lastStatus?: number;
}

const results: { name: string; ok: boolean; detail: string }[] = [];
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** One assertion a user would make; its failure is reported and the run goes on. */
async function check(name: string, assertion: () => Promise<string | void>): Promise<boolean> {
  try {
    const detail = (await assertion()) ?? '';
    results.push({ name, ok: true, detail });
    console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
    return true;
  } catch (error) {
    const detail = (error as Error).message;
    results.push({ name, ok: false, detail });
    console.log(`FAIL ${name}: ${detail}`);
    return false;
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Polls until `probe` returns a value (not undefined) or the time runs out; then says why not. */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1000);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${last})`);
}

const project = `entra-s2s-test-${process.pid}`;
const ports = {
  API_HOST_PORT: await freePort(),
  DAEMON_HOST_PORT: await freePort(),
  MOCK_IDP_HTTP_HOST_PORT: await freePort(),
  MOCK_IDP_HTTPS_HOST_PORT: await freePort(),
};
const api = `http://127.0.0.1:${ports.API_HOST_PORT}`;
const daemon = `http://127.0.0.1:${ports.DAEMON_HOST_PORT}`;
const idp = `http://127.0.0.1:${ports.MOCK_IDP_HTTP_HOST_PORT}`;
const logDir = mkdtempSync(join(tmpdir(), 'entra-s2s-containers-'));

let engine: ContainerEngine;
let baseFiles: string[] = [];
let federatedFiles: string[] = [];

/** compose with this run's project, files and ports; output to a log, its tail in the error. */
function compose(args: string[], files = baseFiles): string {
  const [command, ...prefix] = engine.compose;
  const result = spawnSync(
    command!,
    [...prefix, '-p', project, ...files.flatMap((file) => ['-f', file]), ...args],
    {
      cwd: REPO_ROOT,
      env: {
        ...engine.env,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const output = `${result.stdout}${result.stderr}`;
  writeFileSync(join(logDir, `${args[0]}.log`), output, { flag: 'a' });
  if (result.status !== 0)
    throw new Error(
      `compose ${args.join(' ')}: exit ${result.status}\n${output.trim().split('\n').slice(-15).join('\n')}`,
    );
  return result.stdout;
}

async function containerOf(service: Service): Promise<ContainerState> {
  const id = compose(['ps', '-q', service]).trim().split('\n')[0];
  assert(id, `${service}: no container`);
  const { body } = await engine.api<{ State: ContainerState }>('GET', `/containers/${id}/json`);
  return body.State;
}

/** Size of the service's image in MB (as `docker images` shows it). */
async function imageMegabytes(service: Service): Promise<number> {
  const id = compose(['ps', '-q', service]).trim().split('\n')[0];
  const { body: container } = await engine.api<{ Image: string }>('GET', `/containers/${id}/json`);
  const { body: image } = await engine.api<{ Size: number }>(
    'GET',
    `/images/${container.Image}/json`,
  );
  return Math.round(image.Size / 1e6);
}

async function healthy(service: Service): Promise<ContainerState | undefined> {
  const state = await containerOf(service);
  if (!state.Running)
    throw new Error(`${service} is ${state.Status} (exit code ${state.ExitCode})`);
  if (state.Health?.Status === 'healthy') return state;
  throw new Error(`${service} health: ${state.Health?.Status ?? 'none'}`);
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200)
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function apiStatus(token?: string): Promise<number> {
  const response = await fetch(`${api}/api/items`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The API's request lines (JSON) for GET /api/items answered `status`, by caller appId. */
function apiCallers(status: number): string[] {
  const callers: string[] = [];
  for (const line of compose(['logs', '--no-color', 'protected-api']).split('\n')) {
    const json = line.slice(line.indexOf('{'));
    try {
      const entry = JSON.parse(json) as {
        req?: { url?: string };
        res?: { statusCode?: number };
        appId?: string;
      };
      if (entry.req?.url === '/api/items' && entry.res?.statusCode === status && entry.appId)
        callers.push(entry.appId);
    } catch {
      // not a JSON line
    }
  }
  return callers;
}

const daemonStatus = () => getJson<DaemonStatus>(`${daemon}/status`);

async function scenario(): Promise<void> {
  const built = await check('the three images build through compose', async () => {
    const since = Date.now();
    compose(['build']);
    return `${seconds(since)}`;
  });
  if (!built) return;

  const up = await check(
    'every service becomes healthy (mock-idp, protected-api, consumer-daemon)',
    async () => {
      const since = Date.now();
      compose(['up', '-d']);
      for (const service of SERVICES)
        await waitFor(`${service} healthy`, 180_000, () => healthy(service));
      const sizes = await Promise.all(
        SERVICES.map(async (service) => `${service} ${await imageMegabytes(service)} MB`),
      );
      return `${seconds(since)} from up; images: ${sizes.join(', ')}`;
    },
  );
  if (!up) {
    // What the services printed before it went wrong (also in logs.log of the compose output).
    console.log(compose(['logs', '--no-color', '--tail', '40']));
    return;
  }

  await check(
    "the daemon's calls get 200, with the managed identity's appId in the API's log",
    async () => {
      const status = await waitFor('two successful calls', 60_000, async () => {
        const current = await daemonStatus();
        return current.succeeded >= 2 ? current : undefined;
      });
      assert(status.mode === 'managed-identity', `daemon mode ${status.mode}`);
      assert(status.lastStatus === 200, `last status ${status.lastStatus}`);
      assert(
        apiCallers(200).includes(DEMO.consumerIdentityClientId),
        `no 200 for appId ${DEMO.consumerIdentityClientId} in the API's log`,
      );
      return `${status.succeeded} calls, ${status.failed} failed`;
    },
  );

  await check('a call without a token gets 401', async () => {
    const status = await apiStatus();
    assert(status === 401, `got ${status}`);
  });

  // The image keeps only RUNTIME_PACKAGES in node_modules: Swagger UI's files must still be there.
  await check('the API docs page and its Swagger UI files are served (/docs)', async () => {
    const page = await fetch(`${api}/docs`, { signal: AbortSignal.timeout(10_000) });
    const html = await page.text();
    assert(page.status === 200 && html.includes('swagger-ui'), `/docs: ${page.status}`);
    const script = await fetch(`${api}/docs/swagger-ui-bundle.js`, {
      signal: AbortSignal.timeout(10_000),
    });
    const bytes = (await script.arrayBuffer()).byteLength;
    assert(script.status === 200 && bytes > 100_000, `swagger-ui-bundle.js: ${script.status}`);
    return `swagger-ui-bundle.js ${Math.round(bytes / 1000)} KB`;
  });

  await check(
    'restart of mock-idp alone: same signing key, the chain keeps working, the others untouched',
    async () => {
      const before = {
        kid: (await getJson<{ signingKid: string }>(`${idp}/_admin/keys`)).signingKid,
        api: (await containerOf('protected-api')).StartedAt,
        daemon: (await containerOf('consumer-daemon')).StartedAt,
        succeeded: (await daemonStatus()).succeeded,
        idpStartedAt: (await containerOf('mock-idp')).StartedAt,
      };
      compose(['restart', 'mock-idp']);
      await waitFor('mock-idp restarted and serving', 60_000, async () => {
        const state = await containerOf('mock-idp');
        if (state.StartedAt === before.idpStartedAt) return undefined;
        return (await fetch(`${idp}/healthz`)).status === 200 ? state : undefined;
      });
      const kid = (await getJson<{ signingKid: string }>(`${idp}/_admin/keys`)).signingKid;
      assert(kid === before.kid, `signing key changed: ${before.kid} -> ${kid}`);
      const fresh = await apiStatus(await managedIdentityToken(idp));
      assert(fresh === 200, `a token issued after the restart got ${fresh}`);
      // A new kid makes the API fetch the JWKS again over https, trusting the CA it read at its start.
      const rotated = await getJson<{ kid: string }>(`${idp}/_admin/keys/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const token = await managedIdentityToken(idp);
      await waitFor('a token from the rotated key accepted', 60_000, async () =>
        (await apiStatus(token)) === 200 ? true : undefined,
      );
      await waitFor('the daemon calling on with 200', 30_000, async () => {
        const status = await daemonStatus();
        return status.succeeded > before.succeeded && status.lastStatus === 200
          ? status
          : undefined;
      });
      for (const [service, startedAt] of [
        ['protected-api', before.api],
        ['consumer-daemon', before.daemon],
      ] as const) {
        const state = await healthy(service);
        assert(state?.StartedAt === startedAt, `${service} was restarted`);
      }
      return `kid ${kid.slice(0, 8)}… kept, rotated to ${rotated.kid.slice(0, 8)}… and accepted`;
    },
  );

  await check(
    'federated mode (docker-compose.federated.yml): the daemon is recreated and its calls get 200',
    async () => {
      const apiStartedAt = (await containerOf('protected-api')).StartedAt;
      compose(['up', '-d'], federatedFiles);
      await waitFor('consumer-daemon healthy in federated mode', 120_000, async () => {
        await healthy('consumer-daemon');
        const status = await daemonStatus();
        return status.mode === 'federated' && status.succeeded >= 1 ? status : undefined;
      });
      const status = await daemonStatus();
      assert(status.lastStatus === 200, `last status ${status.lastStatus}`);
      assert(
        apiCallers(200).includes(DEMO.ficAppId),
        `no 200 for the FIC app ${DEMO.ficAppId} in the API's log`,
      );
      assert(
        (await containerOf('protected-api')).StartedAt === apiStartedAt,
        'protected-api was restarted',
      );
      return `${status.succeeded} calls as ${DEMO.ficAppId.slice(0, 8)}…`;
    },
  );

  await check('`stop` ends all three with exit code 0', async () => {
    compose(['stop'], federatedFiles);
    const codes = await Promise.all(
      SERVICES.map(async (service) => [service, await containerOf(service)] as const),
    );
    const wrong = codes.filter(([, state]) => state.Running || state.ExitCode !== 0);
    assert(
      wrong.length === 0,
      wrong.map(([s, state]) => `${s}: ${state.Status}, exit ${state.ExitCode}`).join('; '),
    );
    return codes.map(([s, state]) => `${s} ${state.ExitCode}`).join(', ');
  });
}

function cleanUp(): void {
  try {
    compose(
      ['down', '-v', '--remove-orphans', '--rmi', 'local'],
      federatedFiles.length ? federatedFiles : baseFiles,
    );
  } catch (error) {
    console.log(`cleanup: ${(error as Error).message}`);
  }
  engine.release();
  for (const file of [...baseFiles, ...federatedFiles])
    if (file.includes('.compose-v1.')) rmSync(file, { force: true });
}

let engineReady = false;
await check('a container engine is available', async () => {
  const since = Date.now();
  engine = await containerEngine();
  baseFiles = [engine.composeFile(join(REPO_ROOT, 'docker-compose.yml'))];
  federatedFiles = [
    ...baseFiles,
    engine.composeFile(join(REPO_ROOT, 'docker-compose.federated.yml')),
  ];
  engineReady = true;
  return `${engine.description}; ready in ${seconds(since)}; project ${project}, ports ${Object.values(ports).join('/')}`;
});
if (engineReady) {
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    await scenario();
  } finally {
    cleanUp();
  }
}

const failed = results.filter((result) => !result.ok).length;
console.log(`\ncontainer test: ${seconds(started)}; compose output in ${logDir}`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
