// `npm start`: build if needed, then run the emulator, the API and the daemon as three processes
// with the local wiring, each log line prefixed with its service. Ctrl-C stops all of them.
// Ports: MOCK_IDP_HTTP_PORT, MOCK_IDP_HTTPS_PORT, API_PORT, DAEMON_PORT override the defaults;
// AUTH_MODE=federated runs the daemon through the federated identity credential exchange.
// Everything listens on 127.0.0.1; BIND_ADDRESS (e.g. 0.0.0.0) opens the API and the daemon to
// other hosts. The emulator stays on loopback: its admin API has no authentication.
import { join } from 'node:path';
import {
  DEFAULT_PORTS,
  REPO_ROOT,
  buildIfNeeded,
  localBinding,
  startStack,
  type RunningStack,
  type ServiceName,
  type StackPorts,
} from './stack.ts';
import { formatLogLine } from './log-format.ts';

const PREFIX_COLOUR: Record<ServiceName, string> = {
  'mock-idp': '\x1b[35m',
  'protected-api': '\x1b[36m',
  'consumer-daemon': '\x1b[33m',
};
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;

function print(service: ServiceName | 'stack', line: string): void {
  const label = service.padEnd(15);
  const prefix =
    useColour && service !== 'stack' ? `${PREFIX_COLOUR[service]}${label}\x1b[0m` : label;
  console.log(`${prefix} | ${line}`);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
    process.exit(2);
  }
  return port;
}

const ports: StackPorts = {
  idpHttp: portFromEnv('MOCK_IDP_HTTP_PORT', DEFAULT_PORTS.idpHttp),
  idpHttps: portFromEnv('MOCK_IDP_HTTPS_PORT', DEFAULT_PORTS.idpHttps),
  api: portFromEnv('API_PORT', DEFAULT_PORTS.api),
  daemon: portFromEnv('DAEMON_PORT', DEFAULT_PORTS.daemon),
};

const authMode = process.env.AUTH_MODE ?? 'managed-identity';
if (authMode !== 'managed-identity' && authMode !== 'federated') {
  console.error(`AUTH_MODE must be managed-identity or federated, got "${authMode}"`);
  process.exit(2);
}

const binding = localBinding(process.env.BIND_ADDRESS?.trim() || undefined);

buildIfNeeded((line) => print('stack', line));

let stack: RunningStack | undefined;
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  print('stack', `${signal}: stopping consumer-daemon, protected-api, mock-idp ...`);
  await stack?.stop();
  print('stack', 'stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  stack = await startStack({
    ports,
    stateDir: join(REPO_ROOT, '.mock-idp'),
    env: {
      ...binding,
      'consumer-daemon': { ...binding['consumer-daemon'], AUTH_MODE: authMode },
    },
    onLine: (service, line) => {
      const shown = formatLogLine(line);
      if (shown !== undefined) print(service, shown);
    },
  });
} catch (error) {
  print('stack', `could not start the stack: ${(error as Error).message}`);
  process.exit(1);
}

print(
  'stack',
  `emulator    ${stack.urls.idpHttp} (managed identity)  ${stack.urls.idpHttps} (authority)`,
);
print('stack', `api         ${stack.urls.api}/docs`);
print('stack', `daemon      ${stack.urls.daemon}/status`);
print(
  'stack',
  'all three are up; the daemon calls GET /api/items on a schedule. Ctrl-C stops everything.',
);

for (const service of Object.values(stack.services)) {
  void service.exited.then((code) => {
    if (stopping) return;
    print('stack', `${service.name} exited unexpectedly (code ${code}); stopping the rest`);
    void shutdown('exit');
  });
}
