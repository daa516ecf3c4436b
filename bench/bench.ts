// `npm run bench`: every figure of the performance comparison, measured in one run on this machine.
//  - HTTP servers: plain Express 5, plain NestJS 12, protected-api with auth off and on, and three
//    peers (bench/peers: passport-azure-ad 4.3.5, express-oauth2-jwt-bearer, NestJS + passport-jwt +
//    jwks-rsa), all serving GET /api/items (the same two items; the auth ones require the
//    "consumer" app role) and validating real v1 tokens of the emulator (dist/apps/mock-idp) over
//    https with its generated CA (NODE_EXTRA_CA_CERTS).
//  - req/s: autocannon in this process, BENCH_CONNECTIONS connections, two loads: one reused token,
//    and BENCH_TOKENS distinct valid tokens round-robin (one per request). Every server gets a
//    warm-up per load, then BENCH_ROUNDS rounds in which each server runs BENCH_SECONDS right after
//    BENCH_SECONDS of plain Express under the same load; a ratio is the median over rounds of
//    (server req/s / plain Express req/s just before), so that load from other work on the
//    machine mostly cancels out. req/s figures are medians, and move with that other work.
//    CPU µs/request: CPU time of the server process (/proc/{pid}/stat) per request served, median
//    over rounds: what a request costs, whatever else the machine does.
//  - idle RSS: VmRSS 1 s after the first 200; cold start: spawn -> first 200 on GET /api/items
//    (polled every 10 ms; for auth servers with a valid token, i.e. metadata and keys loaded);
//    median of BENCH_COLD_STARTS starts, each server alone on the machine (no load running), with
//    the CPU time the process used until then.
//  - flood: protected-api (after the rounds) gets BENCH_FLOOD_TOKENS more distinct valid tokens,
//    each twice: RSS before and after each pass, CPU per request of each pass.
//  - emulator: tokens signed per second by jose RS256 on this thread (one core), and over HTTP
//    (GET /msi/token, autocannon); cold start to /healthz 200; idle RSS.
//  - daemon: cold start to /readyz 200 (token acquired); idle RSS; IdP requests per 1000 calls with
//    CALL_INTERVAL_MS=1, in managed-identity and federated (FIC) mode, from the emulator journal.
// Results: printed, and written to bench/results/latest.json and latest.md.
// Knobs: BENCH_SECONDS (2) BENCH_ROUNDS (4) BENCH_WARMUP_SECONDS (2) BENCH_CONNECTIONS (50)
//        BENCH_TOKENS (2000) BENCH_COLD_STARTS (3) BENCH_DAEMON_CALLS (1000) BENCH_LOG_LEVEL (info)
//        BENCH_FLOOD_TOKENS (10000) BENCH_SERVERS (comma-separated ids of the servers to run;
//        plain Express always runs); BENCH_THROUGHPUT_ONLY=1 and
//        BENCH_EXTRA_BUNDLES=id=path/to/main.js,... for A/B runs of protected-api builds.
// Runs on Node 24 type stripping: erasable TypeScript only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import {
  DEMO,
  REPO_ROOT,
  buildIfNeeded,
  freePort,
  freePorts,
  localWiring,
  mainPath,
  sleep,
  startService,
  stopService,
  waitForHttp,
  type Env,
  type RunningService,
} from '../scripts/stack.ts';
import { getJson, type JournalEntry } from '../test/support/mock-idp-admin.ts';
import { autocannon, roundRobinBearer, type AutocannonResult } from './lib/autocannon.ts';
import {
  journal,
  mintTokens,
  msiTokenUrl,
  protectedApiEnv,
  startEmulator,
  type Wiring,
} from './lib/emulator.ts';
import { buildAuthOffBundle } from './lib/auth-off-bundle.ts';
import { cpuMs, median, msUntil200, rssMb, stopProcess } from './lib/measure.ts';
import { tokensSignedPerSecond } from './lib/token-signing.ts';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Only the req/s comparison (for A/B experiments); nothing is written to bench/results. */
const THROUGHPUT_ONLY = process.env['BENCH_THROUGHPUT_ONLY'] === '1';

