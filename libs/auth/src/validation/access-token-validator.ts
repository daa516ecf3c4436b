// Validates an Entra access token the way Microsoft.Identity.Web does, as a pipeline of small
// stages (the shape of jose's jwt/verify.ts):
//   remembered? -> structure -> signing key (by kid) -> signature -> claim types -> claim policy.
// A token that passed every stage is remembered by its exact text, so that the next request with it
// is answered synchronously with only its lifetime (and its key still being published) rechecked.
import { Inject, Injectable } from '@nestjs/common';
import { verify, type KeyObject } from 'node:crypto';
import { AUTH_OPTIONS } from '../auth.constants.js';
import { EntraAuthority } from '../authority/entra-authority.js';
import { toCallerPrincipal, type CallerPrincipal } from '../claims/caller-principal.js';
import type { ResolvedAuthOptions } from '../config/auth-options.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { checkClaimTypes } from './claim-types.js';
import { checkClaimPolicy, checkLifetime } from './claim-policy.js';
import { parseTokenStructure, type TokenStructure } from './token-structure.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

// RS256 = RSASSA-PKCS1-v1_5 with SHA-256 (node:crypto's default padding for RSA keys). One
// synchronous call: WebCrypto's verify (jose) took a promise, a job and two event-loop turns, about
// twice the CPU of the verification itself (bench/README.md, profile).
function verifySignature(
  { protectedHeader, payload, signature }: TokenStructure,
  key: KeyObject,
): void {
  let valid = false;
  try {
    valid = verify(
      'sha256',
      Buffer.from(`${protectedHeader}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    // A signature node:crypto cannot even process is not a valid one.
  }
  if (!valid)
    throw new TokenValidationError('ERR_SIGNATURE_INVALID', 'the token signature is invalid');
}

@Injectable()
export class AccessTokenValidator {
  private readonly verified: VerifiedTokenCache;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly authority: EntraAuthority,
  ) {
    this.verified = new VerifiedTokenCache(options.verifiedTokenCacheBytes);
  }

  /**
   * The caller of a valid token; throws (or rejects with) a TokenValidationError otherwise.
   * A token validated before is answered synchronously: no promise on the hot path.
   */
  validate(token: string): CallerPrincipal | Promise<CallerPrincipal> {
    if (token.length > this.options.maxTokenLength) {
      throw new TokenValidationError(
        'ERR_TOKEN_TOO_LARGE',
        `the token is longer than ${this.options.maxTokenLength} characters`,
      );
    }
    const remembered = this.verified.get(token);
    if (!remembered) return this.validateNew(token);
    try {
      checkLifetime(remembered.principal.claims, this.options.clockSkewSeconds);
    } catch (error) {
      this.verified.delete(token);
      throw error;
    }
    return remembered.principal;
  }

  private async validateNew(token: string): Promise<CallerPrincipal> {
    const structure = parseTokenStructure(token);
    const authority = this.authority.forVersion(structure.version);
    const { keys } = authority;
    const { key, issuer: keyIssuer } = await keys.getKey(structure.kid);
    verifySignature(structure, key);
    const claims = checkClaimTypes(structure.claims, structure.version);
    const issuers = {
      metadata: authority.issuer,
      signingKey: keyIssuer,
      v2Metadata: this.authority.issuerOf('2.0'),
    };
    checkClaimPolicy(claims, issuers, this.options);
    const principal = toCallerPrincipal(claims);
    this.verified.set({ token, principal, kid: structure.kid, key, keys });
    return principal;
  }
}
