// `npm run bench:profile -- [protected-api | protected-api-auth-off]`: where a request's CPU goes.
// Runs one protected-api build under the bench's load (autocannon, BENCH_CONNECTIONS connections,
// one token, or BENCH_TOKENS distinct tokens round-robin with PROFILE_TOKENS=many) with
// `node --cpu-prof`, then prints its self time by package and by function. The bundles are one
// file each, so every sample is mapped back through the bundle's source map to the package or
// source file it came from. The .cpuprofile stays for Chrome DevTools or VS Code (path printed).
// Knobs: BENCH_SECONDS (10 here), BENCH_CONNECTIONS (50), BENCH_TOKENS (2000), BENCH_LOG_LEVEL
// (info), PROFILE_TOKENS (one | many), PROFILE_TOP (25 rows per table).
// Runs on Node 24 type stripping: erasable TypeScript only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded, freePort, mainPath, stopService } from '../scripts/stack.ts';
import { autocannon, roundRobinBearer } from './lib/autocannon.ts';
import { buildAuthOffBundle } from './lib/auth-off-bundle.ts';
import { mintTokens, protectedApiEnv, startEmulator } from './lib/emulator.ts';
import { cpuMs, msUntil200, stopProcess } from './lib/measure.ts';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = knob('BENCH_SECONDS', 10);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 50);
const MANY_TOKENS = process.env['PROFILE_TOKENS'] === 'many';
const TOKENS = MANY_TOKENS ? knob('BENCH_TOKENS', 2000) : 1;
const TOP = knob('PROFILE_TOP', 25);
const LOG_LEVEL = process.env['BENCH_LOG_LEVEL'] ?? 'info';
const SERVER = process.argv[2] ?? 'protected-api';
if (SERVER !== 'protected-api' && SERVER !== 'protected-api-auth-off') {
  console.error(`usage: npm run bench:profile -- [protected-api | protected-api-auth-off]`);
  process.exit(2);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Package (node_modules/<name>) or repo file a sample's code came from, and its function. */
function attribute(node: ProfileNode, bundleUrl: string, sourceMap: SourceMap) {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (url !== bundleUrl) {
    const where = url ? url.replace(/^file:\/\/.*\/node_modules\//, '') : '(V8/native)';
    return { origin: where.startsWith('node:') ? 'node core' : where, where: `${name} ${where}` };
  }
  const entry = sourceMap.findEntry(lineNumber, columnNumber) as {
    originalSource?: string;
    originalLine?: number;
  };
  const source = (entry.originalSource ?? '').replace(/^webpack:\/\/[^/]*\/(\.\/)?/, '');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  const origin = inPackage ? inPackage[1] : source || 'main.js';
  return { origin, where: `${name} ${source}:${(entry.originalLine ?? 0) + 1}` };
}

function printProfile(profilePath: string, bundlePath: string): void {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const sourceMap = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')));
  const bundleUrl = `file://${bundlePath}`;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += micros;
    const { origin, where } = attribute(node, bundleUrl, sourceMap);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
    byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
  });
  const table = (title: string, totals: Map<string, number>) => {
    console.log(`\n${title} (share of busy CPU time, ${(busy / 1000).toFixed(0)} ms)`);
    for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, TOP))
      console.log(`${((100 * micros) / busy).toFixed(1).padStart(6)}%  ${key}`);
  };
  table('self time by package / source file', byOrigin);
  table('self time by function', byFunction);
}

buildIfNeeded();
const bundle = SERVER === 'protected-api' ? mainPath('protected-api') : await buildAuthOffBundle();
const workDir = mkdtempSync(join(tmpdir(), 'entra-s2s-profile-'));
const profileDir = join(workDir, 'profile');
const emulator = await startEmulator(join(workDir, 'emulator'));
try {
  const tokens = await mintTokens(emulator.httpUrl, TOKENS);
  const port = await freePort();
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, bundle], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env['PATH'] ?? '',
      ...protectedApiEnv({ ...emulator.wiring, port }, LOG_LEVEL),
    },
  });
  const url = `http://127.0.0.1:${port}/api/items`;
  const headers = { authorization: `Bearer ${tokens[0]}` };
  await msUntil200(url, performance.now(), child, headers);
  const load = {
    url,
    connections: CONNECTIONS,
    ...(MANY_TOKENS ? { requests: roundRobinBearer(tokens) } : { headers }),
  };
  await autocannon({ ...load, duration: 2 });
  const cpuBefore = cpuMs(child.pid!);
  const result = await autocannon({ ...load, duration: SECONDS });
  const cpuUsPerRequest = ((cpuMs(child.pid!) - cpuBefore) * 1000) / result.requests.total;
  // SIGTERM: the app exits through its shutdown hooks, and node writes the profile on exit.
  await stopProcess(child);
  console.log(
    `${SERVER}, ${TOKENS === 1 ? 'one token' : `${TOKENS} tokens round-robin`}, ` +
      `${CONNECTIONS} connections, ${SECONDS} s under the profiler: ` +
      `${Math.round(result.requests.total / SECONDS)} req/s, ${Math.round(cpuUsPerRequest)} µs CPU per request ` +
      `(the profiler adds its own cost), ${result.non2xx} non-2xx`,
  );
  const [profileFile] = readdirSync(profileDir);
  if (!profileFile) throw new Error('node wrote no CPU profile');
  printProfile(join(profileDir, profileFile), bundle);
  console.log(`\nprofile: ${join(profileDir, profileFile)}`);
} finally {
  await stopService(emulator.service);
  rmSync(join(workDir, 'emulator'), { recursive: true, force: true });
}
