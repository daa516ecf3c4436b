// The single mapping from a TokenValidationError code to its RFC 6750 response: status, the
// `error` attribute of the Bearer challenge, and the challenge header itself. One code is not the
// caller's fault: signing keys not loaded yet (IdP slow or down just after start) is a 503 with
// Retry-After, still a refusal (fail closed) but one that says "try again", not "get a new token".
import type { TokenValidationError, TokenValidationErrorCode } from './token-validation-error.js';

export type BearerErrorAttribute = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

interface ChallengeRule {
  status: 400 | 401 | 403 | 503;
  /** Absent when the request carried no bearer credentials at all (RFC 6750 section 3.1). */
  error?: BearerErrorAttribute;
}

/** Retry-After of a 503 when the error does not say (the authority retries within seconds). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

const NO_CREDENTIALS: ChallengeRule = { status: 401 };
const INVALID_REQUEST: ChallengeRule = { status: 400, error: 'invalid_request' };
const INVALID_TOKEN: ChallengeRule = { status: 401, error: 'invalid_token' };
const INSUFFICIENT_SCOPE: ChallengeRule = { status: 403, error: 'insufficient_scope' };
const TEMPORARILY_UNAVAILABLE: ChallengeRule = { status: 503 };

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
  ERR_KEYS_UNAVAILABLE: TEMPORARILY_UNAVAILABLE,
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
  ERR_SCOPE_MISSING: INSUFFICIENT_SCOPE,
  ERR_SCOPE_OR_ROLE_MISSING: INSUFFICIENT_SCOPE,
  ERR_NO_ROLES_OR_SCOPES: INSUFFICIENT_SCOPE,
  ERR_VALIDATION_FAILED: INVALID_TOKEN,
};

export interface BearerErrorResponse {
  status: ChallengeRule['status'];
  /** Value of the WWW-Authenticate header (absent on a 503: the credentials are not at fault). */
  challenge?: string;
  /** Value of the Retry-After header, in seconds (503 only). */
  retryAfterSeconds?: number;
  body: {
    statusCode: number;
    error: BearerErrorAttribute | 'unauthorized' | 'temporarily_unavailable';
    code: TokenValidationErrorCode;
    message: string;
    /** The claim or header parameter at fault, when one is. */
    claim?: string;
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
  const { code, message, claim } = error;
  const body = {
    statusCode: rule.status,
    code,
    message,
    ...(claim === undefined ? {} : { claim }),
  };
  if (rule.status === 503) {
    return {
      status: rule.status,
      retryAfterSeconds: error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
      body: { ...body, error: 'temporarily_unavailable' },
    };
  }
  const params = [`realm="${quotable(realm)}"`];
  if (rule.error) {
    params.push(`error="${rule.error}"`, `error_description="${quotable(message)}"`);
  }
  return {
    status: rule.status,
    challenge: `Bearer ${params.join(', ')}`,
    body: { ...body, error: rule.error ?? 'unauthorized' },
  };
}
