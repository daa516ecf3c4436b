// Starts the real protected-api (createProtectedApi, as main.ts does) against a local test IdP,
// capturing its JSON log lines.
import type { INestApplication } from '@nestjs/common';
import { AuthReadiness, type AuthModuleOptions } from '@app/auth';
// Test support lives beside the library (not in its production entry point).
import { TestIdentityProvider } from '@app/auth/testing';
import { createProtectedApi } from '../src/create-app.js';

export const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
export const PARTNER_TENANT = '5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const API_URI = 'https://myapp.aztoso.com';
export const API_CLIENT_ID = '042e4743-2c83-42e0-8ea9-82cbe6642686';

export interface Harness {
  idp: TestIdentityProvider;
  app: INestApplication;
  logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Runs before the app starts (to make the IdP fail, say). */
  prepareIdp?: (idp: TestIdentityProvider) => void;
  /** Wait until metadata and keys are loaded. Default true. */
  waitReady?: boolean;
}

export async function startHarness(
  auth: Partial<AuthModuleOptions> = {},
  { prepareIdp, waitReady = true }: HarnessOptions = {},
): Promise<Harness> {
  const idp = await TestIdentityProvider.start({ tenantId: TENANT });
  prepareIdp?.(idp);
  const logs: string[] = [];
  const app = await createProtectedApi({
    port: 0,
    logLevel: 'info',
    logDestination: { write: (line: string) => void logs.push(line) },
    auth: {
      authority: idp.authority,
      tenantId: TENANT,
      allowedTenants: [TENANT, PARTNER_TENANT],
      audiences: [API_URI, API_CLIENT_ID],
      realm: 'protected-api',
      ...auth,
    },
  });
  await app.listen(0, '127.0.0.1');
  if (waitReady) await app.get(AuthReadiness).whenReady();
  return {
    idp,
    app,
    logs,
    close: async () => {
      await app.close();
      await idp.close();
    },
  };
}
