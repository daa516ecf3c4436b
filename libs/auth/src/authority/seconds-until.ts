/** Whole seconds (at least 1) from `now` until `at`: a Retry-After value. */
export function secondsUntil(at: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