const SECONDS = knob('BENCH_SECONDS', 2);
const ROUNDS = knob('BENCH_ROUNDS', 4);
const WARMUP_SECONDS = knob('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 50);
const DISTINCT_TOKENS = knob('BENCH_TOKENS', 2000);
const COLD_STARTS = THROUGHPUT_ONLY ? 0 : knob('BENCH_COLD_STARTS', 3);
const DAEMON_CALLS = knob('BENCH_DAEMON_CALLS', 1000);
const FLOOD_TOKENS = THROUGHPUT_ONLY ? 0 : knob('BENCH_FLOOD_TOKENS', 10_000);
const LOG_LEVEL = process.env['BENCH_LOG_LEVEL'] ?? 'info';
/** More protected-api builds to compare, as id=path/to/main.js,... (A/B experiments). */
const EXTRA_BUNDLES = (process.env['BENCH_EXTRA_BUNDLES'] ?? '')
  .split(',')
  .filter(Boolean)
  .map((pair) => pair.split('=') as [string, string]);
const SIGNING_SECONDS = 5;
const PEERS_DIR = join(REPO_ROOT, 'bench/peers');
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
const ITEMS_PATH = '/api/items';

interface ServerSpec {
  id: string;
  label: string;
  /** The script node runs. */
  entry: string;
  /** Whether GET /api/items needs the token. */
  auth: boolean;
  env: (wiring: Wiring) => Env;
}

const peerEnv = (wiring: Wiring): Env => ({
  PORT: String(wiring.port),
  BENCH_AUTHORITY: wiring.authority,
  BENCH_TENANT_ID: DEMO.tenantId,
  BENCH_AUDIENCES: `${DEMO.apiIdentifierUri},${DEMO.apiAppId}`,
  BENCH_ISSUER: wiring.issuer,
  BENCH_JWKS_URI: wiring.jwksUri,
  NODE_EXTRA_CA_CERTS: wiring.caCertPath,
});

const peer = (id: string, label: string, auth: boolean): ServerSpec => ({
  id,
  label,
  entry: join(PEERS_DIR, `${id}.js`),
  auth,
  env: peerEnv,
});

function serverSpecs(authOffBundle: string): ServerSpec[] {
  return [
    peer('express-plain', 'plain Express 5, no auth', false),
    peer('nest-plain', 'plain NestJS 12, no auth', false),
    {
      id: 'protected-api-auth-off',
      label: 'protected-api, auth off',
      entry: authOffBundle,
      auth: false,
      env: (wiring) => protectedApiEnv(wiring, LOG_LEVEL),
    },
    {
      id: 'protected-api',
      label: 'protected-api, auth on',
      entry: mainPath('protected-api'),
      auth: true,
      env: (wiring) => protectedApiEnv(wiring, LOG_LEVEL),
    },
    peer('passport-azure-ad', 'passport-azure-ad 4.3.5 (Express)', true),
    peer('express-oauth2-jwt-bearer', 'express-oauth2-jwt-bearer 1.10 (Express)', true),
    peer('nest-passport-jwt', 'NestJS + passport-jwt + jwks-rsa', true),
    ...EXTRA_BUNDLES.map(([id, entry]) => ({
      id,
      label: id,
      entry: resolve(entry),
      auth: true,
      env: (wiring: Wiring) => protectedApiEnv(wiring, LOG_LEVEL),
    })),
  ];
}

function spawnNode(entry: string, env: Env): ChildProcess {
  // Output is discarded (a log line per request must not load this process).
  return spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
}

/** npm ci in bench/peers when its node_modules is missing or older than its lockfile. */
function installPeers(): void {
  const installed = join(PEERS_DIR, 'node_modules/.package-lock.json');
  if (
    existsSync(installed) &&
    statSync(installed).mtimeMs >= statSync(join(PEERS_DIR, 'package-lock.json')).mtimeMs
  )
    return;
  console.log('installing the peers (npm ci in bench/peers) ...');
  const result = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: PEERS_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci in bench/peers failed (${result.status})`);
}

interface StartFigures {
  coldStartMs: number;
  /** CPU time the process used until its first 200: steadier than wall time on a busy machine. */
  coldStartCpuMs: number;
  idleRssMb: number;
}

/** Median cold start (spawn -> first 200 on `path`) and idle RSS over BENCH_COLD_STARTS starts. */
async function measureStarts(
  prepare: () => Promise<{
    spawnChild: () => ChildProcess;
    url: string;
    headers?: Record<string, string>;
  }>,
): Promise<StartFigures> {
  const coldStarts: number[] = [];
  const cpu: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const { spawnChild, url, headers } = await prepare();
    const startedAt = performance.now();
    const child = spawnChild();
    try {
      coldStarts.push(await msUntil200(url, startedAt, child, headers));
      cpu.push(cpuMs(child.pid!));
      await sleep(1000);
      rss.push(rssMb(child.pid!));
    } finally {
      await stopProcess(child);
    }
  }
  return { coldStartMs: median(coldStarts), coldStartCpuMs: median(cpu), idleRssMb: median(rss) };
}

/** One reused token, or BENCH_TOKENS distinct tokens round-robin. */
const LOADS = ['one', 'many'] as const;
type Load = (typeof LOADS)[number];

interface Running {
  spec: ServerSpec;
  child: ChildProcess;
  url: string;
  /** req/s of each run, by load. */
  runs: Record<Load, number[]>;
  /** req/s / plain Express req/s of the run just before, by load. */
  ratios: Record<Load, number[]>;
  /** CPU time of the server process per request served, by load. */
  cpu: Record<Load, number[]>;
}

async function drive(
  server: Running,
  seconds: number,
  load: { token: string } | { tokens: string[] },
): Promise<AutocannonResult & { cpuUsPerRequest: number }> {
  const cpuBefore = cpuMs(server.child.pid!);
  const result = await autocannon({
    url: `${server.url}${ITEMS_PATH}`,
    connections: CONNECTIONS,
    duration: seconds,
    ...('token' in load
      ? { headers: { authorization: `Bearer ${load.token}` } }
      : { requests: roundRobinBearer(load.tokens) }),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${server.spec.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors: the benchmark is not measuring the handler`,
    );
  }
  const cpuUsPerRequest = ((cpuMs(server.child.pid!) - cpuBefore) * 1000) / result.requests.total;
  return { ...result, cpuUsPerRequest };
}

