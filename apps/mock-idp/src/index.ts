// The programmatic API of the package: start an emulator on free loopback ports for a test suite
// and get back what an Azure SDK client needs to talk to it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMockIdpConfig } from './config/mock-idp-config.js';
import { runMockIdp } from './run-mock-idp.js';

export type { DirectoryDocument } from './directory/directory.types.js';
/** The `mock-idp` bin. */
export { runFromCommandLine } from './command-line.js';

export interface MockIdpOptions {
  /** Directory JSON file path, or the directory document itself. Default: the bundled demo. */
  directory?: string | object;
  /** Ports of the plain-http (managed identity) and https (authority) listeners. Default 0: any free port. */
  ports?: { http?: number; https?: number };
  /** Host in issuers, metadata URLs and the certificate. Default `localhost`. */
  publicHost?: string;
  /** Address the listeners bind. Default `127.0.0.1`. */
  bind?: string;
  /** Serve the admin API (journal, faults, keys, reset) and the console. Default true. */
  admin?: boolean;
  /** Where Graph changes persist (MOCK_IDP_STATE_FILE). Default: memory only. */
  stateFile?: string;
  /** Where the CA certificate is written. Default: a temporary directory removed by stop(). */
  caCertPath?: string;
  /** pino level. Default `silent`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Any other MOCK_IDP_* setting (README), e.g. `{ MOCK_IDP_TOKEN_LIFETIME_SECONDS: '600' }`. */
  env?: Record<string, string>;
}

/** What @azure/identity reads: ManagedIdentityCredential (App Service protocol), the authority host, the CA. */
export interface SdkClientEnv {
  IDENTITY_ENDPOINT: string;
  IDENTITY_HEADER: string;
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  /** Read by Node at process start only: set it for child processes; in-process, use `ca`. */
  NODE_EXTRA_CA_CERTS: string;
  [name: string]: string;
}

export interface MockIdp {
  /** `http://{host}:{port}`: managed-identity endpoints (`/msi/token`, IMDS), admin API, console. */
  httpUrl: string;
  /** `https://{host}:{port}`: pass as `authorityHost` (with `disableInstanceDiscovery: true`). */
  authorityHost: string;
  /** `{httpUrl}/msi/token`: IDENTITY_ENDPOINT. */
  identityEndpoint: string;
  /** Value for AZURE_POD_IDENTITY_AUTHORITY_HOST, to use the IMDS protocol instead. */
  imdsEndpoint: string;
  /** `{httpUrl}/_admin`, when the admin API is on. */
  adminUrl: string | undefined;
  /** `{httpUrl}/_admin/console/`, when the admin API is on. */
  consoleUrl: string | undefined;
  httpPort: number;
  httpsPort: number;
  /** Path of the generated CA certificate (PEM). */
  caCertPath: string;
  /** The CA certificate PEM, for `https.Agent({ ca })` or `tls.setDefaultCACertificates`. */
  ca: string;
  /** First tenant of the directory. */
  tenantId: string;
  /** Environment for an SDK client running as the first container's identities. */
  env: SdkClientEnv;
  /** The same for the container with this name or identity header. */
  envFor(container: string): SdkClientEnv;
  /** Closes both listeners; removes the temporary CA directory it created. */
  stop(): Promise<void>;
}

export async function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  const scratch = await mkdtemp(join(tmpdir(), 'mock-idp-'));
  try {
    let directoryPath = typeof options.directory === 'string' ? options.directory : undefined;
    if (typeof options.directory === 'object') {
      directoryPath = join(scratch, 'directory.json');
      await writeFile(directoryPath, JSON.stringify(options.directory));
    }
    const env: Record<string, string> = {
      MOCK_IDP_HTTP_PORT: String(options.ports?.http ?? 0),
      MOCK_IDP_HTTPS_PORT: String(options.ports?.https ?? 0),
      MOCK_IDP_PUBLIC_HOST: options.publicHost ?? 'localhost',
      MOCK_IDP_BIND_ADDRESS: options.bind ?? '127.0.0.1',
      MOCK_IDP_ADMIN_ENABLED: String(options.admin ?? true),
      MOCK_IDP_CA_CERT_PATH: options.caCertPath ?? join(scratch, 'ca.pem'),
      MOCK_IDP_LOG_LEVEL: options.logLevel ?? 'silent',
      ...(directoryPath ? { MOCK_IDP_DIRECTORY: directoryPath } : {}),
      ...(options.stateFile ? { MOCK_IDP_STATE_FILE: options.stateFile } : {}),
      ...options.env,
    };
    const config = loadMockIdpConfig(env);
    const running = await runMockIdp(config);
    const host = config.publicHost.includes(':') ? `[${config.publicHost}]` : config.publicHost;
    const httpUrl = `http://${host}:${running.httpPort}`;
    const tenantId = running.directory.tenants[0]?.tenantId ?? '';
    const clientEnv = (identityHeader: string): SdkClientEnv => ({
      IDENTITY_ENDPOINT: `${httpUrl}/msi/token`,
      IDENTITY_HEADER: identityHeader,
      AZURE_AUTHORITY_HOST: running.authority,
      AZURE_TENANT_ID: tenantId,
      NODE_EXTRA_CA_CERTS: running.caCertPath,
    });
    const envFor = (name: string): SdkClientEnv => {
      const container = running.directory.containers.find(
        (candidate) => candidate.name === name || candidate.identityHeader === name,
      );
      if (!container) throw new Error(`mock-idp: no container named '${name}' in the directory`);
      return clientEnv(container.identityHeader);
    };
    return {
      httpUrl,
      authorityHost: running.authority,
      identityEndpoint: `${httpUrl}/msi/token`,
      imdsEndpoint: httpUrl,
      adminUrl: config.adminEnabled ? `${httpUrl}/_admin` : undefined,
      consoleUrl: config.adminEnabled ? `${httpUrl}/_admin/console/` : undefined,
      httpPort: running.httpPort,
      httpsPort: running.httpsPort,
      caCertPath: running.caCertPath,
      ca: running.caCertificatePem,
      tenantId,
      env: clientEnv(running.directory.containers[0]?.identityHeader ?? ''),
      envFor,
      stop: async () => {
        await running.close();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
