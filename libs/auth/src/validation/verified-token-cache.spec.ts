import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CallerPrincipal } from '../claims/caller-principal.js';
import type { SigningKeyStore } from '../keys/signing-key-store.js';
import { VerifiedTokenCache, estimatedEntryBytes } from './verified-token-cache.js';

const KEY = {} as KeyObject;
const principal = {} as CallerPrincipal;
let published = new Map([['k1', KEY]]);
const keys = {
  holds: (kid: string, key: KeyObject) => published.get(kid) === key,
} as SigningKeyStore;

/** A distinct token as long as a typical Entra v1 access token. */
const token = (length = 1400) => randomBytes(length).toString('base64url').slice(0, length);
const entry = (text: string) => ({ token: text, principal, kid: 'k1', key: KEY, keys });

describe('VerifiedTokenCache', () => {
  it('holds 10,000 callers with one token each in the default 48 MiB: none evicts another', () => {
    const cache = new VerifiedTokenCache(48 * 2 ** 20);
    const tokens = Array.from({ length: 10_000 }, () => token());
    for (const text of tokens) cache.set(entry(text));
    expect(cache.size).toBe(10_000);
    expect(tokens.every((text) => cache.get(text)?.token === text)).toBe(true);
  });

  it('is bounded by memory: a flood of distinct tokens evicts the oldest, longer tokens count more', () => {
    const budget = 20 * estimatedEntryBytes(token());
    const cache = new VerifiedTokenCache(budget);
    const flood = Array.from({ length: 500 }, () => token());
    for (const text of flood) cache.set(entry(text));
    expect(cache.size).toBe(20);
    expect(cache.estimatedBytes).toBeLessThanOrEqual(budget);
    expect(cache.get(flood[0])).toBeUndefined();
    expect(cache.get(flood[499])).toBeDefined();

    cache.set(entry(token(4000)));
    expect(cache.size).toBeLessThan(20);
    expect(cache.estimatedBytes).toBeLessThanOrEqual(budget);
  });

  it('evicts in insertion order across replacements, deletions and many evictions', () => {
    const cache = new VerifiedTokenCache(3 * estimatedEntryBytes(token()));
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => token());
    for (const text of [a, b, c]) cache.set(entry(text));
    cache.set(entry(a)); // a again: now the newest
    cache.set(entry(d)); // evicts b, the oldest
    expect([a, b, c, d].map((text) => cache.get(text) !== undefined)).toEqual([
      true,
      false,
      true,
      true,
    ]);
    cache.delete(c);
    cache.set(entry(e)); // room left by c: nothing evicted
    expect([a, d, e].every((text) => cache.get(text) !== undefined)).toBe(true);
    // A long run of evictions keeps the newest three.
    const later = Array.from({ length: 1000 }, () => token());
    for (const text of later) cache.set(entry(text));
    expect(cache.size).toBe(3);
    expect(later.slice(-3).every((text) => cache.get(text) !== undefined)).toBe(true);
  });

  it('answers only the exact token text (same last characters is not enough)', () => {
    const cache = new VerifiedTokenCache(2 ** 20);
    const text = token();
    cache.set(entry(text));
    expect(cache.get(`x${text.slice(1)}`)).toBeUndefined();
    expect(cache.get(text)).toBeDefined();
  });

  it('forgets a token once its signing key is no longer published, and on delete', () => {
    const cache = new VerifiedTokenCache(2 ** 20);
    const [first, second] = [token(), token()];
    cache.set(entry(first));
    cache.set(entry(second));
    cache.delete(second);
    expect(cache.get(second)).toBeUndefined();
    published = new Map([['k1', {} as KeyObject]]);
    expect(cache.get(first)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.estimatedBytes).toBe(0);
  });

  it('remembers nothing with a budget of 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set(entry(token()));
    expect(cache.size).toBe(0);
  });
});
