// The whole chain, as real processes: the built emulator, API and daemon talk over HTTP(S) with
// the same wiring `npm start` uses. Nothing in between is stubbed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonStatus } from '../apps/consumer-daemon/src/status/daemon-status.service.js';
import {
  DEMO,
  freePorts,
  startStack,
  type Env,
  type RunningStack,
  sleep,
} from '../scripts/stack.ts';
import { getJson, tokenRequests } from './support/mock-idp-admin.ts';

/** Polls the daemon's /status until `accept` holds; returns the last status seen. */
async function waitForDaemon(
  stack: RunningStack,
  accept: (status: DaemonStatus) => boolean,
): Promise<DaemonStatus> {
  const deadline = Date.now() + 20_000;
  let status = await getJson<DaemonStatus>(`${stack.urls.daemon}/status`);
  while (!accept(status) && Date.now() < deadline) {
    await sleep(200);
    status = await getJson<DaemonStatus>(`${stack.urls.daemon}/status`);
  }
  return status;
}

async function withStack(
  daemonEnv: Env,
  scenario: (stack: RunningStack) => Promise<void>,
): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'entra-s2s-e2e-'));
  const stack = await startStack({
    ports: await freePorts(),
    stateDir,
    env: { 'consumer-daemon': { CALL_INTERVAL_MS: '250', ...daemonEnv } },
  });
  try {
    await scenario(stack);
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

describe('walking chain: mock-idp -> consumer-daemon -> protected-api', () => {
  it('the daemon gets a managed-identity token and its calls succeed; no token gets 401', async () => {
    await withStack({ AUTH_MODE: 'managed-identity' }, async (stack) => {
      const status = await waitForDaemon(stack, (s) => s.succeeded >= 3);
      expect(status).toMatchObject({ mode: 'managed-identity', lastStatus: 200, failed: 0 });
      expect(status.succeeded).toBeGreaterThanOrEqual(3);

      const anonymous = await fetch(`${stack.urls.api}/api/items`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);

      // The SDK's cache holds the 24 h token: several calls, one managed-identity request.
      const { managedIdentity, tokenEndpoint } = await tokenRequests(stack.urls.idpHttp);
      expect(managedIdentity).toHaveLength(1);
      expect(managedIdentity[0]).toMatchObject({
        endpoint: 'msi',
        status: 200,
        clientId: DEMO.consumerIdentityClientId,
      });
      expect(tokenEndpoint).toHaveLength(0);
    });
  });

  it('federated mode: the managed-identity token is exchanged for the app registration token', async () => {
    await withStack({ AUTH_MODE: 'federated' }, async (stack) => {
      const status = await waitForDaemon(stack, (s) => s.succeeded >= 2);
      expect(status).toMatchObject({ mode: 'federated', lastStatus: 200, failed: 0 });

      const { managedIdentity, tokenEndpoint } = await tokenRequests(stack.urls.idpHttp);
      expect(managedIdentity).toHaveLength(1);
      expect(managedIdentity[0]).toMatchObject({
        status: 200,
        resource: 'api://AzureADTokenExchange',
      });
      expect(tokenEndpoint).toHaveLength(1);
      expect(tokenEndpoint[0]).toMatchObject({ status: 200, clientId: DEMO.ficAppId });
    });
  });

  it('an identity without the consumer role is refused with 403', async () => {
    await withStack({ AZURE_CLIENT_ID: DEMO.noRoleIdentityClientId }, async (stack) => {
      const status = await waitForDaemon(stack, (s) => s.calls >= 2);
      expect(status).toMatchObject({ lastStatus: 403, succeeded: 0 });
      expect(status.failed).toBe(status.calls);
    });
  });
});
