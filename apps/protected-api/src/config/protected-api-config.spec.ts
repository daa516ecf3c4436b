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
      'BIND_ADDRESS: must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost (got "all")',
    );
  });

  it('reports every bad variable at once, AUTH_* included, in one error', () => {
    let error: unknown;
    try {
      parseProtectedApiConfig({ ...MINIMAL, PORT: '70000', AUTH_TENANT_ID: 'contoso' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtectedApiConfigError);
    expect((error as InstanceType<typeof ProtectedApiConfigError>).issues).toEqual([
      { variable: 'PORT', problem: 'must be a whole number from 0 to 65535 (got "70000")' },
      { variable: 'AUTH_TENANT_ID', problem: 'must be a GUID (got "contoso")' },
    ]);
  });
});
