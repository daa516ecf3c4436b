// The daemon's HTTP client for the protected API. One call = a loop of attempts; each failed
// attempt is classified once (retry-policy.ts: actionForFailure) and that classification travels
// in the call's result, where the scheduler reads it to pick the pause before the next call.
//  - 401: the token was refused; one cache-bypassing token (TokenProvider.reacquire), one retry.
//  - 429, 408, 5xx (503 + Retry-After while the API cannot check tokens yet), no answer: backoff
//    honouring Retry-After, up to RETRY_MAX_ATTEMPTS; no new token (the token is not at fault).
//  - anything else (403 included): explained in the log, not retried.
import { Inject, Injectable } from '@nestjs/common';
import { create as createAxios, isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DAEMON_CONFIG, type DaemonConfig } from '../config/daemon-config.js';
import { DaemonStatusService } from '../status/daemon-status.service.js';
import { TokenProvider, TokenUnavailableError } from '../token/token-provider.js';
import { abortableSleep } from './abortable-sleep.js';
import {
  actionForFailure,
  decideRetry,
  parseRetryAfterMs,
  type FailureAction,
} from './retry-policy.js';
import { parseBearerChallenge, type BearerChallenge } from './www-authenticate.js';

export interface ApiRequest {
  method: 'GET';
  path: string;
}

export const LIST_ITEMS: ApiRequest = { method: 'GET', path: '/api/items' };

/** Why a call failed, classified once, on its last attempt. */
export interface CallFailure {
  /** The retry policy's verdict, or 'no-token' when no attempt could be made. */
  action: FailureAction | 'no-token';
  /** Absent when there was no HTTP answer (or no token). */
  status?: number;
  /** The server's Retry-After, in ms from when it answered. */
  retryAfterMs?: number;
  /** e.g. `GET /api/items: 503 signing keys not loaded yet`. */
  message: string;
}

export interface CallResult {
  /** `METHOD /path` of the call, for its log line. */
  request: string;
  ok: boolean;
  status?: number;
  /** HTTP requests sent (0 when no token could be had). */
  attempts: number;
  durationMs: number;
  failure?: CallFailure;
}

/** One HTTP answer, or a transport failure (refused, reset, timed out). */
type Answer =
  | { response: AxiosResponse; error?: undefined }
  | { response?: undefined; error: Error & { code?: string } };

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
      // Every HTTP answer is a result to classify here, not an exception.
      validateStatus: () => true,
    });
  }

  /** GET /api/items with the whole policy applied; never throws. */
  listItems(stopSignal?: AbortSignal): Promise<CallResult> {
    return this.call(LIST_ITEMS, stopSignal);
  }

  /** `request` with the whole policy applied; never throws. `stopSignal` cuts backoff waits short. */
  async call(request: ApiRequest, stopSignal?: AbortSignal): Promise<CallResult> {
    const label = `${request.method} ${request.path}`;
    const started = performance.now();
    let attempts = 0;
    let backoffRetries = 0;
    let reacquired = false;
    /** The token reacquire() handed out, for the retry after a 401. */
    let renewedToken: string | undefined;
    const finish = (failure?: CallFailure, status = failure?.status): CallResult => ({
      request: label,
      ok: failure === undefined,
      status,
      attempts,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      failure,
    });

    for (;;) {
      let token: string;
      try {
        token = renewedToken ?? (await this.tokens.getToken()).token;
        renewedToken = undefined;
      } catch (error) {
        if (!(error instanceof TokenUnavailableError)) throw error;
        return finish({ action: 'no-token', message: error.message });
      }
      attempts++;
      const answer = await this.send(request, token);
      const status = answer.response?.status;
      if (status !== undefined && status >= 200 && status < 300) return finish(undefined, status);

      const headers = answer.response?.headers ?? {};
      const challenge = parseBearerChallenge(headers['www-authenticate'] as string | undefined);
      const failure: CallFailure = {
        action: actionForFailure(status),
        status,
        retryAfterMs: parseRetryAfterMs(headers['retry-after'] as string | undefined),
        message: describeFailure(label, answer, challenge),
      };

      switch (failure.action) {
        case 'reacquire-token': {
          if (reacquired) {
            this.logger.error(
              { status, challenge, caller: this.tokens.caller },
              'the API refused a freshly acquired token too; giving up on this call',
            );
            return finish(failure);
          }
          reacquired = true;
          this.status.recordReacquisition();
          this.logger.warn(
            { status, challenge },
            'the API refused the token; getting a new one (bypassing the cache) and retrying once',
          );
          try {
            renewedToken = (await this.tokens.reacquire()).token;
          } catch (error) {
            if (!(error instanceof TokenUnavailableError)) throw error;
            return finish({ action: 'no-token', message: error.message });
          }
          continue;
        }
        case 'retry-later': {
          const decision = decideRetry(backoffRetries + 1, this.config.retry, failure.retryAfterMs);
          if (!decision.retry) return finish(failure);
          this.logger.warn(
            {
              status,
              code: answer.error?.code,
              retryAfterMs: failure.retryAfterMs,
              delayMs: decision.delayMs,
              attempt: attempts,
            },
            `${label} failed; retrying after a backoff`,
          );
          if (!(await abortableSleep(decision.delayMs, stopSignal))) return finish(failure);
          backoffRetries++;
          this.status.recordRetry();
          continue;
        }
        case 'give-up': {
          if (status === 403) this.explainForbidden(answer.response?.data, challenge);
          return finish(failure);
        }
      }
    }
  }

  private async send(request: ApiRequest, token: string): Promise<Answer> {
    try {
      const response = await this.http.request({
        method: request.method,
        url: request.path,
        headers: { Authorization: `Bearer ${token}` },
      });
      return { response };
    } catch (error) {
      if (isAxiosError(error) || error instanceof Error) return { error };
      return { error: new Error(String(error)) };
    }
  }

  private explainForbidden(body: unknown, challenge: BearerChallenge | undefined): void {
    this.logger.error(
      {
        status: 403,
        code: (body as { code?: unknown } | undefined)?.code,
        reason: challenge?.error_description,
        challenge,
        caller: this.tokens.caller,
      },
      'the API refused the caller (403): the identity lacks the app role (or permission) the route requires; ' +
        'assign the role on the API app registration to the caller shown here. Not retried.',
    );
  }
}

function describeFailure(
  label: string,
  answer: Answer,
  challenge: BearerChallenge | undefined,
): string {
  if (!answer.response) return `${label}: no answer (${answer.error.code ?? answer.error.message})`;
  const body = answer.response.data as { message?: unknown; code?: unknown } | undefined;
  const reason =
    challenge?.error_description ??
    challenge?.error ??
    (typeof body?.message === 'string' ? body.message : undefined) ??
    answer.response.statusText;
  return `${label}: ${answer.response.status}${reason ? ` ${reason}` : ''}`;
}
