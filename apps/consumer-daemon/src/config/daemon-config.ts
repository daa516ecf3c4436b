import {
  EnvironmentError,
  EnvironmentReader,
  LOG_LEVELS,
  type Environment,
  type LogLevel,
} from '@app/env';

// The daemon's whole configuration, read once from the environment at startup. A bad value stops
// the process before anything runs, with a message naming the variable (see main.ts).

export const AUTH_MODES = ['managed-identity', 'federated'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export { LOG_LEVELS, type LogLevel };

export interface RetryBounds {
  /** Attempts per API call, the first one included (1 = never retry). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface FederatedConfig {
  tenantId: string;
  clientId: string;
  authorityHost: string;
}

export interface DaemonConfig {
  mode: AuthMode;
  protectedApiUrl: string;
  apiScope: string;
  /** User-assigned managed identity; absent = the system-assigned identity. */
  managedIdentityClientId?: string;
  /** Present exactly when mode is 'federated'. */
  federated?: FederatedConfig;
  callIntervalMs: number;
  port: number;
  /** BIND_ADDRESS: the address to listen on; undefined = every interface (what a container needs). */
  bindAddress?: string;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** TOKEN_REACQUIRE_MIN_INTERVAL_MS: see REACQUIRE_MIN_INTERVAL_MS in token-provider.ts. */
  reacquireMinIntervalMs: number;
  retry: RetryBounds;
  logLevel: LogLevel;
}

/** The error a bad environment stops the daemon with (one line per variable at fault). */
export { EnvironmentError as DaemonConfigError, type Environment } from '@app/env';

export function parseDaemonConfig(env: Environment): DaemonConfig {
  const read = new EnvironmentReader(env);
  const mode = read.oneOf('AUTH_MODE', AUTH_MODES, 'managed-identity');
  const protectedApiUrl = read.url('PROTECTED_API_URL', ['http:', 'https:']);
  const apiScope = read.required('API_SCOPE');
  if (apiScope !== undefined && /\s/.test(apiScope)) {
    read.fail(
      'API_SCOPE',
      `must be a single scope such as https://api.example.com/.default (got "${apiScope}")`,
    );
  }
  const managedIdentityClientId = read.guid('AZURE_CLIENT_ID', read.optional('AZURE_CLIENT_ID'));

  let federated: FederatedConfig | undefined;
  if (mode === 'federated') {
    const tenantId = read.guid('FIC_TENANT_ID', read.required('FIC_TENANT_ID'));
    const clientId = read.guid('FIC_CLIENT_ID', read.required('FIC_CLIENT_ID'));
    // The SDK refuses a non-https authority, so say so here rather than at the first token request.
    const authorityHost = read.url(
      'FIC_AUTHORITY_HOST',
      ['https:'],
      read.optional('FIC_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com',
    );
    if (tenantId && clientId && authorityHost) federated = { tenantId, clientId, authorityHost };
  }

  const callIntervalMs = read.integer('CALL_INTERVAL_MS', 5000, 1, 86_400_000);
  const port = read.port('PORT', 3001);
  const bindAddress = read.ipAddress('BIND_ADDRESS');
  const requestTimeoutMs = read.integer('API_TIMEOUT_MS', 10_000, 1, 600_000);
  const shutdownTimeoutMs = read.integer('SHUTDOWN_TIMEOUT_MS', 5000, 1, 600_000);
  const reacquireMinIntervalMs = read.integer(
    'TOKEN_REACQUIRE_MIN_INTERVAL_MS',
    30_000,
    0,
    86_400_000,
  );
  const logLevel = read.logLevel('LOG_LEVEL');
  const retry: RetryBounds = {
    maxAttempts: read.integer('RETRY_MAX_ATTEMPTS', 4, 1, 20),
    baseDelayMs: read.integer('RETRY_BASE_DELAY_MS', 200, 1, 600_000),
    maxDelayMs: read.integer('RETRY_MAX_DELAY_MS', 30_000, 1, 3_600_000),
  };
  if (retry.maxDelayMs < retry.baseDelayMs) {
    read.fail('RETRY_MAX_DELAY_MS', `must not be below RETRY_BASE_DELAY_MS (${retry.baseDelayMs})`);
  }

  if (read.issues.length > 0 || protectedApiUrl === undefined || apiScope === undefined) {
    throw new EnvironmentError('consumer-daemon', read.issues);
  }
  return {
    mode,
    protectedApiUrl,
    apiScope,
    managedIdentityClientId,
    federated,
    callIntervalMs,
    port,
    bindAddress,
    requestTimeoutMs,
    shutdownTimeoutMs,
    reacquireMinIntervalMs,
    retry,
    logLevel,
  };
}

/** Injection token of the parsed DaemonConfig. */
export const DAEMON_CONFIG = Symbol('DAEMON_CONFIG');
