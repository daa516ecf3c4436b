// Calls the protected API every CALL_INTERVAL_MS (a fixed delay between the end of one call and
// the start of the next, so calls never overlap). First it warms the token so that the first
// calls do not each go to the IdP. It never gives up: without a token it logs why and retries
// with backoff. On shutdown it stops scheduling and lets the call in flight finish.
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { abortableSleep } from '../api/abortable-sleep.js';
import { ProtectedApiClient, type CallResult } from '../api/protected-api.client.js';
import { backoffDelayMs } from '../api/retry-policy.js';
import { DAEMON_CONFIG, type DaemonConfig } from '../config/daemon-config.js';
import { DaemonStatusService } from '../status/daemon-status.service.js';
import { TokenProvider } from '../token/token-provider.js';

@Injectable()
export class CallScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(DAEMON_CONFIG) private readonly config: DaemonConfig,
    @Inject(TokenProvider) private readonly tokens: TokenProvider,
    private readonly client: ProtectedApiClient,
    private readonly status: DaemonStatusService,
    @InjectPinoLogger(CallScheduler.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'stopping: no new calls; waiting for the call in flight');
    this.stopping.abort();
    const finished = await Promise.race([
      this.running.then(() => true),
      abortableSleep(this.config.shutdownTimeoutMs).then(() => false),
    ]);
    if (!finished)
      this.logger.warn(
        { shutdownTimeoutMs: this.config.shutdownTimeoutMs },
        'the call in flight did not finish in time; exiting anyway',
      );
  }

  private async run(): Promise<void> {
    await this.warmUp();
    let consecutiveFailures = 0;
    while (!this.stopping.signal.aborted) {
      const result = await this.callOnce();
      consecutiveFailures = result.ok ? 0 : consecutiveFailures + 1;
      await abortableSleep(this.delayAfter(result, consecutiveFailures), this.stopping.signal);
    }
  }

  private async warmUp(): Promise<void> {
    for (let failures = 0; !this.stopping.signal.aborted;) {
      try {
        const token = await this.tokens.getToken();
        this.status.recordTokenAcquired();
        this.logger.info(
          {
            caller: this.tokens.caller,
            tokenExpiresOn: new Date(token.expiresOnTimestamp).toISOString(),
          },
          'token acquired; daemon ready',
        );
        return;
      } catch (error) {
        failures++;
        const delayMs = backoffDelayMs(failures, this.config.retry);
        this.status.recordTokenFailure((error as Error).message);
        this.logger.error(
          {
            caller: this.tokens.caller,
            failures,
            retryInMs: delayMs,
            err: (error as Error).message,
          },
          'no token yet; retrying',
        );
        await abortableSleep(delayMs, this.stopping.signal);
      }
    }
  }

  private async callOnce(): Promise<CallResult> {
    const result = await this.client.listItems(this.stopping.signal);
    this.status.recordCall(result);
    if (result.failure?.action === 'no-token')
      this.status.recordTokenFailure(result.failure.message);
    const line = {
      status: result.status,
      durationMs: result.durationMs,
      attempts: result.attempts,
      tokenExpiresOn: this.tokens.expiresOn?.toISOString(),
      err: result.failure?.message,
    };
    if (result.ok) this.logger.info(line, result.request);
    else this.logger.error(line, `${result.request} failed`);
    return result;
  }

  /**
   * The normal interval, stretched by a server's Retry-After and, while calls keep failing for a
   * reason time can cure, by backoff: no token, a transient answer, and a 401 loop (even a token
   * fresh from the IdP was refused). The failure was classified once, by the client.
   */
  private delayAfter(result: CallResult, consecutiveFailures: number): number {
    const failure = result.failure;
    if (!failure) return this.config.callIntervalMs;
    const backoff =
      failure.action === 'give-up' ? 0 : backoffDelayMs(consecutiveFailures, this.config.retry);
    return Math.max(this.config.callIntervalMs, failure.retryAfterMs ?? 0, backoff);
  }
}
