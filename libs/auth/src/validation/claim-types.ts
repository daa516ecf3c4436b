// Stage 3 of validation (after the signature): every claim the policy reads is present and has the
// type Entra gives it, so that the policy stage works on EntraAccessTokenClaims, not on unknowns.
import type {
  EntraAccessTokenClaims,
  EntraTokenVersion,
} from '../claims/entra-access-token-claims.js';
import { TokenValidationError } from '../errors/token-validation-error.js';

function missing(claim: string): never {
  throw new TokenValidationError('ERR_CLAIM_MISSING', `the token has no "${claim}" claim`, {
    claim,
  });
}

function invalid(claim: string, expected: string): never {
  throw new TokenValidationError('ERR_CLAIM_INVALID', `the "${claim}" claim must be ${expected}`, {
    claim,
  });
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

export function checkClaimTypes(
  claims: Record<string, unknown>,
  version: EntraTokenVersion,
): EntraAccessTokenClaims {
  if (claims.exp === undefined) missing('exp');
  for (const claim of ['exp', 'nbf', 'iat']) {
    const value = claims[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      invalid(claim, 'a NumericDate');
  }
  for (const claim of ['iss', 'tid', 'oid', 'sub', version === '1.0' ? 'appid' : 'azp']) {
    const value = claims[claim];
    if (value === undefined) missing(claim);
    if (typeof value !== 'string' || value.length === 0) invalid(claim, 'a non-empty string');
  }
  const { aud, roles, scp, idtyp } = claims;
  if (aud === undefined) missing('aud');
  if (typeof aud !== 'string' && !(isStringArray(aud) && aud.length > 0))
    invalid('aud', 'a string');
  if (roles !== undefined && !isStringArray(roles)) invalid('roles', 'an array of strings');
  if (scp !== undefined && typeof scp !== 'string') invalid('scp', 'a space-separated string');
  if (idtyp !== undefined && typeof idtyp !== 'string') invalid('idtyp', 'a string');
  return claims as EntraAccessTokenClaims;
}
