import { isIP } from 'node:net';

// The daemon's whole configuration, read once from the environment at startup. A bad value stops
// the process before anything runs, with a message naming the variable (see main.ts).

export const AUTH_MODES = ['managed-identity', 'federated'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

export interface ConfigIssue {
  variable: string;
  problem: string;
}

export class DaemonConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      'invalid consumer-daemon configuration:\n' +
        issues.map((issue) => `  ${issue.variable}: ${issue.problem}`).join('\n'),
    );
    this.name = 'DaemonConfigError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads variables one by one, remembering every problem so that one run reports them all. */
class EnvironmentReader {
  readonly issues: ConfigIssue[] = [];

  constructor(private readonly env: Environment) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  private fail(variable: string, problem: string): undefined {
    this.issues.push({ variable, problem });
    return undefined;
  }

  required(name: string): string | undefined {
    return this.raw(name) ?? this.fail(name, 'is required');
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  url(name: string, protocols: readonly string[], value = this.required(name)): string | undefined {
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return this.fail(name, `must be an absolute URL (got "${value}")`);
    }
    if (!protocols.includes(parsed.protocol)) {
      return this.fail(name, `must use ${protocols.join(' or ')} (got "${value}")`);
    }
    return value.replace(/\/+$/, '');
  }

  guid(name: string, value: string | undefined): string | undefined {
    if (value === undefined || GUID.test(value)) return value;
    return this.fail(name, `must be a GUID (got "${value}")`);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  ipAddress(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || isIP(value) || value === 'localhost') return value;
    return this.fail(
      name,
      `must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost (got "${value}")`,
    );
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }
}

export function parseDaemonConfig(env: Environment): DaemonConfig {
  const read = new EnvironmentReader(env);
  const mode = read.oneOf('AUTH_MODE', AUTH_MODES, 'managed-identity');
  const protectedApiUrl = read.url('PROTECTED_API_URL', ['http:', 'https:']);
  const apiScope = read.required('API_SCOPE');
  if (apiScope !== undefined && /\s/.test(apiScope)) {
    read.issues.push({
      variable: 'API_SCOPE',
      problem: `must be a single scope such as https://api.example.com/.default (got "${apiScope}")`,
    });
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
  const port = read.integer('PORT', 3001, 0, 65_535);
  const bindAddress = read.ipAddress('BIND_ADDRESS');
  const requestTimeoutMs = read.integer('API_TIMEOUT_MS', 10_000, 1, 600_000);
  const shutdownTimeoutMs = read.integer('SHUTDOWN_TIMEOUT_MS', 5000, 1, 600_000);
  const reacquireMinIntervalMs = read.integer(
    'TOKEN_REACQUIRE_MIN_INTERVAL_MS',
    30_000,
    0,
    86_400_000,
  );
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const retry: RetryBounds = {
    maxAttempts: read.integer('RETRY_MAX_ATTEMPTS', 4, 1, 20),
    baseDelayMs: read.integer('RETRY_BASE_DELAY_MS', 200, 1, 600_000),
    maxDelayMs: read.integer('RETRY_MAX_DELAY_MS', 30_000, 1, 3_600_000),
  };
  if (retry.maxDelayMs < retry.baseDelayMs) {
    read.issues.push({
      variable: 'RETRY_MAX_DELAY_MS',
      problem: `must not be below RETRY_BASE_DELAY_MS (${retry.baseDelayMs})`,
    });
  }

  if (read.issues.length > 0 || protectedApiUrl === undefined || apiScope === undefined) {
    throw new DaemonConfigError(read.issues);
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
