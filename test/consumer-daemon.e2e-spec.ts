// The built daemon as a real process against the built emulator and the built protected-api:
// the real @azure/identity talks HTTP(S) to the emulator, the real validator checks its tokens.
// A small proxy in front of the API counts requests and, where a test needs it, answers once with
// a 401/503 or holds a response back, so that the policy is observed from outside the daemon.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO,
  buildIfNeeded,
  freePort,
  freePorts,
  localWiring,
  startService,
  stopService,
  waitForHttp,
  type Env,
  type RunningService,
  type StackPorts,
  sleep,
} from '../scripts/stack.ts';
import {
  getJson,
  mockIdpAdmin,
  tokenRequests as journalTokenRequests,
} from './support/mock-idp-admin.ts';
import type { DaemonStatus } from '../apps/consumer-daemon/src/status/daemon-status.service.js';

const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/;

let stateDir: string;
let ports: StackPorts;
let wiring: ReturnType<typeof localWiring>;
let idp: RunningService;
let api: RunningService;
const idpUrl = () => `http://127.0.0.1:${ports.idpHttp}`;
const apiUrl = () => `http://127.0.0.1:${ports.api}`;
const admin = (method: 'POST' | 'DELETE', path: string, body?: unknown) =>
  mockIdpAdmin(idpUrl(), method, path, body);
const tokenRequests = () => journalTokenRequests(idpUrl());

interface Daemon {
  service: RunningService;
  port: number;
  status(): Promise<DaemonStatus>;
  /** Polls /status until `accept` holds; fails with the last status and the log tail otherwise. */
  waitFor(accept: (status: DaemonStatus) => boolean, timeoutMs?: number): Promise<DaemonStatus>;
  /** SIGTERM, then wait for the exit and for the last log line. */
  stop(): Promise<number | null>;
  /** The log lines of finished API calls (one per scheduled call). */
  callLines(): string[];
}

async function stopAndDrain(service: RunningService): Promise<number | null> {
  const drained = new Promise<void>((done) => {
    if (!service.process.stdout || service.process.stdout.closed) done();
    else service.process.stdout.once('close', () => done());
  });
  const code = await stopService(service, 5000);
  await drained;
  return code;
}

const daemons: Daemon[] = [];

async function startDaemon(env: Env, options: { waitReady?: boolean } = {}): Promise<Daemon> {
  const port = await freePort();
  const service = startService(
    'consumer-daemon',
    { ...wiring['consumer-daemon'], PORT: String(port), ...env },
    () => undefined,
  );
  const status = () => getJson<DaemonStatus>(`http://127.0.0.1:${port}/status`);
  const daemon: Daemon = {
    service,
    port,
    status,
    async waitFor(accept, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: DaemonStatus | undefined;
      while (Date.now() < deadline) {
        last = await status().catch(() => undefined);
        if (last && accept(last)) return last;
        await sleep(20);
      }
      throw new Error(
        `daemon status never matched: ${JSON.stringify(last)}\n${service.lines.slice(-10).join('\n')}`,
      );
    },
    stop: () => stopAndDrain(service),
    callLines: () => service.lines.filter((line) => line.includes('"msg":"GET /api/items')),
  };
  daemons.push(daemon);
  if (options.waitReady ?? true)
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000, service.process);
  return daemon;
}

interface ProxiedRequest {
  authorization: string | undefined;
  at: number;
  answeredWith: number;
}

type ProxyRule = (
  index: number,
) => { status: number; headers?: Record<string, string> } | { delayMs: number } | 'forward';

