// What the e2e suites read from the emulator's admin API (/_admin, enabled by MOCK_IDP_ADMIN_ENABLED).
// Written from the emulator's documented contract (apps/mock-idp/README.md), not from its code.
import { DEMO } from '../../scripts/stack.ts';

export interface JournalEntry {
  id: number;
  at: string;
  endpoint: 'msi' | 'imds' | 'token' | 'metadata' | 'jwks' | 'graph';
  status: number;
  clientId?: string;
  principalId?: string;
  resource?: string;
  scope?: string;
  roles?: string[];
  error?: string;
}

export async function getJson<T>(url: string, headers?: Record<string, string>): Promise<T> {
  const response = await fetch(url, { headers });
  if (response.status !== 200)
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Calls `/_admin/{path}` on the emulator at `idpUrl`; fails on any non-2xx answer. */
export async function mockIdpAdmin(
  idpUrl: string,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<void> {
  const response = await fetch(`${idpUrl}/_admin/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status >= 300)
    throw new Error(`${method} /_admin/${path}: ${response.status} ${await response.text()}`);
}

/** Token requests the emulator saw, by kind: managed-identity endpoints and the token endpoint. */
export async function tokenRequests(
  idpUrl: string,
): Promise<{ managedIdentity: JournalEntry[]; tokenEndpoint: JournalEntry[] }> {
  const journal = await getJson<JournalEntry[]>(`${idpUrl}/_admin/journal`);
  return {
    managedIdentity: journal.filter(
      (entry) => entry.endpoint === 'msi' || entry.endpoint === 'imds',
    ),
    tokenEndpoint: journal.filter((entry) => entry.endpoint === 'token'),
  };
}

/**
 * A managed-identity token for the API, as the daemon's SDK asks the Container Apps endpoint of the
 * emulator at `idpUrl` (plain http); the demo consumer identity unless `clientId` says otherwise.
 */
export async function managedIdentityToken(
  idpUrl: string,
  clientId: string = DEMO.consumerIdentityClientId,
): Promise<string> {
  const query = new URLSearchParams({
    'api-version': '2019-08-01',
    resource: DEMO.apiIdentifierUri,
    client_id: clientId,
  });
  const response = await fetch(`${idpUrl}/msi/token?${query}`, {
    headers: { 'x-identity-header': DEMO.identityHeader },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200)
    throw new Error(`/msi/token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
