// The re-acquire bound of CredentialTokenProvider, with a counting TokenCredential of our own (the
// SDK credentials are exercised against the emulator in test/).
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CredentialTokenProvider, REACQUIRE_MIN_INTERVAL_MS } from './token-provider.js';

class CountingProvider extends CredentialTokenProvider {
  readonly mode = 'federated' as const;
  readonly caller = { test: 'yes' };
  issued = 0;

  constructor() {
    super('https://api.example/.default');
  }

  /** Like the SDK's: each instance asks the IdP once, then answers from its cache. */
  protected createCredential(): TokenCredential {
    let cached: AccessToken | undefined;
    return {
      getToken: async (): Promise<AccessToken> =>
        (cached ??= { token: `token-${++this.issued}`, expiresOnTimestamp: Date.now() + 3600_000 }),
    };
  }
}

describe('CredentialTokenProvider.reacquire', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('asks the IdP at most once per REACQUIRE_MIN_INTERVAL_MS; within it, the current token', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const provider = new CountingProvider();
    expect((await provider.getToken()).token).toBe('token-1');
    expect((await provider.reacquire()).token).toBe('token-2');
    // A 401 loop: the new token is refused too; no new IdP request for a while.
    expect((await provider.reacquire()).token).toBe('token-2');
    expect((await provider.reacquire()).token).toBe('token-2');
    expect(provider.issued).toBe(2);

    now += REACQUIRE_MIN_INTERVAL_MS;
    expect((await provider.reacquire()).token).toBe('token-3');
  });

  it('lets concurrent 401s share one re-acquisition', async () => {
    const provider = new CountingProvider();
    await provider.getToken();
    const tokens = await Promise.all([provider.reacquire(), provider.reacquire()]);
    expect(tokens.map((token) => token.token)).toEqual(['token-2', 'token-2']);
    expect(provider.issued).toBe(2);
  });
});
