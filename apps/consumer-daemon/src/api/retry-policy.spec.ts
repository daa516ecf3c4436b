import {
  actionForFailure,
  backoffDelayMs,
  decideRetry,
  parseRetryAfterMs,
} from './retry-policy.js';

const BOUNDS = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const lowest = () => 0;
const highest = () => 1;

describe('actionForFailure', () => {
  it.each([
    [401, 'reacquire-token'],
    [403, 'give-up'],
    [400, 'give-up'],
    [404, 'give-up'],
    [501, 'give-up'],
    [408, 'retry-later'],
    [429, 'retry-later'],
    [500, 'retry-later'],
    [502, 'retry-later'],
    [503, 'retry-later'],
    [504, 'retry-later'],
    [undefined, 'retry-later'],
  ] as const)('%s -> %s', (status, action) => {
    expect(actionForFailure(status)).toBe(action);
  });
});

describe('backoffDelayMs', () => {
  it('doubles the ceiling with each retry and jitters within its upper half', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, BOUNDS, highest))).toEqual([
      100, 200, 400, 800,
    ]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, BOUNDS, lowest))).toEqual([
      50, 100, 200, 400,
    ]);
    expect(backoffDelayMs(3, BOUNDS, () => 0.5)).toBe(300);
  });

  it('never exceeds the maximum delay, however many retries', () => {
    expect(backoffDelayMs(5, BOUNDS, highest)).toBe(1000);
    expect(backoffDelayMs(10_000, BOUNDS, highest)).toBe(1000);
    expect(backoffDelayMs(10_000, BOUNDS, lowest)).toBe(500);
  });

  it('spreads real random delays over the whole jitter window', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelayMs(4, BOUNDS));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...delays)).toBeLessThanOrEqual(800);
    expect(new Set(delays).size).toBeGreaterThan(20);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  it('retries with backoff until maxAttempts attempts were made', () => {
    expect(decideRetry(1, BOUNDS, undefined, highest)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(3, BOUNDS, undefined, highest)).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(4, BOUNDS, undefined, highest)).toEqual({
      retry: false,
      retryAfterMs: undefined,
    });
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(decideRetry(1, BOUNDS, 700, highest)).toEqual({ retry: true, delayMs: 700 });
    expect(decideRetry(3, BOUNDS, 10, highest)).toEqual({ retry: true, delayMs: 400 });
  });

  it('gives the call up when Retry-After exceeds the bound, passing the wait on', () => {
    expect(decideRetry(1, BOUNDS, 60_000, highest)).toEqual({ retry: false, retryAfterMs: 60_000 });
  });

  it('never retries when maxAttempts is 1', () => {
    expect(decideRetry(1, { ...BOUNDS, maxAttempts: 1 }, undefined)).toEqual({
      retry: false,
      retryAfterMs: undefined,
    });
  });
});
