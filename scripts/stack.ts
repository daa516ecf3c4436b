// The local stack: mock-idp, protected-api and consumer-daemon as three real processes, wired the
// way Azure Container Apps wires a container (IDENTITY_ENDPOINT/IDENTITY_HEADER point at the
// emulator). `npm start` and the cross-service e2e tests both start it through startStack(), so
// the wiring that people run locally is the wiring that is tested.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only, no enums or parameter properties.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type ServiceName = 'mock-idp' | 'protected-api' | 'consumer-daemon';
export const SERVICE_NAMES: readonly ServiceName[] = [
  'mock-idp',
  'protected-api',
  'consumer-daemon',
];

/** The demo directory the emulator ships (apps/mock-idp/directory/demo-directory.json). */
export const DEMO = {
  tenantId: 'ea1bae79-6a70-405e-bc84-40037bcde9ec',
  apiAppId: '042e4743-2c83-42e0-8ea9-82cbe6642686',
  apiIdentifierUri: 'https://myapp.aztoso.com',
  consumerIdentityClientId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
  consumerIdentityPrincipalId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
  noRoleIdentityClientId: '27c60377-a296-4ec3-8544-f89a9a738ec2',
  ficAppId: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7',
  identityHeader: 'local-consumer-daemon',
} as const;

export interface StackPorts {
  idpHttp: number;
  idpHttps: number;
  api: number;
  daemon: number;
}

export const DEFAULT_PORTS: StackPorts = { idpHttp: 8080, idpHttps: 8443, api: 3000, daemon: 3001 };

export type Env = Record<string, string>;

/** Environment of each service for the local stack: what compose and Azure would set. */
export function localWiring(ports: StackPorts, stateDir: string): Record<ServiceName, Env> {
  const caCertPath = join(stateDir, 'ca.pem');
  const authority = `https://localhost:${ports.idpHttps}`;
  return {
    'mock-idp': {
      MOCK_IDP_HTTP_PORT: String(ports.idpHttp),
      MOCK_IDP_HTTPS_PORT: String(ports.idpHttps),
      MOCK_IDP_PUBLIC_HOST: 'localhost',
      MOCK_IDP_CA_CERT_PATH: caCertPath,
      MOCK_IDP_ADMIN_ENABLED: 'true',
    },
    'protected-api': {
      PORT: String(ports.api),
      AUTH_AUTHORITY_HOST: authority,
      AUTH_TENANT_ID: DEMO.tenantId,
      AUTH_AUDIENCES: `${DEMO.apiIdentifierUri},${DEMO.apiAppId}`,
      NODE_EXTRA_CA_CERTS: caCertPath,
    },
    'consumer-daemon': {
      PORT: String(ports.daemon),
      AUTH_MODE: 'managed-identity',
      PROTECTED_API_URL: `http://localhost:${ports.api}`,
      API_SCOPE: `${DEMO.apiIdentifierUri}/.default`,
      AZURE_CLIENT_ID: DEMO.consumerIdentityClientId,
      IDENTITY_ENDPOINT: `http://localhost:${ports.idpHttp}/msi/token`,
      IDENTITY_HEADER: DEMO.identityHeader,
      FIC_TENANT_ID: DEMO.tenantId,
      FIC_CLIENT_ID: DEMO.ficAppId,
      FIC_AUTHORITY_HOST: authority,
      CALL_INTERVAL_MS: '5000',
      NODE_EXTRA_CA_CERTS: caCertPath,
    },
  };
}

/**
 * Listening addresses for running the stack on a developer machine (npm start, tests): the API
 * and the daemon on `address` (loopback unless told otherwise), the emulator always on loopback,
 * because its admin API (faults, key rotation, reset) has no authentication. Containers
 * leave these unset and listen on every interface.
 */
export function localBinding(address = '127.0.0.1'): Record<ServiceName, Env> {
  return {
    'mock-idp': { MOCK_IDP_BIND_ADDRESS: '127.0.0.1' },
    'protected-api': { BIND_ADDRESS: address },
    'consumer-daemon': { BIND_ADDRESS: address },
  };
}

// Variables that would steer the SDK or the services away from the local wiring if inherited
// from the developer's shell (a real Azure login, a workload-identity token file, ...).
const INHERITED_VARIABLES_TO_DROP =
  /^(AZURE_|IDENTITY_|MSI_|IMDS_|AUTH_|MOCK_IDP_|FIC_|API_SCOPE$|PROTECTED_API_URL$|CALL_INTERVAL_MS$|PORT$|NODE_EXTRA_CA_CERTS$|NODE_OPTIONS$)/;

