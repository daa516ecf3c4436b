import { loadMockIdpConfig } from './mock-idp-config.js';

describe('loadMockIdpConfig', () => {
  it('has the documented defaults', () => {
    expect(loadMockIdpConfig({}, '/srv')).toMatchObject({
      httpPort: 8080,
      httpsPort: 8443,
      publicHost: 'localhost',
      directoryPath: undefined,
      caCertPath: '/srv/.mock-idp/ca.pem',
      dataDir: '/srv/.mock-idp',
      adminEnabled: false,
      tokenLifetimeSeconds: 86400,
      appTokenLifetimeSeconds: 3599,
    });
  });

  it('keeps its keys beside the CA certificate unless MOCK_IDP_DATA_DIR says otherwise', () => {
    expect(loadMockIdpConfig({ MOCK_IDP_CA_CERT_PATH: 'ca/root.pem' }, '/srv').dataDir).toBe(
      '/srv/ca',
    );
    expect(
      loadMockIdpConfig({ MOCK_IDP_CA_CERT_PATH: 'ca/root.pem', MOCK_IDP_DATA_DIR: 'keys' }, '/srv')
        .dataDir,
    ).toBe('/srv/keys');
  });

  it('accepts port 0 and resolves paths against the working directory', () => {
    const config = loadMockIdpConfig(
      { MOCK_IDP_HTTP_PORT: '0', MOCK_IDP_DIRECTORY: 'dir.json', MOCK_IDP_ADMIN_ENABLED: 'true' },
      '/srv',
    );
    expect(config).toMatchObject({
      httpPort: 0,
      directoryPath: '/srv/dir.json',
      adminEnabled: true,
    });
  });

  it.each([
    [
      { MOCK_IDP_HTTP_PORT: 'eighty' },
      'MOCK_IDP_HTTP_PORT: must be a whole number from 0 to 65535 (got "eighty")',
    ],
    [
      { MOCK_IDP_HTTPS_PORT: '70000' },
      'MOCK_IDP_HTTPS_PORT: must be a whole number from 0 to 65535 (got "70000")',
    ],
    [
      { MOCK_IDP_ADMIN_ENABLED: 'yes' },
      'MOCK_IDP_ADMIN_ENABLED: must be true or false (got "yes")',
    ],
    [
      { MOCK_IDP_TOKEN_LIFETIME_SECONDS: '5' },
      'MOCK_IDP_TOKEN_LIFETIME_SECONDS: must be a whole number from 60 to 2592000 (got "5")',
    ],
    [
      { MOCK_IDP_PUBLIC_HOST: 'https://x/' },
      'MOCK_IDP_PUBLIC_HOST: must be a host name or IP address (got "https://x/")',
    ],
    [{ MOCK_IDP_LOG_LEVEL: 'loud' }, 'MOCK_IDP_LOG_LEVEL: must be one of fatal, error'],
  ])('stops on %j naming the variable', (env, message) => {
    expect(() => loadMockIdpConfig(env, '/srv')).toThrow(message);
  });
});
