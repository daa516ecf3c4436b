// mock-idp throughput: how many access tokens per second it signs.
//  1. in-process: jose RS256 signing of an Entra-shaped v1 claim set with a 2048-bit key (the
//     emulator's signing step alone);
//  2. over HTTP: autocannon against GET /msi/token of the built emulator (every request signs a
//     fresh token: the endpoint does not cache).
// Reproduce: npm run bench:idp            (builds mock-idp, then runs this file on Node 24)
//            BENCH_SECONDS=20 BENCH_CONNECTIONS=20 npm run bench:idp
// Runs on Node 24 type stripping: erasable TypeScript only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { autocannon } from './lib/autocannon.ts';
import { tokensSignedPerSecond } from './lib/token-signing.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const TENANT = 'ea1bae79-6a70-405e-bc84-40037bcde9ec';

interface Emulator {
  httpPort: number;
  stop(): void;
}

async function startEmulator(stateDir: string): Promise<Emulator> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/mock-idp/main.js')], {
    env: {
      ...process.env,
      MOCK_IDP_HTTP_PORT: '0',
      MOCK_IDP_HTTPS_PORT: '0',
      MOCK_IDP_BIND_ADDRESS: '127.0.0.1',
      MOCK_IDP_CA_CERT_PATH: join(stateDir, 'ca.pem'),
      MOCK_IDP_ADMIN_ENABLED: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const httpPort = await new Promise<number>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`mock-idp exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      done((JSON.parse(line) as { httpPort: number }).httpPort);
    });
  });
  lines.on('line', () => undefined); // keep draining the log (one line per token) so it never blocks
  return { httpPort, stop: () => child.kill('SIGTERM') };
}

const signed = await tokensSignedPerSecond(TENANT, Math.min(SECONDS, 5));
const stateDir = mkdtempSync(join(tmpdir(), 'mock-idp-bench-'));
const emulator = await startEmulator(stateDir);
try {
  const url =
    `http://127.0.0.1:${emulator.httpPort}/msi/token?api-version=2019-08-01` +
    `&resource=${encodeURIComponent('https://myapp.aztoso.com')}&client_id=9b8c291c-309f-4335-acaa-1cbeb22a5732`;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'x-identity-header': 'local-consumer-daemon' },
  });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`mock-idp token throughput (${cpus().length} x ${cpu}, Node ${process.version})`);
  console.log(
    `  in-process jose RS256 signing (2048-bit, v1 claims): ${Math.round(signed)} tokens/s`,
  );
  console.log(
    `  HTTP GET /msi/token (${CONNECTIONS} connections, ${SECONDS}s, JSON logs on): ` +
      `${Math.round(result.requests.average)} tokens/s; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ` +
      `${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  console.log(
    '  reproduce: npm run bench:idp   (BENCH_SECONDS / BENCH_CONNECTIONS to change the load)',
  );
  if (result.non2xx > 0 || result.errors > 0) process.exitCode = 1;
} finally {
  emulator.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
