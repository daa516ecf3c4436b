// The emulator's environment, parsed once; a bad value stops startup with a message naming the variable.
import { dirname, resolve } from 'node:path';

export interface MockIdpConfig {
  httpPort: number;
  httpsPort: number;
  /** Address both listeners bind; undefined = all interfaces (what a container needs). */
  bindAddress: string | undefined;
  publicHost: string;
  /** Directory JSON file; undefined = the bundled demo directory. */
  directoryPath: string | undefined;
  /** MOCK_IDP_STATE_FILE: where the directory is kept across restarts (Graph changes); undefined = memory only. */
  stateFilePath: string | undefined;
  caCertPath: string;
  /** Where the CA, the https certificate and the signing keys are kept across restarts. */
  dataDir: string;
  adminEnabled: boolean;
  /** Lifetime of managed-identity tokens (Entra: ~24 h). */
  tokenLifetimeSeconds: number;
  /** Lifetime of tokens from the token endpoint (Entra: ~1 h). */
  appTokenLifetimeSeconds: number;
  /** How long a rotated-out signing key stays in the JWKS. */
  keyRotationGraceSeconds: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? 'false').trim().toLowerCase();
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0' || raw === '') return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadMockIdpConfig(env: Env = process.env, cwd = process.cwd()): MockIdpConfig {
  const publicHost = (env['MOCK_IDP_PUBLIC_HOST'] ?? 'localhost').trim();
  if (!/^[A-Za-z0-9.:-]+$/.test(publicHost))
    throw new ConfigError('MOCK_IDP_PUBLIC_HOST', `not a host name or IP address: "${publicHost}"`);
  const logLevel = (env['MOCK_IDP_LOG_LEVEL'] ?? 'info').trim();
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('MOCK_IDP_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const directory = env['MOCK_IDP_DIRECTORY']?.trim();
  const caCertPath = resolve(cwd, env['MOCK_IDP_CA_CERT_PATH']?.trim() || '.mock-idp/ca.pem');
  const dataDir = env['MOCK_IDP_DATA_DIR']?.trim();
  const stateFile = env['MOCK_IDP_STATE_FILE']?.trim();
  return {
    httpPort: integer(env, 'MOCK_IDP_HTTP_PORT', 8080, 0, 65535),
    httpsPort: integer(env, 'MOCK_IDP_HTTPS_PORT', 8443, 0, 65535),
    bindAddress: env['MOCK_IDP_BIND_ADDRESS']?.trim() || undefined,
    publicHost,
    directoryPath: directory ? resolve(cwd, directory) : undefined,
    stateFilePath: stateFile ? resolve(cwd, stateFile) : undefined,
    caCertPath,
    dataDir: dataDir ? resolve(cwd, dataDir) : dirname(caCertPath),
    adminEnabled: flag(env, 'MOCK_IDP_ADMIN_ENABLED'),
    tokenLifetimeSeconds: integer(env, 'MOCK_IDP_TOKEN_LIFETIME_SECONDS', 86400, 60, 30 * 86400),
    appTokenLifetimeSeconds: integer(
      env,
      'MOCK_IDP_APP_TOKEN_LIFETIME_SECONDS',
      3599,
      60,
      30 * 86400,
    ),
    keyRotationGraceSeconds: integer(env, 'MOCK_IDP_KEY_GRACE_SECONDS', 3600, 0, 30 * 86400),
    logLevel,
  };
}
