// Tokens that passed every check, by their exact text, so that a caller presenting the same token
// again (the normal case: one token for ~24 h) does not cost a signature verification per request
// (the approach of Envoy's jwt_authn cache). Only lifetime is rechecked on a hit; an entry stops
// counting once its signing key leaves the key set. Bounded: the oldest entry makes room.
import type { CryptoKey } from 'jose';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import type { SigningKeyStore } from '../keys/signing-key-store.js';

export interface VerifiedToken {
  token: string;
  principal: CallerPrincipal;
  kid: string;
  key: CryptoKey;
  keys: SigningKeyStore;
}

// Hashing a whole token for each lookup costs more than hashing the end of its signature; the
// full text is compared on a hit.
const entryId = (token: string) => token.slice(-48);

export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): VerifiedToken | undefined {
    const id = entryId(token);
    const entry = this.entries.get(id);
    if (!entry || entry.token !== token) return undefined;
    if (!entry.keys.holds(entry.kid, entry.key)) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  set(entry: VerifiedToken): void {
    if (this.maxEntries === 0) return;
    if (this.entries.size >= this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(entryId(entry.token), entry);
  }

  delete(token: string): void {
    this.entries.delete(entryId(token));
  }
}
