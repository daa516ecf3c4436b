// docker-compose.yml must run what the e2e suites test: the same variables as localWiring(),
// with container names where the local stack says localhost.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_PORTS, REPO_ROOT, SERVICE_NAMES, localWiring, type ServiceName } from './stack.ts';

interface ComposeFile {
  services: Record<string, { environment: Record<string, string> }>;
}

const readCompose = (file: string) =>
  parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as ComposeFile;
const compose = readCompose('docker-compose.yml');
const CA_DIRECTORY = '/var/run/mock-idp';

// What only containers need: the other two mount the CA directory, so the emulator keeps its
// private keys in a volume of its own (locally they stay beside the CA, the default); in that volume
// it also keeps the directory as Microsoft Graph changed it, so `restart mock-idp` keeps what was
// provisioned (`npm start` starts from the directory file each time).
const CONTAINER_ONLY: Partial<Record<ServiceName, Record<string, string>>> = {
  'mock-idp': {
    MOCK_IDP_DATA_DIR: '/var/lib/mock-idp',
    MOCK_IDP_STATE_FILE: '/var/lib/mock-idp/directory-state.json',
  },
};

const HOST_OF_PORT: Record<number, ServiceName> = {
  [DEFAULT_PORTS.idpHttp]: 'mock-idp',
  [DEFAULT_PORTS.idpHttps]: 'mock-idp',
  [DEFAULT_PORTS.api]: 'protected-api',
};

function inContainers(value: string): string {
  if (value === 'localhost') return 'mock-idp';
  return value.replace(
    /localhost:(\d+)/g,
    (_, port: string) => `${HOST_OF_PORT[Number(port)]}:${port}`,
  );
}

describe('docker-compose.yml', () => {
  it.each(SERVICE_NAMES)('%s gets the local wiring, with container host names', (service) => {
    const expected = Object.fromEntries(
      Object.entries(localWiring(DEFAULT_PORTS, CA_DIRECTORY)[service]).map(([name, value]) => [
        name,
        inContainers(value),
      ]),
    );
    expect(compose.services[service]?.environment).toEqual({
      ...expected,
      ...CONTAINER_ONLY[service],
    });
  });

  it('docker-compose.federated.yml only switches the daemon to federated mode', () => {
    expect(readCompose('docker-compose.federated.yml').services).toEqual({
      'consumer-daemon': { environment: { AUTH_MODE: 'federated' } },
    });
  });
});
