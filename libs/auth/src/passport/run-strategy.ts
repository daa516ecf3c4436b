// Runs one passport strategy for one request, as passport.authenticate() does for a single
// strategy (a per-request instance whose success/fail/error settle the outcome), without the
// middleware machinery around it: that machinery made every request's garbage outlive the young
// generation and doubled GC time and p99 latency under load (bench/api.bench.ts).
import type { Strategy } from 'passport';
import type { Request } from 'express';

export type StrategyOutcome = { user: unknown } | { failure: unknown };

export function runPassportStrategy(
  strategy: Strategy,
  request: Request,
): Promise<StrategyOutcome> {
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as {
      authenticate(request: Request): void;
      success(user: unknown): void;
      fail(challenge?: unknown): void;
      error(error: unknown): void;
      pass(): void;
      redirect(): void;
    };
    attempt.success = (user) => resolve({ user });
    attempt.fail = (challenge) => resolve({ failure: challenge });
    attempt.error = reject;
    attempt.pass = () => resolve({ failure: undefined });
    attempt.redirect = () => resolve({ failure: 'redirect' });
    try {
      attempt.authenticate(request);
    } catch (error) {
      reject(error);
    }
  });
}
