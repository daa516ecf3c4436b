// The single mapping from a TokenValidationError code to its RFC 6750 response: status, the
// `error` attribute of the Bearer challenge, and the challenge header itself.
import type { TokenValidationError, TokenValidationErrorCode } from './token-validation-error.js';

export type BearerErrorAttribute = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

interface ChallengeRule {
  status: 400 | 401 | 403;
  /** Absent when the request carried no bearer credentials at all (RFC 6750 section 3.1). */
  error?: BearerErrorAttribute;
}

const NO_CREDENTIALS: ChallengeRule = { status: 401 };
const INVALID_REQUEST: ChallengeRule = { status: 400, error: 'invalid_request' };
const INVALID_TOKEN: ChallengeRule = { status: 401, error: 'invalid_token' };
const INSUFFICIENT_SCOPE: ChallengeRule = { status: 403, error: 'insufficient_scope' };

export const CHALLENGE_RULES: Readonly<Record<TokenValidationErrorCode, ChallengeRule>> = {
  ERR_TOKEN_MISSING: NO_CREDENTIALS,
  ERR_AUTH_SCHEME_UNSUPPORTED: NO_CREDENTIALS,
  ERR_AUTH_HEADER_MALFORMED: INVALID_REQUEST,
  ERR_TOKEN_NOT_IN_HEADER: INVALID_REQUEST,
  ERR_TOKEN_TOO_LARGE: INVALID_TOKEN,
  ERR_TOKEN_MALFORMED: INVALID_TOKEN,
  ERR_TOKEN_TYPE_INVALID: INVALID_TOKEN,
  ERR_ALG_NOT_ALLOWED: INVALID_TOKEN,
  ERR_HEADER_PARAM_NOT_ALLOWED: INVALID_TOKEN,
  ERR_KID_MISSING: INVALID_TOKEN,
  ERR_KEY_NOT_FOUND: INVALID_TOKEN,
  ERR_KEYS_UNAVAILABLE: INVALID_TOKEN,
  ERR_SIGNATURE_INVALID: INVALID_TOKEN,
  ERR_CLAIM_MISSING: INVALID_TOKEN,
  ERR_CLAIM_INVALID: INVALID_TOKEN,
  ERR_VERSION_UNSUPPORTED: INVALID_TOKEN,
  ERR_TOKEN_EXPIRED: INVALID_TOKEN,
  ERR_TOKEN_NOT_YET_VALID: INVALID_TOKEN,
  ERR_ISSUER_INVALID: INVALID_TOKEN,
  ERR_TENANT_INVALID: INVALID_TOKEN,
  ERR_TENANT_MISMATCH: INVALID_TOKEN,
  ERR_TENANT_NOT_ALLOWED: INVALID_TOKEN,
  ERR_AUDIENCE_INVALID: INVALID_TOKEN,
  ERR_CLIENT_NOT_ALLOWED: INSUFFICIENT_SCOPE,
  ERR_NOT_APP_ONLY: INSUFFICIENT_SCOPE,
  ERR_ROLE_MISSING: INSUFFICIENT_SCOPE,
  ERR_VALIDATION_FAILED: INVALID_TOKEN,
};

export interface BearerErrorResponse {
  status: 400 | 401 | 403;
  /** Value of the WWW-Authenticate header. */
  challenge: string;
  body: {
    statusCode: number;
    error: BearerErrorAttribute | 'unauthorized';
    code: TokenValidationErrorCode;
    message: string;
  };
}

// RFC 6750 section 3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "'").slice(0, 300);
}

export function toBearerErrorResponse(
  error: TokenValidationError,
  realm: string,
): BearerErrorResponse {
  const rule = CHALLENGE_RULES[error.code] ?? INVALID_TOKEN;
  const params = [`realm="${quotable(realm)}"`];
  if (rule.error) {
    params.push(`error="${rule.error}"`, `error_description="${quotable(error.message)}"`);
  }
  return {
    status: rule.status,
    challenge: `Bearer ${params.join(', ')}`,
    body: {
      statusCode: rule.status,
      error: rule.error ?? 'unauthorized',
      code: error.code,
      message: error.message,
    },
  };
}