export function baseEnvironment(): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_VARIABLES_TO_DROP.test(key)) env[key] = value;
  }
  return env;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function freePorts(): Promise<StackPorts> {
  return {
    idpHttp: await freePort(),
    idpHttps: await freePort(),
    api: await freePort(),
    daemon: await freePort(),
  };
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `url` until it answers 200 or the process exits or the time runs out. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`${url}: process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${lastProblem})`);
}

function newestModification(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestModification(join(path, entry)));
  }
  return newest;
}

export function mainPath(service: ServiceName): string {
  return join(REPO_ROOT, 'dist', 'apps', service, 'main.js');
}

/** Builds the apps whose bundle is missing or older than the sources (apps/, libs/, lockfile, build settings). */
export function buildIfNeeded(log: (line: string) => void = console.log): void {
  const sourcesChanged = Math.max(
    newestModification(join(REPO_ROOT, 'libs')),
    newestModification(join(REPO_ROOT, 'package-lock.json')),
    newestModification(join(REPO_ROOT, 'rspack.config.js')),
  );
  for (const service of SERVICE_NAMES) {
    const bundle = mainPath(service);
    const newestSource = Math.max(
      sourcesChanged,
      newestModification(join(REPO_ROOT, 'apps', service)),
    );
    if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource) continue;
    log(`building ${service} ...`);
    const build = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', service],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      },
    );
    if (build.status !== 0)
      throw new Error(`build of ${service} failed (exit code ${build.status})`);
  }
}

export interface StackOptions {
  ports: StackPorts;
  /** Where the emulator writes its generated CA certificate (created if missing). */
  stateDir: string;
  /** Per-service environment overrides on top of localWiring(). */
  env?: Partial<Record<ServiceName, Env>>;
  /** Which services to start, in order (default: all three). */
  services?: readonly ServiceName[];
  /** Receives every line a service prints. */
  onLine?: (service: ServiceName, line: string) => void;
  readyTimeoutMs?: number;
}

export interface RunningService {
  name: ServiceName;
  process: ChildProcess;
  /** Every line the service printed, for assertions and for diagnosing a failed start. */
  lines: string[];
  exited: Promise<number | null>;
}

export interface RunningStack {
  ports: StackPorts;
  urls: { idpHttp: string; idpHttps: string; api: string; daemon: string };
  services: Partial<Record<ServiceName, RunningService>>;
  /** SIGTERM in reverse start order; SIGKILL whatever is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const READY_URL: Record<ServiceName, (ports: StackPorts) => string> = {
  'mock-idp': (ports) => `http://127.0.0.1:${ports.idpHttp}/healthz`,
  'protected-api': (ports) => `http://127.0.0.1:${ports.api}/readyz`,
  'consumer-daemon': (ports) => `http://127.0.0.1:${ports.daemon}/readyz`,
};

export function startService(
  name: ServiceName,
  env: Env,
  onLine: (service: ServiceName, line: string) => void,
): RunningService {
  const child = spawn(process.execPath, [mainPath(name)], {
    cwd: REPO_ROOT,
    env: { ...baseEnvironment(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        if (!line.trim()) continue;
        lines.push(line);
        onLine(name, line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { name, process: child, lines, exited };
}

export async function stopService(
  service: RunningService,
  graceMs = 10_000,
): Promise<number | null> {
  if (service.process.exitCode !== null || service.process.signalCode !== null)
    return service.exited;
  service.process.kill('SIGTERM');
  const timer = setTimeout(() => service.process.kill('SIGKILL'), graceMs);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { ports, stateDir } = options;
  mkdirSync(stateDir, { recursive: true });
  const wiring = localWiring(ports, stateDir);
  const onLine = options.onLine ?? (() => undefined);
  const services: Partial<Record<ServiceName, RunningService>> = {};
  const started: RunningService[] = [];
  const stack: RunningStack = {
    ports,
    urls: {
      idpHttp: `http://localhost:${ports.idpHttp}`,
      idpHttps: `https://localhost:${ports.idpHttps}`,
      api: `http://localhost:${ports.api}`,
      daemon: `http://localhost:${ports.daemon}`,
    },
    services,
    async stop(graceMs = 10_000) {
      for (const service of [...started].reverse()) await stopService(service, graceMs);
    },
  };
  try {
    for (const name of options.services ?? SERVICE_NAMES) {
      const service = startService(name, { ...wiring[name], ...options.env?.[name] }, onLine);
      services[name] = service;
      started.push(service);
      await waitForHttp(READY_URL[name](ports), options.readyTimeoutMs ?? 30_000, service.process);
    }
  } catch (error) {
    await stack.stop();
    const tails = started
      .map((s) => `--- ${s.name} ---\n${s.lines.slice(-15).join('\n')}`)
      .join('\n');
    throw new Error(`${(error as Error).message}\n${tails}`, { cause: error });
  }
  return stack;
}
