// The emulator's environment, parsed once; a bad value stops startup with a message naming the variable.
import { dirname, resolve } from 'node:path';
import { EnvironmentReader, type Environment } from '@app/env';

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

/** The error a bad environment stops the emulator with (one line per variable at fault). */
export { EnvironmentError as ConfigError } from '@app/env';

export function loadMockIdpConfig(
  env: Environment = process.env,
  cwd = process.cwd(),
): MockIdpConfig {
  const read = new EnvironmentReader(env);
  const publicHost = read.optional('MOCK_IDP_PUBLIC_HOST') ?? 'localhost';
  if (!/^[A-Za-z0-9.:-]+$/.test(publicHost))
    read.fail('MOCK_IDP_PUBLIC_HOST', `must be a host name or IP address (got "${publicHost}")`);
  const directory = read.optional('MOCK_IDP_DIRECTORY');
  const caCertPath = resolve(cwd, read.optional('MOCK_IDP_CA_CERT_PATH') ?? '.mock-idp/ca.pem');
  const dataDir = read.optional('MOCK_IDP_DATA_DIR');
  const stateFile = read.optional('MOCK_IDP_STATE_FILE');
  const config: MockIdpConfig = {
    httpPort: read.port('MOCK_IDP_HTTP_PORT', 8080),
    httpsPort: read.port('MOCK_IDP_HTTPS_PORT', 8443),
    bindAddress: read.optional('MOCK_IDP_BIND_ADDRESS'),
    publicHost,
    directoryPath: directory ? resolve(cwd, directory) : undefined,
    stateFilePath: stateFile ? resolve(cwd, stateFile) : undefined,
    caCertPath,
    dataDir: dataDir ? resolve(cwd, dataDir) : dirname(caCertPath),
    adminEnabled: read.flag('MOCK_IDP_ADMIN_ENABLED'),
    tokenLifetimeSeconds: read.integer('MOCK_IDP_TOKEN_LIFETIME_SECONDS', 86400, 60, 30 * 86400),
    appTokenLifetimeSeconds: read.integer(
      'MOCK_IDP_APP_TOKEN_LIFETIME_SECONDS',
      3599,
      60,
      30 * 86400,
    ),
    keyRotationGraceSeconds: read.integer('MOCK_IDP_KEY_GRACE_SECONDS', 3600, 0, 30 * 86400),
    logLevel: read.logLevel('MOCK_IDP_LOG_LEVEL'),
  };
  read.throwIfInvalid('mock-idp');
  return config;
}