interface FloodFigures {
  tokens: number;
  rssBeforeMb: number;
  rssAfterFirstPassMb: number;
  rssAfterSecondPassMb: number;
  cpuUsPerRequestFirstPass: number;
  cpuUsPerRequestSecondPass: number;
}

/**
 * protected-api under `tokens.length` distinct valid callers: every token sent once (each one new:
 * a full validation), then every token once more (remembered, if the verified-token cache holds
 * them all); RSS after each pass shows what the cache costs and that it stays bounded.
 */
async function measureFlood(server: Running, tokens: string[]): Promise<FloodFigures> {
  const pid = server.child.pid!;
  const rssBeforeMb = rssMb(pid);
  const pass = async () => {
    const cpuBefore = cpuMs(pid);
    const result = await autocannon({
      url: `${server.url}${ITEMS_PATH}`,
      connections: CONNECTIONS,
      amount: tokens.length,
      requests: roundRobinBearer(tokens),
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`flood: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
    return ((cpuMs(pid) - cpuBefore) * 1000) / result.requests.total;
  };
  const cpuUsPerRequestFirstPass = await pass();
  const rssAfterFirstPassMb = rssMb(pid);
  const cpuUsPerRequestSecondPass = await pass();
  return {
    tokens: tokens.length,
    rssBeforeMb,
    rssAfterFirstPassMb,
    rssAfterSecondPassMb: rssMb(pid),
    cpuUsPerRequestFirstPass,
    cpuUsPerRequestSecondPass,
  };
}

interface ServerFigures extends StartFigures {
  id: string;
  label: string;
  requestsPerSecond: number;
  requestsPerSecondManyTokens: number;
  ratioToExpress: number;
  ratioToExpressManyTokens: number;
  cpuUsPerRequest: number;
  cpuUsPerRequestManyTokens: number;
  rssAfterLoadMb: number;
}

interface DaemonRun {
  mode: 'managed-identity' | 'federated';
  calls: number;
  idpRequests: number;
  byEndpoint: Record<string, number>;
  perThousandCalls: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

async function daemonRun(
  mode: DaemonRun['mode'],
  stateDir: string,
): Promise<{ run: DaemonRun; start?: StartFigures }> {
  const ports = await freePorts();
  const wiring = localWiring(ports, stateDir);
  const started: RunningService[] = [];
  const ready = async (name: 'mock-idp' | 'protected-api', path: string, port: number) => {
    const service = startService(name, wiring[name], () => {});
    started.push(service);
    await waitForHttp(`http://127.0.0.1:${port}${path}`, 30_000, service.process);
  };
  try {
    await ready('mock-idp', '/healthz', ports.idpHttp);
    await ready('protected-api', '/readyz', ports.api);
    const daemonEnv = (interval: string): Env => ({
      ...wiring['consumer-daemon'],
      AUTH_MODE: mode,
      CALL_INTERVAL_MS: interval,
      LOG_LEVEL: 'warn',
    });
    // Cold start and idle RSS with the default call interval (managed identity only: the mode
    // the daemon runs in on Azure Container Apps).
    const start =
      mode === 'managed-identity'
        ? await measureStarts(async () => ({
            spawnChild: () => spawnNode(mainPath('consumer-daemon'), daemonEnv('5000')),
            url: `http://127.0.0.1:${ports.daemon}/readyz`,
          }))
        : undefined;
    await fetch(`http://127.0.0.1:${ports.idpHttp}/_admin/journal`, { method: 'DELETE' });
    const daemon = spawnNode(mainPath('consumer-daemon'), daemonEnv('1'));
    try {
      let calls = 0;
      const deadline = Date.now() + 120_000;
      while (calls < DAEMON_CALLS) {
        if (Date.now() > deadline) throw new Error(`daemon made only ${calls} calls in 120 s`);
        if (daemon.exitCode !== null) throw new Error(`daemon exited with ${daemon.exitCode}`);
        await sleep(200);
        const status = await getJson<{ calls: number; failed: number }>(
          `http://127.0.0.1:${ports.daemon}/status`,
        ).catch(() => ({ calls: 0, failed: 0 }));
        if (status.failed > 0) throw new Error(`daemon: ${status.failed} failed calls`);
        calls = status.calls;
      }
      const entries = await getJson<JournalEntry[]>(
        `http://127.0.0.1:${ports.idpHttp}/_admin/journal`,
      );
      const byEndpoint: Record<string, number> = {};
      for (const entry of entries)
        byEndpoint[entry.endpoint] = (byEndpoint[entry.endpoint] ?? 0) + 1;
      return {
        run: {
          mode,
          calls,
          idpRequests: entries.length,
          byEndpoint,
          perThousandCalls: (entries.length / calls) * 1000,
        },
        start,
      };
    } finally {
      await stopProcess(daemon);
    }
  } finally {
    for (const service of started.reverse()) await stopService(service);
  }
}

function markdownTable(servers: ServerFigures[]): string {
  const lines = [
    `| server | req/s, 1 token | x plain Express | x plain Express, ${DISTINCT_TOKENS} distinct tokens | CPU µs/request, 1 token / ${DISTINCT_TOKENS} tokens | idle RSS | RSS after load | cold start to first 200 (CPU used) |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const s of servers) {
    lines.push(
      `| ${s.label} | ${Math.round(s.requestsPerSecond)} | ${s.ratioToExpress.toFixed(2)} | ${s.ratioToExpressManyTokens.toFixed(2)} | ${Math.round(s.cpuUsPerRequest)} / ${Math.round(s.cpuUsPerRequestManyTokens)} | ${Math.round(s.idleRssMb)} MB | ${Math.round(s.rssAfterLoadMb)} MB | ${(s.coldStartMs / 1000).toFixed(2)} s (${(s.coldStartCpuMs / 1000).toFixed(2)} s) |`,
    );
  }
  return lines.join('\n');
}

const startedAt = new Date();
async function measureDaemonAndReport(
  flood: FloodFigures | undefined,
  servers: ServerFigures[],
  idpRequestsDuringRounds: number,
  signedPerSecond: number,
  tokensPerSecondOverHttp: number,
  emulatorStart: StartFigures,
): Promise<void> {
  // 4. The daemon: cold start, idle RSS, IdP requests per 1000 calls.
  const managedIdentity = await daemonRun('managed-identity', join(stateDir, 'daemon-mi'));
  const federated = await daemonRun('federated', join(stateDir, 'daemon-fic'));
  const daemonStart = managedIdentity.start!;

  const figures = {
    startedAt: startedAt.toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: {
      seconds: SECONDS,
      rounds: ROUNDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      distinctTokens: DISTINCT_TOKENS,
      coldStarts: COLD_STARTS,
      daemonCalls: DAEMON_CALLS,
      protectedApiLogLevel: LOG_LEVEL,
    },
    servers,
    idpMetadataAndJwksRequestsDuringRounds: idpRequestsDuringRounds,
    flood,
    emulator: {
      tokensSignedPerSecondOneCore: Math.round(signedPerSecond),
      tokensPerSecondOverHttp: Math.round(tokensPerSecondOverHttp),
      ...emulatorStart,
    },
    daemon: { ...daemonStart, runs: [managedIdentity.run, federated.run] },
  };

  const daemonLine = (run: DaemonRun) =>
    `${run.mode}: ${round1(run.perThousandCalls)} (${run.idpRequests} requests for ${run.calls} calls: ` +
    `${Object.entries(run.byEndpoint)
      .map(([endpoint, count]) => `${endpoint} ${count}`)
      .join(', ')})`;
  const markdown = [
    markdownTable(servers),
    '',
    `- IdP metadata/JWKS requests during the measured rounds (all servers): ${idpRequestsDuringRounds}`,
    ...(flood
      ? [
          `- protected-api under ${flood.tokens} distinct valid tokens (each sent twice, after the rounds: the cache already holds their 2000 tokens): ` +
            `RSS ${Math.round(flood.rssBeforeMb)} MB before, ${Math.round(flood.rssAfterFirstPassMb)} MB after the first pass, ` +
            `${Math.round(flood.rssAfterSecondPassMb)} MB after the second; CPU per request ${Math.round(flood.cpuUsPerRequestFirstPass)} µs ` +
            `(new tokens) then ${Math.round(flood.cpuUsPerRequestSecondPass)} µs (remembered)`,
        ]
      : []),
    `- mock-idp: ${figures.emulator.tokensSignedPerSecondOneCore} tokens signed/s on one core (jose RS256 in-process), ` +
      `${figures.emulator.tokensPerSecondOverHttp} tokens/s over HTTP GET /msi/token (10 connections); ` +
      `cold start to /healthz 200 ${(emulatorStart.coldStartMs / 1000).toFixed(2)} s (CPU ${(emulatorStart.coldStartCpuMs / 1000).toFixed(2)} s); idle RSS ${Math.round(emulatorStart.idleRssMb)} MB`,
    `- consumer-daemon: cold start to /readyz 200 (token acquired) ${(daemonStart.coldStartMs / 1000).toFixed(2)} s (CPU ${(daemonStart.coldStartCpuMs / 1000).toFixed(2)} s); idle RSS ${Math.round(daemonStart.idleRssMb)} MB`,
    `- IdP requests per 1000 daemon calls (emulator journal, cleared once the API is ready; CALL_INTERVAL_MS=1): ${daemonLine(managedIdentity.run)}; ${daemonLine(federated.run)}`,
    '',
    `Measured ${figures.startedAt} on ${figures.machine.cpus} x ${figures.machine.cpu}, Node ${figures.machine.node}; ` +
      `${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per load and server, each right after ${SECONDS} s of plain Express (ratios: medians of those pairs); ` +
      `protected-api LOG_LEVEL=${LOG_LEVEL}; cold start and RSS: median of ${COLD_STARTS} starts.`,
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
  // Formatted as the repository formats Markdown (format:check covers bench/results).
  writeFileSync(join(RESULTS_DIR, 'latest.md'), await format(markdown, { parser: 'markdown' }));
  console.log(`\n${markdown}\n\nwritten to bench/results/latest.json and latest.md`);
}

// ---------------------------------------------------------------------------------------------
buildIfNeeded();
const authOffBundle = await buildAuthOffBundle();
installPeers();
const wanted = process.env['BENCH_SERVERS']?.split(',').map((id) => id.trim());
const specs = serverSpecs(authOffBundle).filter(
  (spec) => !wanted || spec.id === 'express-plain' || wanted.includes(spec.id),
);

const stateDir = mkdtempSync(join(tmpdir(), 'entra-s2s-bench-'));
const emulator = await startEmulator(join(stateDir, 'throughput'));
const running: Running[] = [];
try {
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`,
  );
  const [token, ...distinct] = await mintTokens(emulator.httpUrl, DISTINCT_TOKENS + 1);
  const loadOf = (load: Load) => (load === 'one' ? { token } : { tokens: distinct });
  console.log(`minted ${DISTINCT_TOKENS + 1} distinct v1 tokens from the emulator`);

  // 1. Emulator signing throughput (in-process, one core; then over HTTP).
  const signedPerSecond = THROUGHPUT_ONLY
    ? Number.NaN
    : await tokensSignedPerSecond(DEMO.tenantId, SIGNING_SECONDS);
  const overHttp = await autocannon({
    url: msiTokenUrl(emulator.httpUrl),
    connections: 10,
    duration: THROUGHPUT_ONLY ? 1 : SIGNING_SECONDS,
    headers: { 'x-identity-header': DEMO.identityHeader },
  });
  console.log(
    `emulator: ${Math.round(signedPerSecond)} tokens signed/s in-process (one core); ` +
      `${Math.round(overHttp.requests.average)} tokens/s over HTTP GET /msi/token`,
  );

  // 2. Cold start and idle RSS, each server alone.
  const starts = new Map<string, StartFigures>();
  for (const spec of specs) {
    starts.set(
      spec.id,
      await measureStarts(async () => {
        const port = await freePort();
        return {
          spawnChild: () => spawnNode(spec.entry, spec.env({ ...emulator.wiring, port })),
          url: `http://127.0.0.1:${port}${ITEMS_PATH}`,
          headers: spec.auth ? { authorization: `Bearer ${token}` } : undefined,
        };
      }),
    );
    const { coldStartMs, idleRssMb } = starts.get(spec.id)!;
    console.log(
      `${spec.label}: cold start to first 200 ${Math.round(coldStartMs)} ms, idle RSS ${Math.round(idleRssMb)} MB`,
    );
  }
  const emulatorStart = await measureStarts(async () => {
    const ports = await freePorts();
    return {
      spawnChild: () =>
        spawnNode(
          mainPath('mock-idp'),
          localWiring(ports, join(stateDir, 'cold-start'))['mock-idp'],
        ),
      url: `http://127.0.0.1:${ports.idpHttp}/healthz`,
    };
  });
  console.log(
    `mock-idp: cold start to /healthz 200 ${Math.round(emulatorStart.coldStartMs)} ms, idle RSS ${Math.round(emulatorStart.idleRssMb)} MB`,
  );

  // 3. Throughput: all servers up, taking turns.
  for (const spec of specs) {
    const port = await freePort();
    const child = spawnNode(spec.entry, spec.env({ ...emulator.wiring, port }));
    const url = `http://127.0.0.1:${port}`;
    running.push({
      spec,
      child,
      url,
      runs: { one: [], many: [] },
      ratios: { one: [], many: [] },
      cpu: { one: [], many: [] },
    });
    await msUntil200(`${url}${ITEMS_PATH}`, performance.now(), child, {
      authorization: `Bearer ${token}`,
    });
  }
  console.log(
    `GET ${ITEMS_PATH}, ${CONNECTIONS} connections; per server ${WARMUP_SECONDS} s warm-up per load, then ` +
      `${ROUNDS} rounds in which each server runs ${SECONDS} s right after ${SECONDS} s of plain Express, ` +
      `with 1 token, then with ${DISTINCT_TOKENS} tokens round-robin`,
  );
  for (const server of running) {
    for (const load of LOADS) await drive(server, WARMUP_SECONDS, loadOf(load));
  }
  const idpRequestsBefore = (await journal(emulator)).length;
  const [express, ...others] = running;
  for (let round = 0; round < ROUNDS; round++) {
    for (const load of LOADS) {
      // Rotate who goes first, so that no server always runs at the same point of a round.
      for (let i = 0; i < others.length; i++) {
        const server = others[(i + round) % others.length];
        const baseline = await drive(express, SECONDS, loadOf(load));
        const result = await drive(server, SECONDS, loadOf(load));
        express.runs[load].push(baseline.requests.average);
        server.runs[load].push(result.requests.average);
        server.ratios[load].push(result.requests.average / baseline.requests.average);
        express.cpu[load].push(baseline.cpuUsPerRequest);
        server.cpu[load].push(result.cpuUsPerRequest);
      }
    }
    console.log(
      `  round ${round + 1}: ` +
        others
          .map(
            (server) =>
              `${server.spec.id} ${server.ratios.one[round].toFixed(2)}/${server.ratios.many[round].toFixed(2)}`,
          )
          .join(', ') +
        ' x plain Express (1 token/many tokens)',
    );
  }
  const idpRequestsDuringRounds = (await journal(emulator)).length - idpRequestsBefore;
  const servers: ServerFigures[] = running.map((server) => ({
    id: server.spec.id,
    label: server.spec.label,
    requestsPerSecond: median(server.runs.one),
    requestsPerSecondManyTokens: median(server.runs.many),
    ratioToExpress: server === express ? 1 : median(server.ratios.one),
    ratioToExpressManyTokens: server === express ? 1 : median(server.ratios.many),
    cpuUsPerRequest: median(server.cpu.one),
    cpuUsPerRequestManyTokens: median(server.cpu.many),
    rssAfterLoadMb: rssMb(server.child.pid!),
    ...starts.get(server.spec.id)!,
  }));
  const protectedApi = running.find((server) => server.spec.id === 'protected-api');
  let flood: FloodFigures | undefined;
  if (protectedApi && FLOOD_TOKENS > 0) {
    const floodTokens = await mintTokens(emulator.httpUrl, FLOOD_TOKENS);
    flood = await measureFlood(protectedApi, floodTokens);
    console.log(`flood of ${FLOOD_TOKENS} distinct tokens: ${JSON.stringify(flood)}`);
  }
  for (const server of running) await stopProcess(server.child);
  running.length = 0;

  if (THROUGHPUT_ONLY) console.log(`\n${markdownTable(servers)}`);
  else
    await measureDaemonAndReport(
      flood,
      servers,
      idpRequestsDuringRounds,
      signedPerSecond,
      overHttp.requests.average,
      emulatorStart,
    );
} finally {
  for (const server of running) await stopProcess(server.child);
  await stopService(emulator.service);
  rmSync(stateDir, { recursive: true, force: true });
}
