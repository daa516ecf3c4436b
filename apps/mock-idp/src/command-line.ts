// `mock-idp [flags]`: each flag is the same setting as its MOCK_IDP_* variable (README), and wins
// over it. Parsed with node:util so a typo stops startup instead of being ignored.
import { parseArgs } from 'node:util';
import { loadMockIdpConfig } from './config/mock-idp-config.js';
import { runMockIdp } from './run-mock-idp.js';

/** flag -> environment variable it sets. */
const FLAGS = {
  directory: 'MOCK_IDP_DIRECTORY',
  'http-port': 'MOCK_IDP_HTTP_PORT',
  'https-port': 'MOCK_IDP_HTTPS_PORT',
  'public-host': 'MOCK_IDP_PUBLIC_HOST',
  bind: 'MOCK_IDP_BIND_ADDRESS',
  'state-file': 'MOCK_IDP_STATE_FILE',
  'data-dir': 'MOCK_IDP_DATA_DIR',
  'ca-cert': 'MOCK_IDP_CA_CERT_PATH',
  'log-level': 'MOCK_IDP_LOG_LEVEL',
} as const;

export const USAGE = `Usage: mock-idp [options]     (every option also reads from its environment variable)

  --directory <file>     directory JSON (MOCK_IDP_DIRECTORY; default: the bundled demo)
  --http-port <n>        managed-identity listener, 0 = any free port (MOCK_IDP_HTTP_PORT; 8080)
  --https-port <n>       authority listener, 0 = any free port (MOCK_IDP_HTTPS_PORT; 8443)
  --public-host <host>   host in issuers, metadata and the certificate (MOCK_IDP_PUBLIC_HOST; localhost)
  --bind <address>       address both listeners bind (MOCK_IDP_BIND_ADDRESS; all interfaces)
  --state-file <file>    where Graph changes persist (MOCK_IDP_STATE_FILE)
  --data-dir <dir>       where the CA and signing keys persist (MOCK_IDP_DATA_DIR)
  --ca-cert <file>       where the CA certificate is written (MOCK_IDP_CA_CERT_PATH; .mock-idp/ca.pem)
  --admin                serve the admin API and the console at /_admin/ (MOCK_IDP_ADMIN_ENABLED)
  --log-level <level>    fatal|error|warn|info|debug|trace|silent (MOCK_IDP_LOG_LEVEL; info)
  --help                 this text
`;

export type CommandLine = { help: true } | { help: false; env: Record<string, string> };

/** The environment overrides the flags stand for; throws on an unknown flag or a missing value. */
export function parseCommandLine(args: string[]): CommandLine {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      admin: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values['help']) return { help: true };
  const env: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === 'string') env[variable] = value;
  }
  if (values['admin']) env['MOCK_IDP_ADMIN_ENABLED'] = 'true';
  return { help: false, env };
}

/** What `mock-idp` does: start from flags + environment, stop cleanly on SIGTERM/SIGINT, and on a
 * bad setting print one line naming it and exit 1. */
export async function runFromCommandLine(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  try {
    const commandLine = parseCommandLine(args);
    if (commandLine.help) {
      process.stdout.write(USAGE);
      return;
    }
    const running = await runMockIdp(loadMockIdpConfig({ ...env, ...commandLine.env }));
    const stop = () => {
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    console.error(`mock-idp: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
