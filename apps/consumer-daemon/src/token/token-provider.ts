// One interface for "give me a bearer token for the API", whatever the credential behind it.
// The SDK credential owns the cache (one IdP request per token lifetime, refresh at half-life,
// the old token kept while a refresh fails); this class only adds the re-acquire after a 401 and
// remembers the expiry for /status and the logs. It never keeps the token itself.
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
  /** After the API refused a token: a token from a new credential instance, which then serves later calls. */
  abstract reacquire(): Promise<AccessToken>;
}

export abstract class CredentialTokenProvider extends TokenProvider {
  private credential: TokenCredential | undefined;
  private lastExpiresOn: number | undefined;
  private pendingReacquire: Promise<AccessToken> | undefined;

  protected constructor(private readonly scope: string) {
    super();
  }

  protected abstract createCredential(): TokenCredential;

  get expiresOn(): Date | undefined {
    return this.lastExpiresOn === undefined ? undefined : new Date(this.lastExpiresOn);
  }

  async getToken(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      this.credential ??= this.createCredential();
      token = await this.credential.getToken(this.scope);
    } catch (error) {
      throw new TokenUnavailableError(
        `${this.mode}: no token for ${this.scope}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!token)
      throw new TokenUnavailableError(
        `${this.mode}: the credential returned no token for ${this.scope}`,
      );
    this.lastExpiresOn = token.expiresOnTimestamp;
    return token;
  }

  reacquire(): Promise<AccessToken> {
    // Concurrent 401s share one re-acquisition instead of each building a credential.
    this.pendingReacquire ??= (async () => {
      this.credential = this.createCredential();
      return this.getToken();
    })().finally(() => {
      this.pendingReacquire = undefined;
    });
    return this.pendingReacquire;
  }
}
