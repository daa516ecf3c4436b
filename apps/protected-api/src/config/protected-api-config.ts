// The environment of protected-api, parsed once at startup. A bad value throws a ConfigError naming
// the variable (AUTH_* through libs/auth's parser).
import { AuthConfigError, authOptionsFromEnv, type AuthModuleOptions } from '@app/auth';
import { isIP } from 'node:net';
import type { DestinationStream, LevelWithSilent } from 'pino';

export interface ProtectedApiConfig {
  port: number;
  /** BIND_ADDRESS: the address to listen on; undefined = every interface (what a container needs). */
  bindAddress?: string;
  logLevel: LevelWithSilent;
  auth: AuthModuleOptions;
  /** Where JSON logs go; stdout when absent (tests capture them). */
  logDestination?: DestinationStream;
}

export class ProtectedApiConfigError extends Error {
  override readonly name = 'ProtectedApiConfigError';
}

const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function port(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed > 65_535) {
    throw new ProtectedApiConfigError(
      `PORT must be a TCP port number from 0 to 65535 (got ${JSON.stringify(value)})`,
    );
  }
  return parsed;
}

function bindAddress(value: string | undefined): string | undefined {
  const address = value?.trim();
  if (!address) return undefined;
  if (!isIP(address) && address !== 'localhost') {
    throw new ProtectedApiConfigError(
      `BIND_ADDRESS must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost (got ${JSON.stringify(value)})`,
    );
  }
  return address;
}

function logLevel(value: string | undefined): LevelWithSilent {
  if (value === undefined || value.trim() === '') return 'info';
  const level = value.trim().toLowerCase() as LevelWithSilent;
  if (!LOG_LEVELS.includes(level)) {
    throw new ProtectedApiConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`,
    );
  }
  return level;
}

export function parseProtectedApiConfig(
  env: Readonly<Record<string, string | undefined>>,
): ProtectedApiConfig {
  try {
    return {
      port: port(env.PORT),
      bindAddress: bindAddress(env.BIND_ADDRESS),
      logLevel: logLevel(env.LOG_LEVEL),
      auth: authOptionsFromEnv(env, { realm: 'protected-api' }),
    };
  } catch (error) {
    if (error instanceof AuthConfigError)
      throw new ProtectedApiConfigError(error.message, { cause: error });
    throw error;
  }
}
