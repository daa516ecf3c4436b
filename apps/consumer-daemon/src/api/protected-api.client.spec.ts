// The client's failure policy against a real local HTTP server. The token source is a small
// TokenProvider of our own (the SDK is exercised against the emulator in test/).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken } from '@azure/identity';
import { PinoLogger } from 'nestjs-pino';
import type { DaemonConfig } from '../config/daemon-config.js';
import { DaemonStatusService } from '../status/daemon-status.service.js';
import { TokenProvider, TokenUnavailableError } from '../token/token-provider.js';
import { ProtectedApiClient } from './protected-api.client.js';

class CountingTokenProvider extends TokenProvider {
  readonly mode = 'managed-identity' as const;
  readonly caller = { managedIdentity: 'test' };
  expiresOn: Date | undefined;
  generation = 1;
  reacquisitions = 0;
  available = true;

  async getToken(): Promise<AccessToken> {
    if (!this.available) throw new TokenUnavailableError('managed-identity: no token (test)');
    this.expiresOn = new Date(Date.now() + 3600_000);
    return { token: `token-${this.generation}`, expiresOnTimestamp: this.expiresOn.getTime() };
  }

  async reacquire(): Promise<AccessToken> {
    this.reacquisitions++;
    this.generation++;
    return this.getToken();
  }
}

type Answer = { status: number; headers?: Record<string, string> } | 'drop';

interface Api {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

/** Answers request i with answers[i] (the last one repeats); records the Authorization headers. */
async function startApi(answers: Answer[]): Promise<Api> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    const answer = answers[Math.min(seen.length, answers.length - 1)];
    seen.push(request.headers.authorization ?? '');
    if (answer === 'drop') {
      request.socket.destroy();
      return;
    }
    response
      .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      .end('[]');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function clientFor(
  api: Api,
  tokens: CountingTokenProvider,
  retry = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 2000 },
) {
  const config = { protectedApiUrl: api.url, requestTimeoutMs: 2000, retry } as DaemonConfig;
  const status = new DaemonStatusService(tokens);
  const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
  return { client: new ProtectedApiClient(config, tokens, status, logger), status };
}

const apis: Api[] = [];
async function serve(answers: Answer[]): Promise<Api> {
  const started = await startApi(answers);
  apis.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(apis.splice(0).map((started) => started.close()));
});

