// Restarting only the emulator must not break the processes that started against it: they read
// NODE_EXTRA_CA_CERTS once and cache its JWKS. The emulator keeps its CA, https certificate and
// signing keys in its data directory, so the API (a real process, not restarted) keeps validating.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePorts,
  localWiring,
  sleep,
  startService,
  startStack,
  stopService,
  waitForHttp,
  type RunningService,
  type RunningStack,
} from '../scripts/stack.ts';
import { getJson, managedIdentityToken, mockIdpAdmin } from './support/mock-idp-admin.ts';

async function callApi(stack: RunningStack, token: string): Promise<number> {
  const response = await fetch(`${stack.urls.api}/api/items`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

const signingKid = async (stack: RunningStack) =>
  (await getJson<{ signingKid: string }>(`${stack.urls.idpHttp}/_admin/keys`)).signingKid;

describe('mock-idp restarted alone', () => {
  let stateDir: string;
  let stack: RunningStack | undefined;
  let restarted: RunningService | undefined;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'entra-s2s-restart-'));
  });
  afterEach(async () => {
    if (restarted) await stopService(restarted);
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the same CA and kid, and the running API keeps validating new tokens', async () => {
    const ports = await freePorts();
    stack = await startStack({ ports, stateDir, services: ['mock-idp', 'protected-api'] });
    const api = stack.services['protected-api']!;
    const caPath = join(stateDir, 'ca.pem');
    const caBefore = readFileSync(caPath, 'utf8');
    const kidBefore = await signingKid(stack);
    const tokenBefore = await managedIdentityToken(stack.urls.idpHttp);
    expect(await callApi(stack, tokenBefore)).toBe(200);

    expect(await stopService(stack.services['mock-idp']!)).toBe(0);
    restarted = startService('mock-idp', localWiring(ports, stateDir)['mock-idp'], () => {});
    await waitForHttp(`${stack.urls.idpHttp}/healthz`, 30_000, restarted.process);

    const listening = restarted.lines.find((line) => line.includes('"event":"listening"'));
    expect(JSON.parse(listening!)).toMatchObject({ tlsMaterial: 'reused', signingKeys: 'reused' });
    expect(readFileSync(caPath, 'utf8')).toBe(caBefore);
    expect(await signingKid(stack)).toBe(kidBefore);
    expect(await callApi(stack, tokenBefore)).toBe(200);
    expect(await callApi(stack, await managedIdentityToken(stack.urls.idpHttp))).toBe(200);

    // A new kid makes the API fetch the JWKS again, over https from the restarted emulator,
    // trusting the CA it read at its own start (once its 30 s refresh cooldown has passed).
    await mockIdpAdmin(stack.urls.idpHttp, 'POST', 'keys/rotate', {});
    const rotatedToken = await managedIdentityToken(stack.urls.idpHttp);
    let status = await callApi(stack, rotatedToken);
    for (const deadline = Date.now() + 60_000; status !== 200 && Date.now() < deadline;) {
      await sleep(1000);
      status = await callApi(stack, rotatedToken);
    }
    expect(status).toBe(200);
    expect(api.process.exitCode).toBeNull();
    expect(api.lines.join('\n')).not.toMatch(/self[- ]signed|UNABLE_TO_VERIFY|unable to get/i);
  }, 150_000);
});
