// Signing keys of one JWKS, by kid. Not jose's createRemoteJWKSet: once its cacheMaxAge passes, that
// one awaits a refetch on every request and fails them all while the IdP is down, and a failed
// fetch does not start its cooldown, so unknown kids hammer an IdP that is down. Here (as in
// Microsoft.Identity.Web):
// - the owner refreshes the set periodically (EntraAuthority, every 12 h by default), so a key the
//   IdP removed stops validating; cached keys keep serving while the IdP is down;
// - an unknown kid forces a refresh at most once per cooldown (5 min by default), single-flight,
//   so a flood of random kids costs at most one JWKS request per cooldown. A forced refresh that
//   found its kid (a real key rollover) does not start the cooldown: the next rollover is picked
//   up as quickly.
// - a key may name its issuer (Entra's v2 keys do, with a {tenantid} placeholder): tokens it
//   signed must carry that issuer (checked by the claim policy).
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { FetchJson } from '../metadata/fetch-json.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import { secondsUntil } from '../authority/seconds-until.js';

export interface SigningKeyStoreOptions {
  jwksUri: string;
  fetchJson: FetchJson;
  timeoutMs: number;
  cooldownMs: number;
  now?: () => number;
  onRefreshFailed?: (error: Error) => void;
}

// RS256 with less than 2048-bit keys is refused (as jose and Entra do).
const MIN_MODULUS_BASE64URL_LENGTH = Math.ceil((2048 / 8) * (4 / 3));

function isUsableRsaSigningKey(jwk: Record<string, unknown>): boolean {
  return (
    jwk.kty === 'RSA' &&
    typeof jwk.kid === 'string' &&
    jwk.kid.length > 0 &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.alg === undefined || jwk.alg === 'RS256') &&
    typeof jwk.n === 'string' &&
    jwk.n.length >= MIN_MODULUS_BASE64URL_LENGTH &&
    typeof jwk.e === 'string'
  );
}

/** A published key, and the issuer it is for when the JWK says (`issuer`, maybe `{tenantid}`). */
export interface SigningKey {
  key: KeyObject;
  issuer?: string;
}

interface ImportedKey extends SigningKey {
  /** The JWK members the key was imported from; an unchanged JWK keeps its imported key. */
  source: string;
}

const keySource = ({ kty, n, e, x5c, issuer }: Record<string, unknown>) =>
  JSON.stringify([kty, n, e, x5c, issuer]);

/**
 * The usable keys of a JWK set. A kid whose JWK did not change keeps its previous key object, so
 * that a refresh (which anyone can trigger with an unknown kid) does not invalidate the tokens
 * verified with it (see VerifiedTokenCache and holds()).
 */
function importKeySet(
  document: unknown,
  jwksUri: string,
  previous: ReadonlyMap<string, ImportedKey>,
): Map<string, ImportedKey> {
  const entries = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries)) throw new Error(`${jwksUri} is not a JWK set`);
  const keys = new Map<string, ImportedKey>();
  for (const entry of entries as Record<string, unknown>[]) {
    if (entry === null || typeof entry !== 'object' || !isUsableRsaSigningKey(entry)) continue;
    const kid = entry.kid as string;
    if (keys.has(kid)) continue;
    const source = keySource(entry);
    const unchanged = previous.get(kid);
    if (unchanged?.source === source) {
      keys.set(kid, unchanged);
      continue;
    }
    const { n, e } = entry as { n: string; e: string };
    const issuer = typeof entry.issuer === 'string' && entry.issuer ? entry.issuer : undefined;
    try {
      // A node:crypto key: the validator verifies with one synchronous call (no WebCrypto job).
      const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) continue;
      keys.set(kid, issuer === undefined ? { key, source } : { key, issuer, source });
    } catch {
      // One unusable key must not take the whole set down.
    }
  }
  if (keys.size === 0) throw new Error(`${jwksUri} has no usable RS256 signing key`);
  return keys;
}

export class SigningKeyStore {
  private keys = new Map<string, ImportedKey>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** Last forced refresh that did not bring the kid it was for (or failed): starts the cooldown. */
  private forcedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SigningKeyStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get jwksUri(): string {
    return this.options.jwksUri;
  }

  get loaded(): boolean {
    return this.loadedAt !== Number.NEGATIVE_INFINITY;
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  /** True while `key` is still the key published under `kid` (it has not been rotated out). */
  holds(kid: string, key: KeyObject): boolean {
    return this.keys.get(kid)?.key === key;
  }

  /**
   * The metadata no longer names this key set (its jwks_uri changed): none of its keys vouches for
   * a token any more, including tokens remembered as verified with them.
   */
  retire(): void {
    this.keys = new Map();
  }

  /** Fetches the key set now (joining a fetch in flight); rejects when the fetch fails. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async getKey(kid: string): Promise<SigningKey> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.inflight || this.now() - this.forcedAt >= this.options.cooldownMs) {
      await this.refresh().catch(() => undefined);
      const fetched = this.keys.get(kid);
      if (fetched) return fetched;
      this.forcedAt = this.now();
    }
    if (!this.loaded) {
      throw new TokenValidationError(
        'ERR_KEYS_UNAVAILABLE',
        'the signing keys of the issuer could not be loaded yet; retry later',
        { retryAfterSeconds: secondsUntil(this.forcedAt + this.options.cooldownMs, this.now()) },
      );
    }
    throw new TokenValidationError(
      'ERR_KEY_NOT_FOUND',
      `no signing key with the token's kid "${kid.slice(0, 64)}"`,
      { claim: 'kid' },
    );
  }

  private async fetchKeys(): Promise<void> {
    try {
      const document = await this.options.fetchJson(this.options.jwksUri, this.options.timeoutMs);
      this.keys = importKeySet(document, this.options.jwksUri, this.keys);
      this.loadedAt = this.now();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.options.onRefreshFailed?.(failure);
      throw failure;
    }
  }
}
