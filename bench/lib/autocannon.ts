// autocannon ships no type declarations; this is the part of its API the benchmarks use.
import { createRequire } from 'node:module';

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  '2xx': number;
  timeouts: number;
}

interface RequestParams {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

export type Autocannon = (options: {
  url: string;
  connections: number;
  /** Seconds to run; or `amount`, a number of requests. */
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  /** `setupRequest` runs before each request is sent (a new header per request, ...). */
  requests?: { setupRequest?: (request: RequestParams) => RequestParams }[];
}) => Promise<AutocannonResult>;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Requests that carry `tokens` round-robin in their Authorization header, one per request. */
export function roundRobinBearer(tokens: readonly string[]) {
  let next = 0;
  return [
    {
      setupRequest: (request: RequestParams): RequestParams => ({
        ...request,
        headers: {
          ...request.headers,
          authorization: `Bearer ${tokens[next++ % tokens.length]}`,
        },
      }),
    },
  ];
}
