// Starts a real emulator in the test process (both listeners on 127.0.0.1, port 0) and offers
// the few calls specs need: plain-http requests, https requests that trust the generated CA, and
// the admin journal.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JournalEntry } from '../src/admin/journal.js';
import { loadMockIdpConfig } from '../src/config/mock-idp-config.js';
import { runMockIdp, type RunningMockIdp } from '../src/run-mock-idp.js';

export const DEMO = {
  tenantId: 'ea1bae79-6a70-405e-bc84-40037bcde9ec',
  apiAppId: '042e4743-2c83-42e0-8ea9-82cbe6642686',
  apiIdentifierUri: 'https://myapp.aztoso.com',
  apiSpObjectId: '2f98fedb-f432-4eab-ba4e-fc9db4a22c67',
  consumerRoleId: 'b1122c6b-d771-4887-9acd-af5d6fc1856b',
  consumerClientId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
  consumerPrincipalId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
  consumerResourceId:
    '/subscriptions/58824a01-433a-423c-bcef-c0e2601ef7ba/resourceGroups/rg-entra-s2s/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-consumer-daemon',
  noRoleClientId: '27c60377-a296-4ec3-8544-f89a9a738ec2',
  noRolePrincipalId: 'b7cc26d7-7d1e-493f-b9db-45a101bdd1df',
  ficAppId: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7',
  ficSpObjectId: '73780625-8c76-4d54-9e3b-6a3589816b06',
  tokenExchangeAppId: 'fb60f99c-7a34-4190-8149-302f77469936',
  identityHeader: 'local-consumer-daemon',
  deployerClientId: '5d2e8a41-7c3b-4f96-9e1a-2b8c4d6f0a13',
  deployerPrincipalId: 'a7f3c9e2-1d4b-4a8e-b6c5-3e9f0d2a7b84',
  deployerIdentityHeader: 'local-deployer',
  graphAppId: '00000003-0000-0000-c000-000000000000',
} as const;

export const DEMO_DIRECTORY_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'directory',
  'demo-directory.json',
);

export async function readDemoDirectory(): Promise<Record<string, any>> {
  return JSON.parse(await readFile(DEMO_DIRECTORY_PATH, 'utf8'));
}

export interface TestIdp extends RunningMockIdp {
  stateDir: string;
  httpBase: string;
  /** fetch against the plain-http listener. */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** A request to the https listener, trusting only the emulator's CA. */
  https(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any }>;
  journal(endpoint?: string): Promise<JournalEntry[]>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestIdp(
  options: { directory?: unknown; env?: Record<string, string> } = {},
): Promise<TestIdp> {
  const stateDir = await mkdtemp(join(tmpdir(), 'mock-idp-test-'));
  let directoryPath: string | undefined;
  if (options.directory !== undefined) {
    directoryPath = join(stateDir, 'directory.json');
    await writeFile(directoryPath, JSON.stringify(options.directory));
  }
  const config = loadMockIdpConfig({
    MOCK_IDP_HTTP_PORT: '0',
    MOCK_IDP_HTTPS_PORT: '0',
    MOCK_IDP_BIND_ADDRESS: '127.0.0.1',
    MOCK_IDP_PUBLIC_HOST: 'localhost',
    MOCK_IDP_CA_CERT_PATH: join(stateDir, 'ca', 'ca.pem'),
    MOCK_IDP_ADMIN_ENABLED: 'true',
    MOCK_IDP_LOG_LEVEL: 'silent',
    ...(directoryPath ? { MOCK_IDP_DIRECTORY: directoryPath } : {}),
    ...options.env,
  });
  const running = await runMockIdp(config);
  const httpBase = `http://127.0.0.1:${running.httpPort}`;
  const http = (path: string, init?: RequestInit) => fetch(httpBase + path, init);
  return {
    ...running,
    stateDir,
    httpBase,
    http,
    https: (path, init = {}) =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          `https://localhost:${running.httpsPort}${path}`,
          {
            method: init.method ?? 'GET',
            headers: init.headers,
            ca: running.caCertificatePem,
            family: 4,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown = text;
              try {
                body = JSON.parse(text);
              } catch {
                // not JSON: keep the text
              }
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
            });
          },
        );
        req.on('error', reject);
        req.end(init.body);
      }),
    journal: async (endpoint) => {
      const response = await http(`/_admin/journal${endpoint ? `?endpoint=${endpoint}` : ''}`);
      return (await response.json()) as JournalEntry[];
    },
    admin: (method, path, body) =>
      http(`/_admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    stop: async () => {
      await running.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

export function msiPath(query: Record<string, string>): string {
  return `/msi/token?${new URLSearchParams({ 'api-version': '2019-08-01', ...query })}`;
}
