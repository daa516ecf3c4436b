// Runs sdk-driver.ts in a child process with exactly the environment a platform would give it
// (nothing inherited that could steer the SDK elsewhere).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverOutcome, Scenario } from './sdk-driver.js';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'sdk-driver.ts');
const STEERING =
  /^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS$|NODE_OPTIONS$|HTTPS?_PROXY$|NO_PROXY$)/i;

export function runSdk(
  scenario: Scenario,
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<DriverOutcome> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !STEERING.test(key)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', DRIVER, JSON.stringify(scenario)], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as DriverOutcome);
      } catch {
        reject(new Error(`sdk-driver exited with ${code}: ${stderr || stdout}`));
      }
    });
  });
}

/** Environment of a Container Apps container wired to the emulator. */
export function containerAppsEnv(
  httpBase: string,
  caCertPath: string,
  identityHeader: string,
): Record<string, string> {
  return {
    IDENTITY_ENDPOINT: `${httpBase}/msi/token`,
    IDENTITY_HEADER: identityHeader,
    NODE_EXTRA_CA_CERTS: caCertPath,
  };
}

/** Environment of a VM / pod-identity host: IMDS at the emulator. */
export function imdsEnv(httpBase: string, caCertPath: string): Record<string, string> {
  return { AZURE_POD_IDENTITY_AUTHORITY_HOST: httpBase, NODE_EXTRA_CA_CERTS: caCertPath };
}
