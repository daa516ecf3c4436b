// One interface for "give me a bearer token for the API", whatever the credential behind it.
// The SDK credential owns the cache (one IdP request per token lifetime, refresh at half-life) and
// is asked first, every time. This class adds the re-acquire after a 401, and one thing the SDK
// does not do: when its half-life refresh cannot reach the IdP at all (connection refused, DNS),
// msal-node throws instead of returning the still-valid cached token (it keeps that token only for
// HTTP error answers). The token the SDK last handed out is then used until 5 minutes before its
// expiry, which is what lets a daemon with 24 h managed-identity tokens ride out a 12 h IdP outage.
import { Logger } from '@nestjs/common';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { AuthMode } from '../config/daemon-config.js';

export class TokenUnavailableError extends Error {
  readonly code = 'TOKEN_UNAVAILABLE';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenUnavailableError';
  }
}

/** Injection token and contract for the two implementations. */
export abstract class TokenProvider {
  abstract readonly mode: AuthMode;
  /** The identities involved, for logs (client ids only). */
  abstract readonly caller: Readonly<Record<string, string>>;
  /** Expiry of the last token handed out. */
  abstract readonly expiresOn: Date | undefined;
  /** A token from the SDK (its cache first). Throws TokenUnavailableError. */
  abstract getToken(): Promise<AccessToken>;
  /**
   * After the API refused a token: a token that bypasses every cache (it then serves later calls),
   * at most once per REACQUIRE_MIN_INTERVAL_MS; within that interval the current token.
   */
  abstract reacquire(): Promise<AccessToken>;
}

/** The SDK's own margin: a token this close to expiry counts as expired. */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * Default fewest milliseconds between a token fresh from the IdP and the next cache-bypassing
 * request (TOKEN_REACQUIRE_MIN_INTERVAL_MS). When a fresh token is refused too, the cause is not
 * the token (audience, tenant, the API's keys): asking the IdP again on every call would only load
 * it. This bounds the IdP requests of a 401 loop; failed requests are bounded by the backoff.
 */
export const REACQUIRE_MIN_INTERVAL_MS = 30_000;

export abstract class CredentialTokenProvider extends TokenProvider {
  private readonly logger = new Logger(TokenProvider.name);
  private credential: TokenCredential | undefined;
  /** The token the SDK last handed out: served only while the SDK fails and it is still valid. */
  private lastToken: AccessToken | undefined;
  private pendingReacquire: Promise<AccessToken> | undefined;
  /** When reacquire() last got a token from the IdP. */
  private lastFreshTokenAt: number | undefined;
  /** See REACQUIRE_MIN_INTERVAL_MS. */
  reacquireMinIntervalMs = REACQUIRE_MIN_INTERVAL_MS;

  protected constructor(protected readonly scope: string) {
    super();
  }

  protected abstract createCredential(): TokenCredential;

  /**
   * A token that no cache answered. By default from a new credential instance, which has a cache
   * of its own (true of ClientAssertionCredential, not of managed identity: see its override).
   */
  protected async freshToken(): Promise<AccessToken> {
    this.credential = this.createCredential();
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error(`the credential returned no token for ${this.scope}`);
    return token;
  }

  get expiresOn(): Date | undefined {
    return this.lastToken === undefined ? undefined : new Date(this.lastToken.expiresOnTimestamp);
  }

  getToken(): Promise<AccessToken> {
    return this.fromCredential(true);
  }

  private async fromCredential(mayServeLastToken: boolean): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      this.credential ??= this.createCredential();
      token = await this.credential.getToken(this.scope);
    } catch (error) {
      const last = this.lastToken;
      if (mayServeLastToken && last && last.expiresOnTimestamp - Date.now() > EXPIRY_MARGIN_MS) {
        this.logger.warn(
          `${this.mode}: the identity provider failed (${(error as Error).message}); ` +
            `using the token it issued before, valid until ${new Date(last.expiresOnTimestamp).toISOString()}`,
        );
        return last;
      }
      throw new TokenUnavailableError(
        `${this.mode}: no token for ${this.scope}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!token)
      throw new TokenUnavailableError(
        `${this.mode}: the credential returned no token for ${this.scope}`,
      );
    this.lastToken = token;
    return token;
  }

  reacquire(): Promise<AccessToken> {
    // Concurrent 401s share one re-acquisition.
    this.pendingReacquire ??= (async () => {
      const now = Date.now();
      if (
        this.lastFreshTokenAt !== undefined &&
        now - this.lastFreshTokenAt < this.reacquireMinIntervalMs
      ) {
        // The API has just refused the last token: never hand it back as a fallback.
        return this.fromCredential(false);
      }
      try {
        this.lastToken = await this.freshToken();
        this.lastFreshTokenAt = Date.now();
        return this.lastToken;
      } catch (error) {
        throw new TokenUnavailableError(
          `${this.mode}: no new token for ${this.scope}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    })().finally(() => {
      this.pendingReacquire = undefined;
    });
    return this.pendingReacquire;
  }
}
