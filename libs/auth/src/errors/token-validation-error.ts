// One error class for every reason a request's credentials are refused. `code` is stable (callers,
// logs and tests branch on it); `message` explains the reason and is safe to send to the caller.

export const TOKEN_VALIDATION_ERROR_CODES = [
  'ERR_TOKEN_MISSING',
  'ERR_AUTH_SCHEME_UNSUPPORTED',
  'ERR_AUTH_HEADER_MALFORMED',
  'ERR_TOKEN_NOT_IN_HEADER',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TYPE_INVALID',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_HEADER_PARAM_NOT_ALLOWED',
  'ERR_KID_MISSING',
  'ERR_KEY_NOT_FOUND',
  'ERR_KEYS_UNAVAILABLE',
  'ERR_SIGNATURE_INVALID',
  'ERR_CLAIM_MISSING',
  'ERR_CLAIM_INVALID',
  'ERR_VERSION_UNSUPPORTED',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_ISSUER_INVALID',
  'ERR_TENANT_INVALID',
  'ERR_TENANT_MISMATCH',
  'ERR_TENANT_NOT_ALLOWED',
  'ERR_AUDIENCE_INVALID',
  'ERR_CLIENT_NOT_ALLOWED',
  'ERR_NOT_APP_ONLY',
  'ERR_ROLE_MISSING',
  'ERR_SCOPE_MISSING',
  'ERR_SCOPE_OR_ROLE_MISSING',
  'ERR_NO_ROLES_OR_SCOPES',
  'ERR_VALIDATION_FAILED',
] as const;

export type TokenValidationErrorCode = (typeof TOKEN_VALIDATION_ERROR_CODES)[number];

export interface TokenValidationErrorOptions {
  /** The claim (or header parameter) at fault, when one is: `aud`, `iss`, `roles`, `kid`, ... */
  claim?: string;
  /** For a transient failure (keys not loaded yet): when a retry may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class TokenValidationError extends Error {
  override readonly name = 'TokenValidationError';
  readonly claim?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: TokenValidationErrorCode,
    message: string,
    { claim, retryAfterSeconds, cause }: TokenValidationErrorOptions = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    if (claim !== undefined) this.claim = claim;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}
