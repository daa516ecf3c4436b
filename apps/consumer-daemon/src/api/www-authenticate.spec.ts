import { parseBearerChallenge } from './www-authenticate.js';

describe('parseBearerChallenge', () => {
  it('reads the RFC 6750 parameters of a 403', () => {
    expect(
      parseBearerChallenge(
        'Bearer realm="api", error="insufficient_scope", error_description="requires app role \\"consumer\\"", scope="consumer"',
      ),
    ).toEqual({
      realm: 'api',
      error: 'insufficient_scope',
      error_description: 'requires app role "consumer"',
      scope: 'consumer',
    });
  });

  it('accepts token-form values, any case of the scheme, and another challenge first', () => {
    expect(parseBearerChallenge('Basic realm="x", bearer error=invalid_token')).toEqual({
      error: 'invalid_token',
    });
  });

  it('returns an empty challenge for a bare Bearer and nothing without one', () => {
    expect(parseBearerChallenge('Bearer')).toEqual({});
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(undefined)).toBeUndefined();
  });
});
