// The promise behind 24 h managed-identity tokens: the SDK refreshes them at half-life, and an IdP
// that fails those refreshes does not stop the daemon while the token it holds is still valid.
// The daemon's clock is moved ahead (test/support/clock-offset.ts) instead of waiting 12 hours;
// the emulator and the API keep real time, so the token they see is genuinely unexpired.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DaemonStatus } from '../apps/consumer-daemon/src/status/daemon-status.service.js';
import { freePorts, startStack, stopService, type RunningStack, sleep } from '../scripts/stack.ts';
import { getJson, mockIdpAdmin, tokenRequests } from './support/mock-idp-admin.ts';

const HOUR_MS = 3_600_000;

let stateDir: string;
let offsetFile: string;
let stack: RunningStack;

const daemonStatus = () => getJson<DaemonStatus>(`${stack.urls.daemon}/status`);
const moveDaemonClock = (hours: number) => writeFileSync(offsetFile, String(hours * HOUR_MS));

async function waitForStatus(
  accept: (status: DaemonStatus) => boolean,
  timeoutMs = 30_000,
): Promise<DaemonStatus> {
  const deadline = Date.now() + timeoutMs;
  let status = await daemonStatus();
  while (!accept(status) && Date.now() < deadline) {
    await sleep(100);
    status = await daemonStatus();
  }
  if (!accept(status)) throw new Error(`daemon status never matched: ${JSON.stringify(status)}`);
  return status;
}

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'entra-s2s-refresh-'));
  offsetFile = join(stateDir, 'clock-offset-ms');
  moveDaemonClock(0);
  stack = await startStack({
    ports: await freePorts(),
    stateDir,
    env: {
      'consumer-daemon': {
        CALL_INTERVAL_MS: '100',
        NODE_OPTIONS: `--import ${resolve(import.meta.dirname, 'support/clock-offset.ts')}`,
        CLOCK_OFFSET_FILE: offsetFile,
      },
    },
  });
  await waitForStatus((status) => status.succeeded >= 2);
});

afterEach(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

it('an IdP answering 503 to the half-life refresh does not fail a single call', async () => {
  await mockIdpAdmin(stack.urls.idpHttp, 'POST', 'faults', {
    endpoint: 'msi',
    status: 503,
    forSeconds: 600,
  });
  const before = await daemonStatus();
  moveDaemonClock(13); // past half-life (12 h), well before expiry (24 h)

  // Each call now waits for the SDK's refresh attempt and its retries (seconds) before the SDK
  // hands back the cached token, so calls are slower; none fails.
  const after = await waitForStatus((status) => status.succeeded >= before.succeeded + 2, 50_000);
  expect(after.failed).toBe(before.failed);

  // The SDK did try to refresh, and the IdP refused every time.
  const { managedIdentity } = await tokenRequests(stack.urls.idpHttp);
  expect(managedIdentity[0]).toMatchObject({ status: 200 });
  expect(managedIdentity.slice(1).length).toBeGreaterThan(0);
  expect(managedIdentity.slice(1).every((entry) => entry.status === 503)).toBe(true);
});

it('an IdP that cannot be reached at all during the refresh does not fail a single call', async () => {
  // msal-node throws on a network error during its half-life refresh; the daemon then serves the
  // token the SDK issued before (apps/consumer-daemon/src/token/token-provider.ts).
  await stopService(stack.services['mock-idp']!);
  const before = await daemonStatus();
  moveDaemonClock(13);

  // As above, each call first waits for the SDK's failed refresh attempt (seconds).
  const after = await waitForStatus((status) => status.succeeded >= before.succeeded + 2, 50_000);
  expect(after.failed).toBe(before.failed);
  expect(
    stack.services['consumer-daemon']!.lines.some((line) =>
      line.includes('using the token it issued before'),
    ),
  ).toBe(true);
});

it('once the held token is within 5 minutes of expiry, calls stop with a clear error and the daemon keeps running', async () => {
  await stopService(stack.services['mock-idp']!);
  moveDaemonClock(23.95); // 3 minutes before expiry: the SDK and the daemon both count it expired

  const status = await waitForStatus((s) => s.tokenFailures > 0 && s.failed > 0);
  expect(status.lastError).toMatch(/no token for https:\/\/myapp\.aztoso\.com\/\.default/);
  expect(stack.services['consumer-daemon']!.process.exitCode).toBeNull();
});
