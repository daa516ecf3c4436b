// The daemon's HTTP client for the protected API: an axios instance whose request interceptor
// adds the bearer token and whose response interceptor applies the failure policy of
// retry-policy.ts (401: one re-acquire and one retry; 403: explain, no retry; 429/5xx/network:
// bounded backoff honouring Retry-After).
import { Inject, Injectable } from '@nestjs/common';
import {
  AxiosError,
  create as createAxios,
  isAxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DAEMON_CONFIG, type DaemonConfig } from '../config/daemon-config.js';
import { DaemonStatusService } from '../status/daemon-status.service.js';
import { TokenProvider, TokenUnavailableError } from '../token/token-provider.js';
import { abortableSleep } from './abortable-sleep.js';
import { actionForFailure, decideRetry, parseRetryAfterMs } from './retry-policy.js';
import { parseBearerChallenge } from './www-authenticate.js';

/** Per-call bookkeeping. A class, not a plain object, so that axios passes it on by reference when a request is repeated. */
class RetryState {
  attempts = 0;
  backoffRetries = 0;
  reacquired = false;

  /** `stopSignal` aborts at shutdown: the request in flight finishes, no new attempt starts. */
  constructor(readonly stopSignal?: AbortSignal) {}
}

declare module 'axios' {
  interface AxiosRequestConfig {
    retryState?: RetryState;
  }
}

export interface CallResult {
  ok: boolean;
  status?: number;
  attempts: number;
  durationMs: number;
  /** Set when the server asked for a longer pause than one call may wait. */
  retryAfterMs?: number;
  /** True when the call failed because no token could be had. */
  tokenUnavailable?: boolean;
  error?: string;
}

@Injectable()
export class ProtectedApiClient {
  private readonly http: AxiosInstance;

  constructor(
    @Inject(DAEMON_CONFIG) private readonly config: DaemonConfig,
    @Inject(TokenProvider) private readonly tokens: TokenProvider,
    private readonly status: DaemonStatusService,
    @InjectPinoLogger(ProtectedApiClient.name) private readonly logger: PinoLogger,
  ) {
    this.http = createAxios({
      baseURL: config.protectedApiUrl,
      timeout: config.requestTimeoutMs,
      // A bearer token is never sent on to wherever a redirect points.
      maxRedirects: 0,
      headers: { Accept: 'application/json' },
    });
    this.http.interceptors.request.use((request) => this.authorize(request));
    this.http.interceptors.response.use(undefined, (error: unknown) => this.onFailure(error));
  }

  /** GET /api/items with the whole policy applied; never throws. */
  async listItems(stopSignal?: AbortSignal): Promise<CallResult> {
    const state = new RetryState(stopSignal);
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const response = await this.http.get('/api/items', { retryState: state });
      return {
        ok: true,
        status: response.status,
        attempts: state.attempts,
        durationMs: durationMs(),
      };
    } catch (error) {
      return {
        ok: false,
        attempts: state.attempts,
        durationMs: durationMs(),
        ...describeFailure(error),
      };
    }
  }

  private async authorize(
    request: InternalAxiosRequestConfig,
  ): Promise<InternalAxiosRequestConfig> {
    const token = await this.tokens.getToken();
    request.headers.set('Authorization', `Bearer ${token.token}`);
    if (request.retryState) request.retryState.attempts++;
    return request;
  }

  private async onFailure(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error) || !error.config?.retryState) throw error;
    const request = error.config;
    const state = error.config.retryState;
    const status = error.response?.status;
    const challenge = parseBearerChallenge(
      error.response?.headers['www-authenticate'] as string | undefined,
    );

    switch (actionForFailure(status)) {
      case 'reacquire-token': {
        if (state.reacquired) {
          this.logger.error(
            { status, challenge, caller: this.tokens.caller },
            'the API refused a freshly acquired token too; giving up on this call',
          );
          throw error;
        }
        state.reacquired = true;
        this.status.recordReacquisition();
        this.logger.warn(
          { status, challenge },
          'the API refused the token; re-acquiring it once and retrying',
        );
        await this.tokens.reacquire();
        return this.http.request(request);
      }
      case 'retry-later': {
        const retryAfterMs = parseRetryAfterMs(
          error.response?.headers['retry-after'] as string | undefined,
        );
        const decision = decideRetry(state.backoffRetries + 1, this.config.retry, retryAfterMs);
        if (!decision.retry) {
          if (decision.retryAfterMs !== undefined) error.retryAfterMs = decision.retryAfterMs;
          throw error;
        }
        this.logger.warn(
          {
            status,
            code: error.code,
            retryAfterMs,
            delayMs: decision.delayMs,
            attempt: state.attempts,
          },
          'API call failed; retrying after a backoff',
        );
        if (!(await abortableSleep(decision.delayMs, state.stopSignal))) throw error;
        state.backoffRetries++;
        this.status.recordRetry();
        return this.http.request(request);
      }
      case 'give-up': {
        if (status === 403) {
          const code = (error.response?.data as { code?: unknown } | undefined)?.code;
          this.logger.error(
            {
              status,
              code,
              reason: challenge?.error_description,
              challenge,
              caller: this.tokens.caller,
            },
            'the API refused the caller (403): the identity lacks the app role (or permission) the route requires; ' +
              'assign the role on the API app registration to the caller shown here. Not retried.',
          );
        }
        throw error;
      }
    }
  }
}

declare module 'axios' {
  interface AxiosError {
    retryAfterMs?: number;
  }
}

function describeFailure(error: unknown): Omit<CallResult, 'ok' | 'attempts' | 'durationMs'> {
  if (error instanceof TokenUnavailableError)
    return { tokenUnavailable: true, error: error.message };
  if (error instanceof AxiosError) {
    const status = error.response?.status;
    const challenge = parseBearerChallenge(
      error.response?.headers['www-authenticate'] as string | undefined,
    );
    const reason = challenge?.error_description ?? challenge?.error ?? error.code ?? error.message;
    return {
      status,
      retryAfterMs: error.retryAfterMs,
      error:
        status === undefined
          ? `GET /api/items: no answer (${reason})`
          : `GET /api/items: ${status} ${reason}`,
    };
  }
  // The token provider wraps SDK errors; anything else here is a bug, reported rather than thrown.
  return { error: `GET /api/items: ${(error as Error)?.message ?? String(error)}` };
}
