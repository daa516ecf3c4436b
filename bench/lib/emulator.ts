// The emulator as the benchmarks use it: started from dist/apps/mock-idp with its https authority
// and generated CA, real tokens minted from it, and the environment that points protected-api at it.
import { join } from 'node:path';
import {
  DEMO,
  freePorts,
  localWiring,
  startService,
  waitForHttp,
  type Env,
  type RunningService,
  type StackPorts,
} from '../../scripts/stack.ts';
import { getJson, type JournalEntry } from '../../test/support/mock-idp-admin.ts';

/** What a server under test needs to validate the emulator's tokens (plus its own port). */
export interface Wiring {
  port: number;
  authority: string;
  caCertPath: string;
  issuer: string;
  jwksUri: string;
}

export interface Emulator {
  service: RunningService;
  ports: StackPorts;
  httpUrl: string;
  stateDir: string;
  wiring: Omit<Wiring, 'port'>;
}

export async function startEmulator(stateDir: string): Promise<Emulator> {
  const ports = await freePorts();
  const service = startService('mock-idp', localWiring(ports, stateDir)['mock-idp'], () => {});
  const httpUrl = `http://127.0.0.1:${ports.idpHttp}`;
  await waitForHttp(`${httpUrl}/healthz`, 30_000, service.process);
  // Same document as over https (one app behind both listeners); read over http so that this
  // process needs no CA.
  const metadata = await getJson<{ issuer: string; jwks_uri: string }>(
    `${httpUrl}/${DEMO.tenantId}/.well-known/openid-configuration`,
  );
  return {
    service,
    ports,
    httpUrl,
    stateDir,
    wiring: {
      authority: `https://localhost:${ports.idpHttps}`,
      caCertPath: join(stateDir, 'ca.pem'),
      issuer: metadata.issuer,
      jwksUri: metadata.jwks_uri,
    },
  };
}

export const msiTokenUrl = (httpUrl: string) =>
  `${httpUrl}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(DEMO.apiIdentifierUri)}` +
  `&client_id=${DEMO.consumerIdentityClientId}`;

/** `count` distinct tokens of the demo consumer for the API (each request signs a new one). */
export async function mintTokens(httpUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  const mintOne = async () => {
    const response = await fetch(msiTokenUrl(httpUrl), {
      headers: { 'x-identity-header': DEMO.identityHeader },
    });
    if (response.status !== 200) throw new Error(`/msi/token answered ${response.status}`);
    tokens.push(((await response.json()) as { access_token: string }).access_token);
  };
  const workers = Array.from({ length: 16 }, async () => {
    while (tokens.length < count) await mintOne();
  });
  await Promise.all(workers);
  const distinct = [...new Set(tokens)].slice(0, count);
  if (distinct.length < count) throw new Error(`only ${distinct.length} distinct tokens minted`);
  return distinct;
}

export const journal = (emulator: Emulator) =>
  getJson<JournalEntry[]>(`${emulator.httpUrl}/_admin/journal`);

/** protected-api's environment against the emulator. */
export const protectedApiEnv = (wiring: Wiring, logLevel: string): Env => ({
  PORT: String(wiring.port),
  LOG_LEVEL: logLevel,
  AUTH_AUTHORITY_HOST: wiring.authority,
  AUTH_TENANT_ID: DEMO.tenantId,
  AUTH_AUDIENCES: `${DEMO.apiIdentifierUri},${DEMO.apiAppId}`,
  NODE_EXTRA_CA_CERTS: wiring.caCertPath,
});
