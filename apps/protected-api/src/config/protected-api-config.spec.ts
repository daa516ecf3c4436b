import { describe, expect, it } from '@jest/globals';
import { ProtectedApiConfigError, parseProtectedApiConfig } from './protected-api-config.js';

const MINIMAL = {
  AUTH_TENANT_ID: 'ea1bae79-6a70-405e-bc84-40037bcde9ec',
  AUTH_AUDIENCES: 'https://myapp.aztoso.com',
};

describe('parseProtectedApiConfig: BIND_ADDRESS', () => {
  it('listens on every interface unless BIND_ADDRESS names an address', () => {
    expect(parseProtectedApiConfig(MINIMAL).bindAddress).toBeUndefined();
    expect(parseProtectedApiConfig({ ...MINIMAL, BIND_ADDRESS: '127.0.0.1' }).bindAddress).toBe(
      '127.0.0.1',
    );
    expect(parseProtectedApiConfig({ ...MINIMAL, BIND_ADDRESS: 'localhost' }).bindAddress).toBe(
      'localhost',
    );
  });

  it('refuses a value that is not an IP address, naming the variable', () => {
    expect(() => parseProtectedApiConfig({ ...MINIMAL, BIND_ADDRESS: 'all' })).toThrow(
      new ProtectedApiConfigError(
        'BIND_ADDRESS must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost (got "all")',
      ),
    );
  });
});