describe('ProtectedApiClient', () => {
  it('sends the bearer token and reports the answer', async () => {
    const server = await serve([{ status: 200 }]);
    const tokens = new CountingTokenProvider();
    const result = await clientFor(server, tokens).client.listItems();
    expect(result).toMatchObject({ ok: true, status: 200, attempts: 1 });
    expect(server.seen).toEqual(['Bearer token-1']);
  });

  it('on 401 re-acquires once and retries once with the new token', async () => {
    const server = await serve([
      { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      { status: 200 },
    ]);
    const tokens = new CountingTokenProvider();
    const { client, status } = clientFor(server, tokens);
    expect(await client.listItems()).toMatchObject({ ok: true, status: 200, attempts: 2 });
    expect(server.seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(tokens.reacquisitions).toBe(1);
    expect(status.snapshot()).toMatchObject({ tokenReacquisitions: 1, retries: 0 });
  });

  it('a 503 with Retry-After (API not ready to check tokens) backs off without a new token', async () => {
    const server = await serve([
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 200 },
    ]);
    const tokens = new CountingTokenProvider();
    const { client, status } = clientFor(server, tokens);
    const started = Date.now();
    expect(await client.listItems()).toMatchObject({ ok: true, attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(server.seen).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
    expect(tokens.reacquisitions).toBe(0);
    expect(status.snapshot()).toMatchObject({ tokenReacquisitions: 0, retries: 2 });
  });

  it('names the request in a failure, with the reason the API gave', async () => {
    const server = await serve([{ status: 404 }]);
    const result = await clientFor(server, new CountingTokenProvider()).client.call({
      method: 'GET',
      path: '/api/whoami',
    });
    expect(result).toMatchObject({
      request: 'GET /api/whoami',
      ok: false,
      failure: { action: 'give-up', message: 'GET /api/whoami: 404 Not Found' },
    });
  });

  it('gives up after a second 401 (no third attempt)', async () => {
    const server = await serve([{ status: 401 }]);
    const tokens = new CountingTokenProvider();
    const result = await clientFor(server, tokens).client.listItems();
    expect(result).toMatchObject({ ok: false, status: 401, attempts: 2 });
    expect(server.seen).toHaveLength(2);
    expect(tokens.reacquisitions).toBe(1);
  });

  it('does not retry a 403 and reports the challenge', async () => {
    const server = await serve([
      {
        status: 403,
        headers: {
          'www-authenticate':
            'Bearer error="insufficient_scope", error_description="role consumer required"',
        },
      },
    ]);
    const tokens = new CountingTokenProvider();
    const result = await clientFor(server, tokens).client.listItems();
    expect(result).toMatchObject({
      ok: false,
      status: 403,
      attempts: 1,
      failure: { action: 'give-up', message: 'GET /api/items: 403 role consumer required' },
    });
    expect(server.seen).toHaveLength(1);
    expect(tokens.reacquisitions).toBe(0);
  });

  it('retries 503 and dropped connections with backoff, up to maxAttempts', async () => {
    const server = await serve([{ status: 503 }, 'drop', { status: 200 }]);
    const { client, status } = clientFor(server, new CountingTokenProvider());
    expect(await client.listItems()).toMatchObject({ ok: true, attempts: 3 });
    expect(status.snapshot().retries).toBe(2);

    const failing = await serve([{ status: 502 }]);
    expect(await clientFor(failing, new CountingTokenProvider()).client.listItems()).toMatchObject({
      ok: false,
      status: 502,
      attempts: 3,
    });
    expect(failing.seen).toHaveLength(3);
  });

  it('waits for Retry-After before retrying a 429', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const started = Date.now();
    expect(await clientFor(server, new CountingTokenProvider()).client.listItems()).toMatchObject({
      ok: true,
      attempts: 2,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('hands a Retry-After longer than the bound to the scheduler instead of waiting', async () => {
    const server = await serve([{ status: 503, headers: { 'retry-after': '120' } }]);
    const result = await clientFor(server, new CountingTokenProvider()).client.listItems();
    expect(result).toMatchObject({
      ok: false,
      status: 503,
      attempts: 1,
      failure: { action: 'retry-later', retryAfterMs: 120_000 },
    });
  });

  it('stops retrying at once when the stop signal aborts', async () => {
    const server = await serve([{ status: 503 }]);
    const stop = new AbortController();
    const { client } = clientFor(server, new CountingTokenProvider(), {
      maxAttempts: 5,
      baseDelayMs: 10_000,
      maxDelayMs: 10_000,
    });
    const pending = client.listItems(stop.signal);
    setTimeout(() => stop.abort(), 50);
    const started = Date.now();
    expect(await pending).toMatchObject({ ok: false, status: 503, attempts: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a missing token without calling the API', async () => {
    const server = await serve([{ status: 200 }]);
    const tokens = new CountingTokenProvider();
    tokens.available = false;
    const result = await clientFor(server, tokens).client.listItems();
    expect(result).toMatchObject({
      ok: false,
      attempts: 0,
      failure: { action: 'no-token', message: 'managed-identity: no token (test)' },
    });
    expect(result.status).toBeUndefined();
    expect(server.seen).toHaveLength(0);
  });

  it('does not follow redirects with the token', async () => {
    const server = await serve([
      { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } },
    ]);
    const result = await clientFor(server, new CountingTokenProvider()).client.listItems();
    expect(result).toMatchObject({ ok: false, status: 302, attempts: 1 });
  });
});