interface ApiProxy {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** An HTTP server in front of the real protected-api; `rule` may answer a request itself. */
async function startApiProxy(rule: ProxyRule = () => 'forward'): Promise<ApiProxy> {
  const requests: ProxiedRequest[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const index = requests.length;
    const record: ProxiedRequest = {
      authorization: request.headers.authorization,
      at: Date.now(),
      answeredWith: 0,
    };
    requests.push(record);
    const action = rule(index);
    if (action !== 'forward' && 'status' in action) {
      record.answeredWith = action.status;
      response
        .writeHead(action.status, { 'content-type': 'application/json', ...action.headers })
        .end('{}');
      return;
    }
    if (action !== 'forward') await sleep(action.delayMs);
    const upstream = await fetch(`${apiUrl()}${request.url}`, {
      headers: { authorization: record.authorization ?? '' },
    });
    record.answeredWith = upstream.status;
    const headers: Record<string, string> = {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    };
    const challenge = upstream.headers.get('www-authenticate');
    if (challenge) headers['www-authenticate'] = challenge;
    response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
  };
  const server: Server = createServer((request, response) => void handle(request, response));
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const proxies: ApiProxy[] = [];
async function proxy(rule?: ProxyRule): Promise<ApiProxy> {
  const started = await startApiProxy(rule);
  proxies.push(started);
  return started;
}

const MANAGED_IDENTITY: Env = { AUTH_MODE: 'managed-identity' };
const FEDERATED: Env = { AUTH_MODE: 'federated' };

beforeAll(async () => {
  buildIfNeeded(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'consumer-daemon-it-'));
  ports = { ...(await freePorts()), daemon: 0 };
  wiring = localWiring(ports, stateDir);
  idp = startService('mock-idp', wiring['mock-idp'], () => undefined);
  await waitForHttp(`${idpUrl()}/healthz`, 30_000, idp.process);
  api = startService('protected-api', wiring['protected-api'], () => undefined);
  await waitForHttp(`${apiUrl()}/readyz`, 30_000, api.process);
}, 120_000);

beforeEach(async () => {
  await admin('DELETE', 'faults');
  await admin('DELETE', 'journal');
});

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
  await Promise.all(proxies.splice(0).map((started) => started.close()));
});

