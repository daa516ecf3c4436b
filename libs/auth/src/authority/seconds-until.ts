/** The authority retries loading at least this often until it is ready (its backoff's cap). */
export const MAX_LOAD_RETRY_MS = 30_000;

/** Whole seconds from `now` until `at`, from 1 to the retry cap: a Retry-After value. */
export function secondsUntil(at: number, now = Date.now()): number {
  return Math.min(MAX_LOAD_RETRY_MS / 1000, Math.max(1, Math.ceil((at - now) / 1000)));
}
