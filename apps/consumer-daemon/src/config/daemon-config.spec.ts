import { DaemonConfigError, parseDaemonConfig, type Environment } from './daemon-config.js';

const MINIMAL: Environment = {
  PROTECTED_API_URL: 'http://localhost:3000',
  API_SCOPE: 'https://myapp.aztoso.com/.default',
};

const FEDERATED: Environment = {
  ...MINIMAL,
  AUTH_MODE: 'federated',
  FIC_TENANT_ID: 'ea1bae79-6a70-405e-bc84-40037bcde9ec',
  FIC_CLIENT_ID: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7',
  FIC_AUTHORITY_HOST: 'https://localhost:8443',
};

function issuesOf(env: Environment): Record<string, string> {
  try {
    parseDaemonConfig(env);
  } catch (error) {
    if (!(error instanceof DaemonConfigError)) throw error;
    return Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.problem]));
  }
  throw new Error('expected the configuration to be refused');
}

describe('parseDaemonConfig', () => {
  it('defaults to the system-assigned managed identity and documented intervals', () => {
    expect(parseDaemonConfig(MINIMAL)).toEqual({
      mode: 'managed-identity',
      protectedApiUrl: 'http://localhost:3000',
      apiScope: 'https://myapp.aztoso.com/.default',
      managedIdentityClientId: undefined,
      federated: undefined,
      callIntervalMs: 5000,
      port: 3001,
      bindAddress: undefined,
      requestTimeoutMs: 10_000,
      shutdownTimeoutMs: 5000,
      reacquireMinIntervalMs: 30_000,
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 30_000 },
      logLevel: 'info',
    });
  });

  it('reads a user-assigned identity, the federated settings and the numbers', () => {
    const config = parseDaemonConfig({
      ...FEDERATED,
      PROTECTED_API_URL: 'https://api.example.com/',
      AZURE_CLIENT_ID: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      CALL_INTERVAL_MS: '250',
      PORT: '0',
      RETRY_MAX_ATTEMPTS: '2',
    });
    expect(config).toMatchObject({
      mode: 'federated',
      protectedApiUrl: 'https://api.example.com',
      managedIdentityClientId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
      federated: {
        tenantId: 'ea1bae79-6a70-405e-bc84-40037bcde9ec',
        clientId: '6f3ca9fc-8b98-4fb5-82f3-bfd4a5a293e7',
        authorityHost: 'https://localhost:8443',
      },
      callIntervalMs: 250,
      port: 0,
      retry: { maxAttempts: 2 },
    });
  });

  it('federated mode uses the public cloud authority when none is given', () => {
    const { FIC_AUTHORITY_HOST: _omitted, ...env } = FEDERATED;
    expect(parseDaemonConfig(env).federated?.authorityHost).toBe(
      'https://login.microsoftonline.com',
    );
  });

  it('refuses an unknown AUTH_MODE, naming the variable and the allowed values', () => {
    expect(issuesOf({ ...MINIMAL, AUTH_MODE: 'client-secret' })).toEqual({
      AUTH_MODE: 'must be one of managed-identity, federated (got "client-secret")',
    });
  });

  it.each([
    ['not a url', 'must be an absolute URL (got "not a url")'],
    ['ftp://api.example.com', 'must use http: or https: (got "ftp://api.example.com")'],
  ])('refuses PROTECTED_API_URL=%s', (value, problem) => {
    expect(issuesOf({ ...MINIMAL, PROTECTED_API_URL: value })).toEqual({
      PROTECTED_API_URL: problem,
    });
  });

  it('requires PROTECTED_API_URL and API_SCOPE (blank counts as missing)', () => {
    expect(issuesOf({ PROTECTED_API_URL: '  ' })).toEqual({
      PROTECTED_API_URL: 'is required',
      API_SCOPE: 'is required',
    });
  });

  it('refuses more than one scope', () => {
    expect(issuesOf({ ...MINIMAL, API_SCOPE: 'a/.default b/.default' })).toHaveProperty(
      'API_SCOPE',
    );
  });

  it('federated mode requires both FIC ids, as GUIDs', () => {
    expect(issuesOf({ ...MINIMAL, AUTH_MODE: 'federated' })).toEqual({
      FIC_TENANT_ID: 'is required',
      FIC_CLIENT_ID: 'is required',
    });
    expect(issuesOf({ ...FEDERATED, FIC_CLIENT_ID: 'consumer-fic-app' })).toEqual({
      FIC_CLIENT_ID: 'must be a GUID (got "consumer-fic-app")',
    });
  });

  it('federated mode refuses an http authority (the SDK would fail later)', () => {
    expect(issuesOf({ ...FEDERATED, FIC_AUTHORITY_HOST: 'http://localhost:8080' })).toEqual({
      FIC_AUTHORITY_HOST: 'must use https: (got "http://localhost:8080")',
    });
  });

  it('managed-identity mode ignores FIC variables', () => {
    expect(parseDaemonConfig({ ...MINIMAL, FIC_CLIENT_ID: 'whatever' }).federated).toBeUndefined();
  });

  it('refuses an AZURE_CLIENT_ID that is not a GUID', () => {
    expect(issuesOf({ ...MINIMAL, AZURE_CLIENT_ID: 'id-consumer-daemon' })).toHaveProperty(
      'AZURE_CLIENT_ID',
    );
  });

  it.each(['abc', '5s', '1.5', '-1', '0', ''.padEnd(20, '9')])(
    'refuses CALL_INTERVAL_MS=%s',
    (value) => {
      expect(issuesOf({ ...MINIMAL, CALL_INTERVAL_MS: value })).toEqual({
        CALL_INTERVAL_MS: `must be a whole number from 1 to 86400000 (got "${value}")`,
      });
    },
  );

  it('refuses a port out of range and retry bounds that contradict each other', () => {
    expect(
      issuesOf({
        ...MINIMAL,
        PORT: '70000',
        RETRY_BASE_DELAY_MS: '5000',
        RETRY_MAX_DELAY_MS: '1000',
      }),
    ).toEqual({
      PORT: 'must be a whole number from 0 to 65535 (got "70000")',
      RETRY_MAX_DELAY_MS: 'must not be below RETRY_BASE_DELAY_MS (5000)',
    });
  });

  it('listens on BIND_ADDRESS when given (an IP address or localhost), else on every interface', () => {
    expect(parseDaemonConfig({ ...MINIMAL, BIND_ADDRESS: '127.0.0.1' }).bindAddress).toBe(
      '127.0.0.1',
    );
    expect(parseDaemonConfig({ ...MINIMAL, BIND_ADDRESS: '::' }).bindAddress).toBe('::');
    expect(parseDaemonConfig({ ...MINIMAL, BIND_ADDRESS: ' ' }).bindAddress).toBeUndefined();
    expect(issuesOf({ ...MINIMAL, BIND_ADDRESS: 'example.com' })).toEqual({
      BIND_ADDRESS: expect.stringMatching(/must be an IP address/),
    });
  });

  it('reports every problem in one message that names each variable', () => {
    expect(() => parseDaemonConfig({ AUTH_MODE: 'federated', CALL_INTERVAL_MS: 'often' })).toThrow(
      /PROTECTED_API_URL: is required[\s\S]*API_SCOPE: is required[\s\S]*FIC_TENANT_ID[\s\S]*FIC_CLIENT_ID[\s\S]*CALL_INTERVAL_MS/,
    );
  });
});