afterAll(async () => {
  if (api) await stopService(api, 5000);
  if (idp) await stopService(idp, 5000);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe('consumer-daemon against the emulator and the real protected-api', () => {
  it('managed identity: 1000 calls succeed on one managed-identity token request, and no token is logged', async () => {
    const daemon = await startDaemon({ ...MANAGED_IDENTITY, CALL_INTERVAL_MS: '1' });
    const status = await daemon.waitFor((s) => s.calls >= 1000, 60_000);
    expect(status).toMatchObject({
      mode: 'managed-identity',
      failed: 0,
      lastStatus: 200,
      tokenReacquisitions: 0,
      retries: 0,
    });
    expect(status.succeeded).toBe(status.calls);
    expect(Date.parse(status.tokenExpiresOn ?? '')).toBeGreaterThan(Date.now() + 3600_000);

    const { managedIdentity, tokenEndpoint } = await tokenRequests();
    expect(managedIdentity).toHaveLength(1);
    expect(managedIdentity[0]).toMatchObject({
      status: 200,
      clientId: DEMO.consumerIdentityClientId,
    });
    expect(tokenEndpoint).toHaveLength(0);

    const callLines = daemon.service.lines.filter((line) =>
      line.includes('"msg":"GET /api/items"'),
    );
    expect(callLines.length).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(callLines[0])).toMatchObject({
      status: 200,
      durationMs: expect.any(Number),
      tokenExpiresOn: status.tokenExpiresOn,
    });
    expect(daemon.service.lines.filter((line) => JWT.test(line))).toEqual([]);
  }, 90_000);

  it('federated: 1000 calls succeed on one managed-identity request plus one token-endpoint request', async () => {
    const daemon = await startDaemon({ ...FEDERATED, CALL_INTERVAL_MS: '1' });
    const status = await daemon.waitFor((s) => s.calls >= 1000, 60_000);
    expect(status).toMatchObject({ mode: 'federated', failed: 0, lastStatus: 200 });
    expect(status.succeeded).toBe(status.calls);

    const { managedIdentity, tokenEndpoint } = await tokenRequests();
    expect(managedIdentity).toHaveLength(1);
    expect(managedIdentity[0]).toMatchObject({
      status: 200,
      clientId: DEMO.consumerIdentityClientId,
      resource: 'api://AzureADTokenExchange',
    });
    expect(tokenEndpoint).toHaveLength(1);
    expect(tokenEndpoint[0]).toMatchObject({ status: 200, clientId: DEMO.ficAppId });
    expect(daemon.service.lines.filter((line) => JWT.test(line))).toEqual([]);
  }, 90_000);

  it.each([
    ['managed-identity', MANAGED_IDENTITY],
    ['federated', FEDERATED],
  ])(
    '%s: an emulator outage during the token life fails no API call',
    async (_mode, env) => {
      const daemon = await startDaemon({ ...env, CALL_INTERVAL_MS: '5' });
      await daemon.waitFor((s) => s.succeeded >= 5);
      // Every endpoint of the emulator: managed identity, token, metadata, JWKS.
      await admin('POST', 'faults', { endpoint: '*', status: 503, retryAfterSeconds: 30 });
      const down = await fetch(
        `${idpUrl()}/msi/token?api-version=2019-08-01&resource=https://myapp.aztoso.com`,
        {
          headers: { 'x-identity-header': DEMO.identityHeader },
        },
      );
      expect(down.status).toBe(503);

      const before = await daemon.status();
      await sleep(2000);
      const during = await daemon.status();
      await admin('DELETE', 'faults');

      expect(during.succeeded - before.succeeded).toBeGreaterThan(50);
      expect(during).toMatchObject({ failed: 0, lastStatus: 200, ready: true, tokenFailures: 0 });
    },
    60_000,
  );

  it('without a token it stays up, not ready, and retries with backoff until the emulator answers', async () => {
    // The SDK itself retries a 503 (4 requests per getToken); 6 failing requests outlast one
    // getToken, so the daemon has to notice, report and try again.
    await admin('POST', 'faults', { endpoint: 'msi', status: 503, forRequests: 6 });
    const daemon = await startDaemon(
      { ...MANAGED_IDENTITY, CALL_INTERVAL_MS: '5' },
      { waitReady: false },
    );
    const waiting = await daemon.waitFor((s) => s.tokenFailures >= 1, 30_000);
    expect(waiting).toMatchObject({ ready: false, calls: 0 });
    expect(waiting.lastError).toMatch(
      /^managed-identity: no token for https:\/\/myapp\.aztoso\.com\/\.default: /,
    );
    expect((await fetch(`http://127.0.0.1:${daemon.port}/readyz`)).status).toBe(503);

    const recovered = await daemon.waitFor((s) => s.ready && s.succeeded >= 1, 40_000);
    expect(recovered.failed).toBe(0);
    expect(daemon.service.process.exitCode).toBeNull();
    expect(daemon.service.lines.some((line) => line.includes('no token yet; retrying'))).toBe(true);
    const { managedIdentity } = await tokenRequests();
    expect(managedIdentity.map((entry) => entry.status)).toEqual([
      503, 503, 503, 503, 503, 503, 200,
    ]);
  }, 90_000);

  it('federated: a 401 triggers exactly one re-acquisition (one new token-endpoint request) and one retry', async () => {
    const apiProxy = await proxy((index) =>
      index === 0
        ? {
            status: 401,
            headers: {
              'www-authenticate': 'Bearer error="invalid_token", error_description="revoked"',
            },
          }
        : 'forward',
    );
    const daemon = await startDaemon({
      ...FEDERATED,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '20',
    });
    const status = await daemon.waitFor((s) => s.calls >= 3);
    expect(status).toMatchObject({ failed: 0, tokenReacquisitions: 1, retries: 0 });
    expect(await daemon.stop()).toBe(0);

    expect(apiProxy.requests.filter((request) => request.answeredWith === 401)).toHaveLength(1);
    expect(apiProxy.requests).toHaveLength(daemon.callLines().length + 1);
    expect(apiProxy.requests[1].authorization).not.toBe(apiProxy.requests[0].authorization);
    expect(apiProxy.requests[1].answeredWith).toBe(200);
    const { managedIdentity, tokenEndpoint } = await tokenRequests();
    expect(managedIdentity).toHaveLength(1);
    expect(tokenEndpoint).toHaveLength(2);
  }, 60_000);

  it('managed identity: a 401 gets a token bypassing the process-wide MI cache (one MI request) and retries once', async () => {
    const apiProxy = await proxy((index) =>
      index === 0
        ? { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }
        : 'forward',
    );
    const daemon = await startDaemon({
      ...MANAGED_IDENTITY,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '20',
    });
    const status = await daemon.waitFor((s) => s.calls >= 3);
    expect(status).toMatchObject({ failed: 0, tokenReacquisitions: 1 });
    expect(apiProxy.requests.slice(0, 2).map((request) => request.answeredWith)).toEqual([
      401, 200,
    ]);
    expect(apiProxy.requests[1].authorization).not.toBe(apiProxy.requests[0].authorization);
    // The SDK's credential then serves the refreshed token from the shared cache.
    expect(apiProxy.requests[2].authorization).toBe(apiProxy.requests[1].authorization);
    expect((await tokenRequests()).managedIdentity).toHaveLength(2);
  }, 60_000);

  it('managed identity: after an emergency key rollover (grace 0) it recovers by itself, with one extra MI request', async () => {
    const daemon = await startDaemon({ ...MANAGED_IDENTITY, CALL_INTERVAL_MS: '20' });
    await daemon.waitFor((s) => s.succeeded >= 5);
    await admin('POST', 'keys/rotate', { graceSeconds: 0 });
    // A token signed with the new key makes the API refresh its key set, which drops the old key:
    // from then on the API refuses the daemon's cached token.
    const fresh = (
      await getJson<{ access_token: string }>(
        `${idpUrl()}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(DEMO.apiIdentifierUri)}&client_id=${DEMO.consumerIdentityClientId}`,
        { 'x-identity-header': DEMO.identityHeader },
      )
    ).access_token;
    const withNewKey = await fetch(`${apiUrl()}/api/items`, {
      headers: { authorization: `Bearer ${fresh}` },
    });
    expect(withNewKey.status).toBe(200);
    await admin('DELETE', 'journal');

    const before = await daemon.status();
    const after = await daemon.waitFor(
      (s) => s.tokenReacquisitions >= 1 && s.succeeded >= before.succeeded + 20,
      20_000,
    );
    expect(after.failed).toBeLessThanOrEqual(1);
    expect(after.lastStatus).toBe(200);
    expect(after.tokenReacquisitions).toBe(1);
    const { managedIdentity } = await tokenRequests();
    expect(managedIdentity).toHaveLength(1);
    expect(daemon.service.process.exitCode).toBeNull();
  }, 60_000);

  it('a 401 on the retry too fails the call without a third attempt', async () => {
    const apiProxy = await proxy(() => ({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    }));
    const daemon = await startDaemon({
      ...FEDERATED,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '50',
    });
    const status = await daemon.waitFor((s) => s.calls >= 2);
    expect(status).toMatchObject({ succeeded: 0, lastStatus: 401 });
    expect(status.failed).toBe(status.calls);
    expect(status.tokenReacquisitions).toBe(status.calls);
    await daemon.stop();
    expect(apiProxy.requests).toHaveLength(2 * daemon.callLines().length);
  }, 60_000);

  it('a 403 (identity without the app role) is explained in the log and never retried', async () => {
    const apiProxy = await proxy();
    const daemon = await startDaemon({
      ...MANAGED_IDENTITY,
      AZURE_CLIENT_ID: DEMO.noRoleIdentityClientId,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '20',
    });
    const status = await daemon.waitFor((s) => s.calls >= 3);
    expect(status).toMatchObject({
      succeeded: 0,
      lastStatus: 403,
      retries: 0,
      tokenReacquisitions: 0,
    });
    expect(status.failed).toBe(status.calls);
    await daemon.stop();
    // Exactly one request per call, all refused.
    expect(apiProxy.requests.every((request) => request.answeredWith === 403)).toBe(true);
    expect(apiProxy.requests).toHaveLength(daemon.callLines().length);
    const explanation = daemon.service.lines.find((line) => line.includes('lacks the app role'));
    expect(JSON.parse(explanation ?? '{}')).toMatchObject({
      status: 403,
      code: 'ERR_ROLE_MISSING',
      challenge: { error: 'insufficient_scope' },
      caller: { managedIdentity: DEMO.noRoleIdentityClientId },
    });
    expect((await tokenRequests()).managedIdentity).toHaveLength(1);
  }, 60_000);

  it('a 503 with Retry-After is retried after at least that long, and the call succeeds', async () => {
    const apiProxy = await proxy((index) =>
      index === 0 ? { status: 503, headers: { 'retry-after': '1' } } : 'forward',
    );
    const daemon = await startDaemon({
      ...MANAGED_IDENTITY,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '20',
    });
    const status = await daemon.waitFor((s) => s.calls >= 2);
    expect(status).toMatchObject({ failed: 0, retries: 1, tokenReacquisitions: 0 });
    expect(apiProxy.requests[1].at - apiProxy.requests[0].at).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('SIGTERM lets the call in flight finish and exits 0 within a few seconds', async () => {
    const apiProxy = await proxy((index) => (index === 3 ? { delayMs: 1500 } : 'forward'));
    const daemon = await startDaemon({
      ...MANAGED_IDENTITY,
      PROTECTED_API_URL: apiProxy.url,
      CALL_INTERVAL_MS: '1',
    });
    await daemon.waitFor((s) => s.calls >= 3);
    while (apiProxy.requests.length < 4) await sleep(5);
    const signalled = Date.now();
    const code = await daemon.stop();
    const exitMs = Date.now() - signalled;
    console.log(`consumer-daemon SIGTERM -> exit ${code} in ${exitMs} ms (held call: 1500 ms)`);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(5000);
    expect(apiProxy.requests).toHaveLength(4);
    const stopping = daemon.service.lines.findIndex((line) =>
      line.includes('stopping: no new calls'),
    );
    const lastCall = daemon.service.lines.findLastIndex((line) =>
      line.includes('"msg":"GET /api/items"'),
    );
    expect(stopping).toBeGreaterThan(-1);
    expect(lastCall).toBeGreaterThan(stopping);
  }, 60_000);

  it('answers its health routes with security headers (nosniff, not frameable, no X-Powered-By)', async () => {
    const daemon = await startDaemon({ ...MANAGED_IDENTITY, CALL_INTERVAL_MS: '60000' });
    const { headers } = await fetch(`http://127.0.0.1:${daemon.port}/healthz`);
    expect(headers.get('x-powered-by')).toBeNull();
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('content-security-policy')).toMatch(
      /default-src 'none'.*frame-ancestors 'none'/,
    );
  }, 60_000);

  it('SIGTERM while idle exits 0 at once', async () => {
    const daemon = await startDaemon({ ...MANAGED_IDENTITY, CALL_INTERVAL_MS: '60000' });
    await daemon.waitFor((s) => s.calls >= 1);
    const signalled = Date.now();
    const code = await daemon.stop();
    const exitMs = Date.now() - signalled;
    console.log(`consumer-daemon idle SIGTERM -> exit ${code} in ${exitMs} ms`);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(2000);
  }, 60_000);
});
