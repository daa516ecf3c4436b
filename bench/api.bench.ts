// protected-api: cost of token validation. In one run, on one machine:
//  - "auth on":  the production bundle (dist/apps/protected-api/main.js) with a valid v1 token;
//  - "auth off": the same application bundled from apps/protected-api/bench/auth-off.main.ts
//                (global guard not registered; same handlers, logging and metadata loading);
// each driven by autocannon on 127.0.0.1 with GET /api/items: a warm-up, then alternating rounds.
// Both load metadata and keys from a local test IdP served by this process over http.
// Reproduce: npm run bench:api             (builds protected-api, then runs this file on Node 24)
//            BENCH_SECONDS=3 BENCH_ROUNDS=6 BENCH_CONNECTIONS=20 BENCH_LOG_LEVEL=silent npm run bench:api
// Runs on Node 24 type stripping: erasable TypeScript only.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { TestIdentityProvider } from '../libs/auth/src/testing/test-identity-provider.ts';
import { freePort, waitForHttp } from '../scripts/stack.ts';
import { autocannon, type AutocannonResult } from './lib/autocannon.ts';
import { buildAuthOffBundle } from './lib/auth-off-bundle.ts';
import { median, stopProcess } from './lib/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 2);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const TARGET_RATIO = 0.9;
const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';
const PRODUCTION_BUNDLE = resolve(ROOT, 'dist/apps/protected-api/main.js');

async function startServer(
  bundle: string,
  authority: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [bundle], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env['PATH'],
      PORT: String(port),
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
      AUTH_AUTHORITY_HOST: authority,
      AUTH_TENANT_ID: TENANT,
      AUTH_AUDIENCES: 'https://myapp.aztoso.com,042e4743-2c83-42e0-8ea9-82cbe6642686',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`, 20_000, child);
  return { url, child };
}

interface Server {
  label: string;
  url: string;
  child: ChildProcess;
  runs: AutocannonResult[];
}

async function drive(server: Server, token: string, seconds: number): Promise<AutocannonResult> {
  const result = await autocannon({
    url: `${server.url}/api/items`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${server.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors: the benchmark is not measuring the handler`,
    );
  }
  return result;
}

// Other work on the machine comes and goes: alternate the two servers in short rounds, so that
// each "auth on" round has an "auth off" round next to it in time, and report medians.
const row = (server: Server) =>
  `${server.label.padEnd(10)} ${median(server.runs.map((run) => run.requests.average))
    .toFixed(0)
    .padStart(9)} ` +
  `${median(server.runs.map((run) => run.latency.p50))
    .toFixed(0)
    .padStart(8)} ${median(server.runs.map((run) => run.latency.p99))
    .toFixed(0)
    .padStart(8)}`;

const idp = await TestIdentityProvider.start({ tenantId: TENANT });
const servers: Server[] = [];
try {
  const authOffBundle = await buildAuthOffBundle();
  const token = await idp.mint({ version: '1.0' });
  for (const [label, bundle] of [
    ['auth off', authOffBundle],
    ['auth on', PRODUCTION_BUNDLE],
  ] as const) {
    servers.push({ label, ...(await startServer(bundle, idp.authority)), runs: [] });
  }
  console.log(
    `GET /api/items, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per server ` +
      `(after ${WARMUP_SECONDS} s warm-up each), Node ${process.version}`,
  );
  for (const server of servers) await drive(server, token, WARMUP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const server of servers) {
      const result = await drive(server, token, SECONDS);
      server.runs.push(result);
      console.log(
        `  round ${round} ${server.label.padEnd(8)} ${result.requests.average.toFixed(0).padStart(7)} req/s  p99 ${result.latency.p99} ms`,
      );
    }
  }
  const [off, on] = servers;
  console.log(
    `median of ${ROUNDS} ${'req/s'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  console.log(row(off));
  console.log(row(on));
  const ratio = median(
    on.runs.map((run, round) => run.requests.average / off.runs[round].requests.average),
  );
  console.log(
    `ratio auth on / auth off (median of per-round ratios): ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
  );
  console.log(
    `JWKS requests during the run: ${idp.jwksRequests.length} (metadata: ${idp.metadataRequests})`,
  );
} finally {
  for (const server of servers) await stopProcess(server.child);
  await idp.close();
}
