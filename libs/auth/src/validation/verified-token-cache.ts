// Tokens that passed every check, by their exact text, so that a caller presenting the same token
// again (the normal case: one token for ~24 h) does not cost a signature verification per request
// (the approach of Envoy's jwt_authn cache). Only lifetime is rechecked on a hit; an entry stops
// counting once its signing key leaves the key set.
// Bounded by memory, not by a count: entries are charged what they hold (the token text and its
// claims), and the oldest entries make room. The 48 MiB default holds ~15,000 typical Entra tokens,
// so 10,000 callers each presenting their own token do not evict each other; a flood of distinct
// valid tokens costs at most the budget.
import type { KeyObject } from 'node:crypto';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import type { SigningKeyStore } from '../keys/signing-key-store.js';

export interface VerifiedToken {
  token: string;
  principal: CallerPrincipal;
  kid: string;
  key: KeyObject;
  keys: SigningKeyStore;
}

// Heap taken by one entry, a little over what was measured with Entra-shaped v1 tokens of 1,416
// characters (2.7 KB per entry; README "Performance"): the token text (one byte per character),
// the decoded claims (less than a byte per character: the payload is most of the token) and fixed
// costs (principal, entry, map slot and key).
const FIXED_ENTRY_BYTES = 400;
const BYTES_PER_TOKEN_CHARACTER = 2;
export const estimatedEntryBytes = (token: string) =>
  FIXED_ENTRY_BYTES + BYTES_PER_TOKEN_CHARACTER * token.length;

// Hashing a whole token for each lookup costs more than hashing the end of its signature; the
// full text is compared on a hit.
const entryId = (token: string) => token.slice(-48);

export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();
  private oldestFirst: MapIterator<[string, VerifiedToken]> = this.entries.entries();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Estimated heap held by the entries. */
  get estimatedBytes(): number {
    return this.bytes;
  }

  get(token: string): VerifiedToken | undefined {
    const id = entryId(token);
    const entry = this.entries.get(id);
    if (!entry || entry.token !== token) return undefined;
    if (!entry.keys.holds(entry.kid, entry.key)) {
      this.remove(id, entry);
      return undefined;
    }
    return entry;
  }

  set(entry: VerifiedToken): void {
    const cost = estimatedEntryBytes(entry.token);
    if (cost > this.maxBytes) return;
    const id = entryId(entry.token);
    const replaced = this.entries.get(id);
    if (replaced) this.remove(id, replaced);
    while (this.bytes + cost > this.maxBytes && this.evictOldest());
    this.entries.set(id, entry);
    this.bytes += cost;
  }

  delete(token: string): void {
    const id = entryId(token);
    const entry = this.entries.get(id);
    if (entry) this.remove(id, entry);
  }

  /**
   * Removes the oldest entry; false when there is none. One iterator walks the map in insertion
   * order from call to call: a new loop from the start each time would step over the slots of
   * every entry evicted since V8 last rehashed the map (thousands, at 15,000 entries).
   */
  private evictOldest(): boolean {
    let next = this.oldestFirst.next();
    // A finished iterator stays finished, whatever is added later: start a new walk.
    if (next.done) next = (this.oldestFirst = this.entries.entries()).next();
    if (next.done) return false;
    this.remove(...next.value);
    return true;
  }

  private remove(id: string, entry: VerifiedToken): void {
    this.entries.delete(id);
    this.bytes -= estimatedEntryBytes(entry.token);
  }
}
