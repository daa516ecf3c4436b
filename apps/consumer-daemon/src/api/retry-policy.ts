// When to retry a call to the protected API, and how long to wait: pure functions, so the policy
// can be read and tested without a network.
import type { RetryBounds } from '../config/daemon-config.js';

/** What the daemon does with one failed attempt. */
export type FailureAction =
  /** 401: the token was refused; get a fresh one and try once more. */
  | 'reacquire-token'
  /** 429, 408, most 5xx, network trouble: the same request may succeed later. */
  | 'retry-later'
  /** Anything else (403 included): retrying cannot help. */
  | 'give-up';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** `status` undefined means no HTTP answer at all (refused, reset, timed out). */
export function actionForFailure(status: number | undefined): FailureAction {
  if (status === undefined) return 'retry-later';
  if (status === 401) return 'reacquire-token';
  return RETRYABLE_STATUSES.has(status) ? 'retry-later' : 'give-up';
}

/**
 * Delay before retry number `retry` (1 = first retry): exponential backoff with "equal jitter",
 * a uniform pick in [ceiling/2, ceiling] where ceiling = min(maxDelay, base * 2^(retry-1)).
 * The jitter keeps daemons that failed together from coming back together; the floor keeps a
 * daemon that cannot get a token from spinning.
 */
export function backoffDelayMs(
  retry: number,
  bounds: Pick<RetryBounds, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    bounds.maxDelayMs,
    bounds.baseDelayMs * 2 ** Math.min(Math.max(0, retry - 1), 40),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 10.2.3). */
export function parseRetryAfterMs(
  header: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP-dates name a weekday or month; Date.parse alone would also take "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; retryAfterMs?: number };

/**
 * Whether attempt number `attempt` (1-based) that just failed with a retryable error gets another
 * try, and after how long. A server's Retry-After is a floor on the delay; when it is longer than
 * the daemon's own bound the call gives up now and hands the wait to the scheduler instead of
 * blocking inside one call.
 */
export function decideRetry(
  attempt: number,
  bounds: RetryBounds,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): RetryDecision {
  if (retryAfterMs !== undefined && retryAfterMs > bounds.maxDelayMs)
    return { retry: false, retryAfterMs };
  if (attempt >= bounds.maxAttempts) return { retry: false, retryAfterMs };
  const delayMs = Math.max(retryAfterMs ?? 0, backoffDelayMs(attempt, bounds, random));
  return { retry: true, delayMs };
}
