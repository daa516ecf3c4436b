// What the daemon has done so far, for GET /status and GET /readyz. Counters only: no tokens.
import { Inject, Injectable } from '@nestjs/common';
import { TokenProvider } from '../token/token-provider.js';

export interface DaemonStatus {
  mode: string;
  ready: boolean;
  /** Scheduled calls finished (succeeded + failed). */
  calls: number;
  succeeded: number;
  failed: number;
  /** HTTP status of the last call; absent when it got no answer (or no token). */
  lastStatus?: number;
  lastError?: string;
  lastErrorAt?: string;
  tokenExpiresOn?: string;
  /** New credential instances built after a 401. */
  tokenReacquisitions: number;
  /** Requests repeated after 429/5xx/network trouble (401 retries not included). */
  retries: number;
  /** Failed attempts to get a token (warm-up and calls). */
  tokenFailures: number;
  caller: Readonly<Record<string, string>>;
}

export interface CallRecord {
  ok: boolean;
  status?: number;
  error?: string;
}

@Injectable()
export class DaemonStatusService {
  private calls = 0;
  private succeeded = 0;
  private failed = 0;
  private lastStatus: number | undefined;
  private lastError: string | undefined;
  private lastErrorAt: Date | undefined;
  private tokenReacquisitions = 0;
  private retries = 0;
  private tokenFailures = 0;
  private tokenAcquired = false;

  constructor(@Inject(TokenProvider) private readonly tokens: TokenProvider) {}

  recordCall(call: CallRecord): void {
    this.calls++;
    if (call.ok) this.succeeded++;
    else this.failed++;
    this.lastStatus = call.status;
    if (call.error) this.recordError(call.error);
  }

  recordTokenAcquired(): void {
    this.tokenAcquired = true;
  }

  recordTokenFailure(error: string): void {
    this.tokenFailures++;
    this.recordError(error);
  }

  recordReacquisition(): void {
    this.tokenReacquisitions++;
  }

  recordRetry(): void {
    this.retries++;
  }

  /** Ready = a token was acquired and the last one handed out has not expired. */
  isReady(now: number = Date.now()): boolean {
    const expiresOn = this.tokens.expiresOn;
    return this.tokenAcquired && expiresOn !== undefined && expiresOn.getTime() > now;
  }

  snapshot(): DaemonStatus {
    return {
      mode: this.tokens.mode,
      ready: this.isReady(),
      calls: this.calls,
      succeeded: this.succeeded,
      failed: this.failed,
      lastStatus: this.lastStatus,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt?.toISOString(),
      tokenExpiresOn: this.tokens.expiresOn?.toISOString(),
      tokenReacquisitions: this.tokenReacquisitions,
      retries: this.retries,
      tokenFailures: this.tokenFailures,
      caller: this.tokens.caller,
    };
  }

  private recordError(error: string): void {
    this.lastError = error;
    this.lastErrorAt = new Date();
  }
}
