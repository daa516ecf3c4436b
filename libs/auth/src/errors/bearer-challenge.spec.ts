import { describe, expect, it } from '@jest/globals';
import { CHALLENGE_RULES, toBearerErrorResponse } from './bearer-challenge.js';
import { TOKEN_VALIDATION_ERROR_CODES, TokenValidationError } from './token-validation-error.js';

describe('toBearerErrorResponse', () => {
  it('maps every code to a 4xx, or to 503 for keys not loaded yet', () => {
    for (const code of TOKEN_VALIDATION_ERROR_CODES) {
      expect([400, 401, 403, 503]).toContain(CHALLENGE_RULES[code].status);
    }
  });

  it('gives a request without credentials a bare challenge (RFC 6750 section 3.1)', () => {
    const response = toBearerErrorResponse(
      new TokenValidationError('ERR_TOKEN_MISSING', 'no header'),
      'api',
    );
    expect(response).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="api"',
      body: { code: 'ERR_TOKEN_MISSING' },
    });
  });

  it('says invalid_token, insufficient_scope or invalid_request with a description', () => {
    expect(
      toBearerErrorResponse(
        new TokenValidationError('ERR_TOKEN_EXPIRED', 'the token has expired'),
        'api',
      ).challenge,
    ).toBe('Bearer realm="api", error="invalid_token", error_description="the token has expired"');
    expect(
      toBearerErrorResponse(new TokenValidationError('ERR_ROLE_MISSING', 'x'), 'api'),
    ).toMatchObject({
      status: 403,
      body: { error: 'insufficient_scope' },
    });
    expect(
      toBearerErrorResponse(new TokenValidationError('ERR_TOKEN_NOT_IN_HEADER', 'x'), 'api').status,
    ).toBe(400);
  });

  it('keeps quotes and backslashes out of the quoted description', () => {
    const { challenge } = toBearerErrorResponse(
      new TokenValidationError('ERR_ISSUER_INVALID', 'issuer "a\\b"\n'),
      'api',
    );
    expect(challenge).toBe(
      `Bearer realm="api", error="invalid_token", error_description="issuer 'a'b''"`,
    );
  });
});
